/// Identity as the storefront uses it: signing shoppers up and in on their behalf, and
/// keeping their tokens fresh. `clientAddress` is the shopper's IP address as the storefront
/// saw it (nil when unknown), so identity's per-address limits count the shopper. What
/// identity refuses is thrown as an `IdentityRefusal`; a peer that is down, slow or
/// overloaded is a gRPC `RPCError`, as from every peer.
public protocol IdentityPeer: Sendable {
    /// A new customer account, signed in.
    func register(email: String, password: String, name: String, clientAddress: String?) async throws -> ShopperSession
    func login(email: String, password: String, clientAddress: String?) async throws -> ShopperSession
    /// A new session for a refresh token; the token given is spent (rotation).
    func refresh(refreshToken: String) async throws -> ShopperSession
    /// Signs out every session from the token's login; an unknown token is no error.
    func logout(refreshToken: String) async throws
}

/// A signed-in shopper: who, and the tokens the storefront keeps for them. The access token
/// is what the other services verify; it expires after `expiresIn` seconds.
public struct ShopperSession: Sendable, Equatable {
    public var userId: String
    public var email: String
    public var name: String
    public var roles: [String]
    public var accessToken: String
    public var refreshToken: String
    public var expiresIn: Int

    public init(userId: String, email: String, name: String, roles: [String], accessToken: String, refreshToken: String, expiresIn: Int) {
        self.userId = userId
        self.email = email
        self.name = name
        self.roles = roles
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
    }
}

/// What identity refuses, for the storefront to show as a message on the page.
public enum IdentityRefusal: Error, Sendable, Equatable {
    /// The email, password, name or client address break the account rules; the message
    /// says which ("email must be …; password must be …").
    case invalid(String)
    case emailTaken
    /// The email or password is wrong (never which).
    case wrongCredentials
    /// Too many failed sign-ins (or registrations from one address): try again after this many seconds.
    case lockedOut(retryAfterSeconds: Int)
    /// Identity has no password-check capacity now: try again shortly.
    case busy
    /// The refresh token is unknown, expired or spent: the shopper signs in again.
    case refreshRejected
}
