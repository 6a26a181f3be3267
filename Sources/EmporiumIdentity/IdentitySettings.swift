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
    /// Registrations from one client address within `failureWindow` before 429: enough for
    /// a household or an office behind one NAT, too few to flood bcrypt from one host.
    public var registerAddressLimit: Int = 20
    public var failureWindow: Duration = .seconds(15 * 60)
    /// bcrypt hashes running at once (register and login share them): one per core keeps
    /// each as fast as it can be.
    public var bcryptConcurrency: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// bcrypt calls that may wait for a slot at most; beyond it, 503 at once. The wait is
    /// bounded by `bcryptMaxWait` first: this only caps the memory a flood can hold.
    public var bcryptQueue: Int = 64 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// The longest a sign-in may expect to wait for a bcrypt slot before it is refused with
    /// 503 and the time the queue needs as Retry-After. Long enough that a burst of
    /// sign-ins keeps every slot busy, short enough that a shopper is never left hanging.
    public var bcryptMaxWait: Duration = .seconds(3)
    /// How often expired login-attempt rows and refresh tokens are purged.
    public var purgeInterval: Duration = .seconds(600)
    /// Peers (NGINX) whose `X-Forwarded-For` names the real client for the address limit.
    public var trustedProxies: TrustedProxies = .none

    public init() {}

    public init(reader: SettingsReader) throws {
        self.init()
        if let ttl = try reader.int("accessTokenTtl", in: 30...86_400) { self.accessTokenTTL = .seconds(ttl) }
        // API.md: hashes are cost ≥ 10. Lower costs make test suites fast; they need the
        // explicit EMPORIUM_TEST_MODE=1 so a production config can never weaken hashes.
        let testMode = try reader.bool("testMode") ?? false
        if let cost = try reader.int("bcryptCost", in: 4...16) {
            guard cost >= 10 || testMode else {
                throw ConfigurationError.invalid(key: "bcryptCost", reason: "\(cost) is below 10; costs 4–9 are for tests and need EMPORIUM_TEST_MODE=1")
            }
            self.bcryptCost = cost
        }
        if let limit = try reader.int("loginAddressLimit", in: 1...1_000_000) { self.addressFailureLimit = limit }
        if let limit = try reader.int("registerAddressLimit", in: 1...1_000_000) { self.registerAddressLimit = limit }
        if let slots = try reader.int("bcryptConcurrency", in: 1...1024) { self.bcryptConcurrency = slots }
        if let queue = try reader.int("bcryptQueue", in: 0...100_000) { self.bcryptQueue = queue }
        if let milliseconds = try reader.int("bcryptMaxWaitMs", in: 0...60_000) { self.bcryptMaxWait = .milliseconds(milliseconds) }
        if let proxies = reader.string("trustedProxies") {
            switch TrustedProxies.parse(proxies) {
            case .success(let trusted): self.trustedProxies = trusted
            case .failure(let invalid):
                throw ConfigurationError.invalid(key: "trustedProxies", reason: "\(invalid.entry) is neither an IP address nor a network (10.0.0.0/8)")
            }
        }
        self.adminEmail = reader.string("adminEmail")
        self.adminPassword = reader.string("adminPassword", isSecret: true)
        if (self.adminEmail == nil) != (self.adminPassword == nil) {
            throw ConfigurationError.invalid(key: "adminEmail", reason: "set both EMPORIUM_ADMIN_EMAIL and EMPORIUM_ADMIN_PASSWORD, or neither")
        }
    }
}

extension IdentitySettings: CustomStringConvertible, CustomDebugStringConvertible {
    /// Never the admin bootstrap password (settings reach logs through service descriptions).
    public var description: String {
        "IdentitySettings(adminEmail: \(self.adminEmail ?? "none"), adminPassword: \(self.adminPassword == nil ? "none" : "***"), bcryptCost: \(self.bcryptCost))"
    }

    public var debugDescription: String { self.description }
}
