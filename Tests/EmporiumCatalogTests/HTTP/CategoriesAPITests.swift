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
                #expect(response.items.count >= 8)
                #expect(response.json.keys.contains("nextCursor"))
                let total = response.items.compactMap { $0["productCount"] as? Int }.reduce(0, +)
                #expect(total >= 200)
                for category in response.items {
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
            #expect(created.json["productCount"] as? Int == 0)
            try await post(["slug": "mugs", "name": "Again"]).expectProblem(.conflict)
            let invalid = try await post(["slug": "Not OK", "name": ""])
            invalid.expectProblem(.unprocessableContent)
            #expect(Set(invalid.errorFields) == ["slug", "name"])
            try await post(["slug": 1, "name": "x"]).expectProblem(.badRequest)
            try await post(["name": "x"]).expectProblem(.badRequest)
        }
    }
}
