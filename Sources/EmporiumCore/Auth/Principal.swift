/// Who a verified access token speaks for.
public struct Principal: Sendable, Equatable {
    public var userId: String
    public var roles: Set<Role>

    public init(userId: String, roles: Set<Role>) {
        self.userId = userId
        self.roles = roles
    }
}

public struct Role: RawRepresentable, Hashable, Sendable, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let customer = Role(rawValue: "customer")
    public static let admin = Role(rawValue: "admin")
}
