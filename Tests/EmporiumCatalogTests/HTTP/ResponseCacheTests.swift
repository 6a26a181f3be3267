import EmporiumCatalog
import EmporiumCore
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Cached catalog reads stay correct: an instance sees its own writes at once and another
/// instance's writes within the revision check interval.
@Suite struct ResponseCacheTests {
    @Test(arguments: TestDatabaseKind.allCases)
    func twoInstancesOnOneDatabaseSeeEachOthersWrites(_ kind: TestDatabaseKind) async throws {
        _ = try await TestDatabase.with(kind) { database in
            func platform() -> Platform {
                Platform(
                    settings: ServerSettings(),
                    units: [CatalogAPI.unit(database)],
                    metrics: MetricsRegistry(),
                    logger: Logger(label: "test")
                )
            }
            let a = platform()
            let b = platform()
            try await a.start()
            try await b.start()
            try await a.buildApplication().test(.router) { clientA in
                try await b.buildApplication().test(.router) { clientB in
                    let category = try await clientA.createCategory(slug: "mugs", name: "Mugs")
                    let id = try await clientA.execute(
                        uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: .json(Products.body(category: category))
                    ) { try $0.decode(API.Product.self).id }
                    // B reads (and caches) it before the patch below.
                    try await clientB.execute(uri: "/api/v1/products/\(id)", method: .get) { _ in }
                    try await clientA.execute(
                        uri: "/api/v1/products/\(id)", method: .patch, headers: TestUser.admin, body: .json(["name": "Renamed Mug"])
                    ) { #expect($0.status == .ok) }
                    // A sees its own write at once.
                    try await clientA.execute(uri: "/api/v1/products/\(id)", method: .get) {
                        let body = try $0.decode(API.Product.self)
                        #expect(body.name == "Renamed Mug")
                    }
                    // B sees it once its revision check comes round (250 ms).
                    try await Task.sleep(for: .milliseconds(400))
                    try await clientB.execute(uri: "/api/v1/products/\(id)", method: .get) {
                        let body = try $0.decode(API.Product.self)
                        #expect(body.name == "Renamed Mug")
                    }
                    try await clientB.execute(uri: "/api/v1/products?q=renamed", method: .get) {
                        let body = try $0.decode(API.Page<API.Product>.self)
                        #expect(body.items.count == 1)
                    }
                    try await clientA.execute(uri: "/api/v1/products/\(id)", method: .delete, headers: TestUser.admin) { _ in }
                    try await Task.sleep(for: .milliseconds(400))
                    try await clientB.execute(uri: "/api/v1/products/\(id)", method: .get) { $0.expectProblem(.notFound) }
                    try await clientB.execute(uri: "/api/v1/categories", method: .get) {
                        let body = try $0.decode(API.Page<API.Category>.self)
                        #expect(body.items.first?.productCount == 0)
                    }
                }
            }
        }
    }
}
