import EmporiumTesting
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes
import Logging
import NIOCore

@Suite struct CategoriesAPITests {
    @Test func seededCategoriesWithCounts() async throws {
        try await CatalogAPI.with(seeded: true) { client in
            try await client.execute(uri: "/api/v1/categories", method: .get) { response in
                #expect(response.status == .ok)
                let categories = try response.decode(API.Page<API.Category>.self).items
                #expect(categories.count >= 8)
                let total = categories.compactMap(\.productCount).reduce(0, +)
                #expect(total >= 200)
                // Raw: `nextCursor` is there (null), and a category has exactly these members.
                #expect(response.rawJSON.keys.contains("nextCursor"))
                for category in response.rawJSON["items"] as? [[String: Any]] ?? [] {
                    #expect(category.keys.sorted() == ["id", "name", "productCount", "slug"])
                }
            }
        }
    }

    @Test func createAndConflictAndValidation() async throws {
        try await CatalogAPI.with { client in
            let post = { (body: Any) in
                try await client.execute(uri: "/api/v1/categories", method: .post, headers: TestUser.admin, body: .json(body)) { $0 }
            }
            let created = try await post(["slug": "mugs", "name": "Mugs"])
            #expect(created.status == .created)
            #expect(try created.decode(API.Category.self).productCount == 0)
            try await post(["slug": "mugs", "name": "Again"]).expectProblem(.conflict)
            let invalid = try await post(["slug": "Not OK", "name": ""])
            invalid.expectProblem(.unprocessableContent)
            #expect(Set(invalid.errorFields) == ["slug", "name"])
            try await post(["slug": 1, "name": "x"]).expectProblem(.badRequest)
            try await post(["name": "x"]).expectProblem(.badRequest)
        }
    }
}
