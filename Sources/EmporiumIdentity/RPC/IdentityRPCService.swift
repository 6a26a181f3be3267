import EmporiumCore
import EmporiumProto
import GRPCCore

/// Identity's internal API, for the storefront: it signs shoppers up and in on their behalf
/// and keeps their tokens in its own session cookie. The same `Sessions` and rules as the
/// public `/api/v1/auth` routes; the shopper's address comes in the request (the caller is
/// the storefront, not the shopper), so the per-address limits count the shopper. Errors
/// are `IdentityError`s, answered by its gRPC table (`IdentityError+RPC.swift`).
struct IdentityRPCService: Emporium_Identity_V1_IdentityService.SimpleServiceProtocol {
    let sessions: Sessions
    let logins: LoginCounter

    /// Identity's refresh tokens are 43 characters; anything far longer was never issued,
    /// and is refused without hashing or a store query.
    static let maxRefreshTokenBytes = 256

    func register(request: Emporium_Identity_V1_RegisterRequest, context: ServerContext) async throws -> Emporium_Identity_V1_Session {
        let clientAddress = try Self.clientAddress(request.clientAddress)
        let session = try await self.sessions.register(
            email: request.email, password: request.password, name: request.name, clientAddress: clientAddress
        )
        return Self.message(session)
    }

    func login(request: Emporium_Identity_V1_LoginRequest, context: ServerContext) async throws -> Emporium_Identity_V1_Session {
        let clientAddress = try Self.clientAddress(request.clientAddress)
        let session = try await self.logins.counting {
            try await self.sessions.login(email: request.email, password: request.password, clientAddress: clientAddress)
        }
        return Self.message(session)
    }

    func refresh(request: Emporium_Identity_V1_RefreshRequest, context: ServerContext) async throws -> Emporium_Identity_V1_Session {
        guard request.refreshToken.utf8.count <= Self.maxRefreshTokenBytes else { throw IdentityError.refreshTokenInvalid }
        return Self.message(try await self.sessions.refresh(token: request.refreshToken))
    }

    func logout(request: Emporium_Identity_V1_LogoutRequest, context: ServerContext) async throws -> Emporium_Identity_V1_LogoutResponse {
        // An overlong token is unknown, and logging out an unknown token succeeds.
        if request.refreshToken.utf8.count <= Self.maxRefreshTokenBytes {
            try await self.sessions.logout(token: request.refreshToken)
        }
        return Emporium_Identity_V1_LogoutResponse()
    }

    /// The shopper's address in one spelling, or nil when the caller sent none; anything
    /// that is not an IP address is refused (it would make a per-address limit of its own).
    static func clientAddress(_ text: String) throws -> String? {
        guard !text.isEmpty else { return nil }
        guard let address = ClientAddress.canonical(text) else {
            throw RPCError(code: .invalidArgument, message: "client_address must be an IPv4 or IPv6 address, or empty.")
        }
        return address
    }

    static func message(_ session: Session) -> Emporium_Identity_V1_Session {
        var user = Emporium_Identity_V1_User()
        user.id = session.user.id
        user.email = session.user.email
        user.name = session.user.name
        user.roles = session.user.roles
        var message = Emporium_Identity_V1_Session()
        message.user = user
        message.accessToken = session.accessToken
        message.refreshToken = session.refreshToken
        message.expiresInSeconds = Int64(session.expiresIn)
        return message
    }
}
