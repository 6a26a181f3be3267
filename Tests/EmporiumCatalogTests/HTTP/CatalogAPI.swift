import EmporiumCatalog
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
    static let admin: HTTPFields = [.authorization: "Bearer \(TestTokenVerifier.adminToken)", .contentType: "application/json"]
    static let customer: HTTPFields = [.authorization: "Bearer \(TestTokenVerifier.customerToken)", .contentType: "application/json"]
    static let json: HTTPFields = [.contentType: "application/json"]

    static func with(
        _ kind: TestDatabaseKind = .sqlite,
        seeded: Bool = false,
        settings: ServerSettings = ServerSettings(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var settings = settings
        settings.seedDemoCatalog = seeded
        _ = try await TestPlatform.with(kind, settings: settings, units: { database in
            [buildCatalogService(database: database, verifier: TestTokenVerifier(), seedDemoCatalog: seeded)]
        }) { platform in
            try await platform.buildApplication().test(.router) { client in
                try await body(client)
            }
        }
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body.readableBytesView), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
    }

    var items: [[String: Any]] {
        self.json["items"] as? [[String: Any]] ?? []
    }

    /// Asserts an RFC 9457 problem with this status, and returns its members.
    @discardableResult
    func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        #expect(self.status == status, "body: \(String(buffer: self.body))", sourceLocation: sourceLocation)
        #expect(self.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let json = self.json
        #expect(json["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((json["type"] as? String)?.hasPrefix("https://") == true, sourceLocation: sourceLocation)
        #expect(json["title"] is String && json["detail"] is String, sourceLocation: sourceLocation)
        return json
    }

    var errorFields: [String] {
        (self.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}

extension ByteBuffer {
    static func json(_ object: Any) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }
}

/// Builders for request bodies.
enum Bodies {
    static func product(category: String, name: String = "Test Mug", skus: [String] = ["MUG-1"], amount: Int = 1299) -> [String: Any] {
        [
            "name": name,
            "description": "A mug for tests.",
            "categoryId": category,
            "imageUrl": "https://images.example/mug.jpg",
            "variants": skus.map { ["sku": $0, "name": $0, "price": ["amount": amount, "currency": "USD"], "attributes": ["colour": "blue"]] },
        ]
    }
}
