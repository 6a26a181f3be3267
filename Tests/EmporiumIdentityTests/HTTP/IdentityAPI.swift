import EmporiumCatalog
import EmporiumCore
@testable import EmporiumIdentity
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Logging

/// Identity and catalog in one platform, as embedded mode runs them, on a fresh database.
enum IdentityAPI {
    static func settings() -> IdentitySettings {
        var settings = IdentitySettings()
        settings.bcryptCost = 4  // fast tests; the default (10) is exercised by the binary
        settings.adminEmail = "admin@example.com"
        settings.adminPassword = "admin-password"
        return settings
    }

    static func with(
        _ kind: TestDatabaseKind = .sqlite,
        settings: IdentitySettings = IdentityAPI.settings(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        _ = try await TestPlatform.with(kind, units: { database, network in
            let identity = IdentityService.unit(database: database, settings: settings)
            var catalog = CatalogService.Settings()
            catalog.seedDemo = false
            let context = ServiceContext(database: database, verifier: identity.verifier ?? RejectAllTokens(), network: network)
            return [identity, try CatalogService.build(context, settings: catalog)]
        }) { platform in
            try await platform.buildApplication().test(.router) { client in
                try await body(client)
            }
        }
    }
}

extension TestResponse {
    /// A problem+json answer with this status (`expectProblem` records the details).
    func isProblem(_ status: HTTPResponse.Status) -> Bool {
        self.status == status && self.headers[.contentType] == "application/problem+json" && (try? self.decode(API.Problem.self))?.status == Int(status.code)
    }
}
