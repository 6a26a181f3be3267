@testable import EmporiumCatalog
import EmporiumCore
import EmporiumTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes
import Logging
import NIOCore

/// Boots the catalog the way `emporium` does (same platform, middleware and routes) on a
/// fresh database, with a test token verifier, and hands a client to the test.
enum CatalogAPI {
    static func with(
        _ kind: TestDatabaseKind = .sqlite,
        seeded: Bool = false,
        settings: ServerSettings = ServerSettings(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        _ = try await TestPlatform.with(
            kind, services: [CatalogService.self], environment: ["EMPORIUM_SEED_DEMO": String(seeded)], settings: settings
        ) { platform in
            try await platform.buildApplication().test(.router) { client in
                try await body(client)
            }
        }
    }
}

extension CatalogAPI {
    /// Catalog's unit on `database` with the default response cache and no demo data, for
    /// tests that drive a `Platform` by hand.
    static func unit(_ database: any Database, verifier: any TokenVerifier = TestTokenVerifier()) -> ServiceUnit {
        let store = SQLCatalogStore(database: database)
        let cache = ResponseCache(store: store, byteLimit: CatalogService.Settings().cacheBytes)
        return CatalogService.unit(store: store, cache: cache, verifier: verifier, seedDemo: false)
    }
}

extension TestClientProtocol {
    /// Every product id a list gives, page by page (`limit` per page) along its cursors;
    /// each page must be a 200.
    func pagedIds(_ query: String, limit: Int) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        repeat {
            let uri = "/api/v1/products?limit=\(limit)" + (query.isEmpty ? "" : "&" + query) + (cursor.map { "&cursor=\($0)" } ?? "")
            cursor = try await self.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                let page = try response.decode(API.Page<API.Product>.self)
                ids += page.items.map(\.id)
                return page.nextCursor
            }
        } while cursor != nil
        return ids
    }
}
