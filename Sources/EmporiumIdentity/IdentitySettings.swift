public import EmporiumCore
import Foundation

/// Identity's settings, from the same layered reader as every other (`EMPORIUM_*`).
public struct IdentitySettings: Sendable {
    public var accessTokenTTL: Duration = .seconds(15 * 60)
    public var refreshTokenTTL: Duration = .seconds(30 * 24 * 3600)
    public var bcryptCost: Int = 10
    public var adminEmail: String?
    public var adminPassword: String?
    /// Failed logins for one email within `failureWindow` before 429.
    public var emailFailureLimit: Int = 10
    /// Failed logins from one client address within `failureWindow` before 429.
    public var addressFailureLimit: Int = 100
    public var failureWindow: Duration = .seconds(15 * 60)
    /// Peers (NGINX) whose `X-Forwarded-For` names the real client for the address limit.
    public var trustedProxies: Set<String> = []

    public init() {}

    public init(reader: SettingsReader) throws {
        self.init()
        if let ttl = try reader.int("accessTokenTtl", in: 30...86_400) { self.accessTokenTTL = .seconds(ttl) }
        if let cost = try reader.int("bcryptCost", in: 4...16) { self.bcryptCost = cost }
        if let limit = try reader.int("loginAddressLimit", in: 1...1_000_000) { self.addressFailureLimit = limit }
        if let proxies = reader.string("trustedProxies") {
            self.trustedProxies = Set(proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        self.adminEmail = reader.string("adminEmail")
        self.adminPassword = reader.string("adminPassword", isSecret: true)
        if (self.adminEmail == nil) != (self.adminPassword == nil) {
            throw ConfigurationError.invalid(key: "adminEmail", reason: "set both EMPORIUM_ADMIN_EMAIL and EMPORIUM_ADMIN_PASSWORD, or neither")
        }
    }
}
