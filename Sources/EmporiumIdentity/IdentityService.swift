public import ArgumentParser
public import EmporiumCore
import Foundation
import Hummingbird
import Logging
public import Metrics

/// The identity service: accounts, sessions and signing keys on its database, the
/// `/api/v1/auth` and `/.well-known/jwks.json` routes, the storefront's gRPC API
/// (`emporium.identity.v1`: the same sign-up and sign-in), and the purge of expired rows. It
/// issues the access tokens every other service verifies, and offers its own verifier to
/// the services in its process (the others fetch its JWKS over HTTP under `serve`).
public enum IdentityService: ServiceDefinition {
    public static let name = "identity"
    public static let summary = "Accounts, sign-in and access tokens (and the JWKS the other services verify them with)."
    public static let issuesTokens = true
    public static let environmentHelp = """
        Environment only: EMPORIUM_ADMIN_PASSWORD (with EMPORIUM_ADMIN_EMAIL, the admin created at start); \
        EMPORIUM_TEST_MODE=1 allows bcrypt costs below 10, for tests.
        """

    public struct Flags: SettingsFlags {
        @Option(help: "Access token lifetime in seconds (EMPORIUM_ACCESS_TOKEN_TTL, default 900).")
        var accessTokenTtl: Int?

        @Option(help: "bcrypt cost, 10 or more (EMPORIUM_BCRYPT_COST, default 10).")
        var bcryptCost: Int?

        @Option(help: "bcrypt hashes at once (EMPORIUM_BCRYPT_CONCURRENCY, default: one per core).")
        var bcryptConcurrency: Int?

        @Option(help: "bcrypt calls that may wait for a slot at most, before 503 (EMPORIUM_BCRYPT_QUEUE, default 64 per core).")
        var bcryptQueue: Int?

        @Option(help: "Longest expected wait for a bcrypt slot before 503, ms (EMPORIUM_BCRYPT_MAX_WAIT_MS, default 3000).")
        var bcryptMaxWaitMs: Int?

        @Option(help: "Failed sign-ins from one address per window before 429 (EMPORIUM_LOGIN_ADDRESS_LIMIT, default 100).")
        var loginAddressLimit: Int?

        @Option(help: "Registrations from one address per window before 429 (EMPORIUM_REGISTER_ADDRESS_LIMIT, default 20).")
        var registerAddressLimit: Int?

        @Option(help: "Proxies whose X-Forwarded-For names the client, comma-separated (EMPORIUM_TRUSTED_PROXIES).")
        var trustedProxies: String?

        @Option(help: "The admin account's email, created at start with EMPORIUM_ADMIN_PASSWORD (EMPORIUM_ADMIN_EMAIL).")
        var adminEmail: String?

        public init() {}

        public var flags: [String: String] {
            Self.given([
                "accessTokenTtl": self.accessTokenTtl, "bcryptCost": self.bcryptCost,
                "bcryptConcurrency": self.bcryptConcurrency, "bcryptQueue": self.bcryptQueue,
                "bcryptMaxWaitMs": self.bcryptMaxWaitMs,
                "loginAddressLimit": self.loginAddressLimit, "registerAddressLimit": self.registerAddressLimit,
                "trustedProxies": self.trustedProxies, "adminEmail": self.adminEmail,
            ])
        }
    }

    public static func settings(from reader: SettingsReader) throws -> IdentitySettings {
        try IdentitySettings(reader: reader)
    }

    public static func build(_ context: ServiceContext, settings: IdentitySettings) throws -> ServiceUnit {
        self.unit(database: context.database, settings: settings, metrics: context.metrics)
    }

    /// The unit on `database` with `settings` given directly (tests shorten windows and costs).
    public static func unit(
        database: any Database, settings: IdentitySettings, metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) -> ServiceUnit {
        let store = SQLIdentityStore(database: database)
        let keys = KeyRing(store: store, accessTokenTTL: settings.accessTokenTTL)
        let sessions = Sessions(store: store, keys: keys, hasher: PasswordHasher(cost: settings.bcryptCost), settings: settings, metrics: metrics)
        let verifier = JWTVerifier(keys: keys)
        // One counter for both edges: a login counts the same over HTTP and gRPC.
        let logins = LoginCounter(factory: metrics)
        return ServiceUnit(
            name: self.name,
            database: database,
            migrations: IdentityMigrations.all,
            addRoutes: { router in
                AuthController(sessions: sessions, keys: keys, verifier: verifier, logins: logins).addRoutes(to: router)
            },
            rpcServices: [IdentityRPCService(sessions: sessions, logins: logins)],
            background: [
                IdentityPurgeWorker(store: store, window: settings.failureWindow, interval: settings.purgeInterval, logger: Logger(label: "emporium.identity.purger"))
            ],
            verifier: verifier,
            prepare: { logger in
                try await sessions.prepare(logger: logger)
            }
        )
    }
}
