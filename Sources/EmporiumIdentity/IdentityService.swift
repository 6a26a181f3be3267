public import EmporiumCore
import Foundation
import Hummingbird
import Logging

/// The identity service and the verifier other services use in the same process.
public struct IdentityService: Sendable {
    public let unit: ServiceUnit
    /// Verifies access tokens against this service's key ring directly (embedded mode).
    public let verifier: any TokenVerifier
}

/// Builds the identity service on `database`.
public func buildIdentityService(database: any Database, settings: IdentitySettings) -> IdentityService {
    let store = SQLIdentityStore(database: database)
    let keys = KeyRing(store: store, accessTokenTTL: settings.accessTokenTTL)
    let sessions = Sessions(store: store, keys: keys, hasher: PasswordHasher(cost: settings.bcryptCost), settings: settings)
    let verifier = JWTVerifier(keys: keys)
    let unit = ServiceUnit(
        name: "identity",
        database: database,
        migrations: IdentityMigrations.all,
        addRoutes: { router in
            AuthController(sessions: sessions, keys: keys, verifier: verifier).addRoutes(to: router)
        },
        background: [
            IdentityPurgeWorker(store: store, window: settings.failureWindow, interval: settings.purgeInterval, logger: Logger(label: "emporium.identity.purger"))
        ],
        prepare: { logger in
            try await sessions.prepare(logger: logger)
        }
    )
    return IdentityService(unit: unit, verifier: verifier)
}
