public import EmporiumCore
import EmporiumProto
import GRPCCore

/// Identity's internal API over gRPC, for the storefront. Identity's status codes become
/// `IdentityRefusal`s here, so callers never read gRPC codes.
public struct IdentityClient: IdentityPeer {
    typealias Service = Emporium_Identity_V1_IdentityService

    let channel: PeerChannel

    public init(_ connection: RPCConnection) {
        self.channel = PeerChannel(connection)
        connection.register(Service.descriptor)
    }

    public func register(email: String, password: String, name: String, clientAddress: String?) async throws -> ShopperSession {
        var request = Emporium_Identity_V1_RegisterRequest()
        request.email = email
        request.password = password
        request.name = name
        request.clientAddress = clientAddress ?? ""
        return try await Self.refusing(unauthenticated: .wrongCredentials) {
            Self.session(try await self.channel.call(Service.Method.Register.self, request))
        }
    }

    public func login(email: String, password: String, clientAddress: String?) async throws -> ShopperSession {
        var request = Emporium_Identity_V1_LoginRequest()
        request.email = email
        request.password = password
        request.clientAddress = clientAddress ?? ""
        return try await Self.refusing(unauthenticated: .wrongCredentials) {
            Self.session(try await self.channel.call(Service.Method.Login.self, request))
        }
    }

    public func refresh(refreshToken: String) async throws -> ShopperSession {
        var request = Emporium_Identity_V1_RefreshRequest()
        request.refreshToken = refreshToken
        return try await Self.refusing(unauthenticated: .refreshRejected) {
            Self.session(try await self.channel.call(Service.Method.Refresh.self, request))
        }
    }

    public func logout(refreshToken: String) async throws {
        var request = Emporium_Identity_V1_LogoutRequest()
        request.refreshToken = refreshToken
        try await Self.refusing(unauthenticated: .refreshRejected) {
            _ = try await self.channel.call(Service.Method.Logout.self, request)
        }
    }

    /// Runs one call, turning identity's refusals (the codes `identity.proto` documents)
    /// into `IdentityRefusal`; UNAUTHENTICATED means `unauthenticated` for this method.
    /// Anything else (the peer down, slow or failing) stays an `RPCError`, as from any peer.
    static func refusing<T>(unauthenticated: IdentityRefusal, _ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as RPCError {
            switch error.code {
            case .invalidArgument: throw IdentityRefusal.invalid(error.message)
            case .alreadyExists: throw IdentityRefusal.emailTaken
            case .unauthenticated: throw unauthenticated
            case .failedPrecondition: throw IdentityRefusal.lockedOut(retryAfterSeconds: Self.retryAfter(error.metadata))
            case .resourceExhausted: throw IdentityRefusal.busy
            default: throw error
            }
        }
    }

    /// A lockout's `retry-after` trailer, in seconds. Without a usable one, a minute: a
    /// shopper told "try again now" would only be locked out again.
    static func retryAfter(_ metadata: Metadata) -> Int {
        for text in metadata[stringValues: "retry-after"] {
            if let seconds = Int(text), seconds > 0 { return seconds }
        }
        return 60
    }

    static func session(_ message: Emporium_Identity_V1_Session) -> ShopperSession {
        ShopperSession(
            userId: message.user.id, email: message.user.email, name: message.user.name, roles: message.user.roles,
            accessToken: message.accessToken, refreshToken: message.refreshToken, expiresIn: Int(message.expiresInSeconds)
        )
    }
}

extension Emporium_Identity_V1_IdentityService.Method.Register: UnaryMethod {}
extension Emporium_Identity_V1_IdentityService.Method.Login: UnaryMethod {}
extension Emporium_Identity_V1_IdentityService.Method.Refresh: UnaryMethod {}
extension Emporium_Identity_V1_IdentityService.Method.Logout: UnaryMethod {}
