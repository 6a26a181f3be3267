public import Foundation

/// A user as the API shows it.
public struct User: Codable, Sendable, Equatable {
    public var id: String
    public var email: String
    public var name: String
    public var roles: [String]
    public var createdAt: Date
}

/// What login and registration answer: the user and a fresh pair of tokens.
struct Session: Encodable, Sendable {
    var user: User
    var accessToken: String
    var refreshToken: String
    var tokenType = "Bearer"
    var expiresIn: Int
}
