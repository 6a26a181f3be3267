import EmporiumCore
import EmporiumTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import HTTPTypes
import Logging
import NIOCore

@Suite struct ProductsAPITests {
    @Test(arguments: TestDatabaseKind.allCases)
    func seededCatalogListsAndPagesExactlyOnce(_ kind: TestDatabaseKind) async throws {
        try await CatalogAPI.with(kind, seeded: true) { client in
            for limit in [13, 100] {
                let ids = try await client.pagedIds("", limit: limit)
                #expect(ids.count >= 200)
                #expect(Set(ids).count == ids.count)
            }
        }
    }

    @Test func productShapeMatchesTheContract() async throws {
        try await CatalogAPI.with(seeded: true) { client in
            try await client.execute(uri: "/api/v1/products?limit=1", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                // The members themselves, raw: a typed decode ignores extra members and cannot
                // tell a null `imageUrl` from a missing one.
                #expect(response.rawJSON.keys.sorted() == ["items", "nextCursor"])
                let rawProduct = try #require((response.rawJSON["items"] as? [[String: Any]])?.first)
                for key in ["id", "slug", "name", "description", "categoryId", "imageUrl", "price", "variants", "createdAt", "updatedAt"] {
                    #expect(rawProduct[key] != nil, "missing \(key)")
                }
                // Their types: the decode requires an integer amount, a string SKU and a map of attributes.
                let product = try #require(try response.decode(API.Page<API.Product>.self).items.first)
                #expect(product.price.currency == "USD")
                _ = try #require(product.variants.first)
                #expect(product.createdAt.hasSuffix("Z"))
            }
        }
    }

    @Test func listQueryErrorsAre400() async throws {
        try await CatalogAPI.with { client in
            for query in ["limit=0", "limit=101", "limit=abc", "sort=cheapest", "cursor=garbage", "q=" + String(repeating: "a", count: 201)] {
                try await client.execute(uri: "/api/v1/products?\(query)", method: .get) { response in
                    response.expectProblem(.badRequest)
                }
            }
        }
    }

    @Test func searchFilterAndUnknownCategory() async throws {
        try await CatalogAPI.with(seeded: true) { client in
            let hostile = ["%27%20OR%201%3D1%20--", "%25", "%5F", "Cr%C3%A8me", "%E5%95%86%E5%93%81", "%F0%9F%98%80", "%2B", "+"]
            for q in hostile {
                try await client.execute(uri: "/api/v1/products?q=\(q)", method: .get) { response in
                    #expect(response.status == .ok, "q=\(q)")
                }
            }
            try await client.execute(uri: "/api/v1/products?q=cr%C3%A8me", method: .get) { response in
                let page = try response.decode(API.Page<API.Product>.self)
                #expect(page.items.map(\.name) == ["Crème Brûlée Torch"])
            }
            try await client.execute(uri: "/api/v1/products?category=no-such-category", method: .get) { response in
                #expect(response.status == .ok)
                let page = try response.decode(API.Page<API.Product>.self)
                #expect(page.items.isEmpty)
            }
            let categories = try await client.execute(uri: "/api/v1/categories", method: .get) { try $0.decode(API.Page<API.Category>.self).items }
            let footwear = try #require(categories.first { $0.slug == "footwear" })
            for key in [footwear.slug, footwear.id] {
                try await client.execute(uri: "/api/v1/products?category=\(key)&limit=100", method: .get) { response in
                    let products = try response.decode(API.Page<API.Product>.self).items
                    #expect(products.count == footwear.productCount)
                    #expect(products.allSatisfy { $0.categoryId == footwear.id })
                }
            }
        }
    }

    /// `imageUrl` is always a member of a product: `null` when there is none, in the create
    /// answer, the detail and the list.
    @Test(arguments: TestDatabaseKind.allCases)
    func imageUrlIsNullWhenAbsent(_ kind: TestDatabaseKind) async throws {
        try await CatalogAPI.with(kind) { client in
            let category = try await client.createCategory(slug: "mugs", name: "Mugs")
            var body = Products.body(category: category)
            body["imageUrl"] = nil
            let id = try await client.execute(uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: .json(body)) { response in
                #expect(response.status == .created)
                // Raw: only the raw JSON tells an explicit null from a missing member.
                #expect(response.rawJSON["imageUrl"] is NSNull, "\(String(buffer: response.body))")
                return try response.decode(API.Product.self).id
            }
            try await client.execute(uri: "/api/v1/products/\(id)", method: .get) { response in
                #expect(response.rawJSON["imageUrl"] is NSNull, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/api/v1/products?category=mugs", method: .get) { response in
                let product = try #require((response.rawJSON["items"] as? [[String: Any]])?.first)
                #expect(product["id"] as? String == id)
                #expect(product["imageUrl"] is NSNull)
            }
            // And one with an image shows it.
            let withImage = try await client.execute(
                uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: .json(Products.body(category: category, name: "Pictured", skus: ["PIC-1"]))
            ) { try $0.decode(API.Product.self).imageUrl }
            #expect(withImage == "https://images.example/mug.jpg")
        }
    }

    /// Query strings are form-encoded, as a browser's search form sends them: `+` is a space
    /// and `%2B` a literal plus.
    @Test(arguments: TestDatabaseKind.allCases)
    func searchReadsPlusAsASpace(_ kind: TestDatabaseKind) async throws {
        try await CatalogAPI.with(kind) { client in
            let category = try await client.createCategory(slug: "mugs", name: "Mugs")
            let names = [("Zork 50 Lamp", "ZORK-1"), ("Zork+50 Deluxe", "ZORK-2")]
            var ids: [String: String] = [:]
            for (name, sku) in names {
                ids[name] = try await client.execute(
                    uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: .json(Products.body(category: category, name: name, skus: [sku]))
                ) { try $0.decode(API.Product.self).id }
            }
            let found = { (query: String) in
                try await client.execute(uri: "/api/v1/products?\(query)", method: .get) { response in
                    #expect(response.status == .ok, "\(query)")
                    return try response.decode(API.Page<API.Product>.self).items.map(\.id)
                }
            }
            #expect(try await found("q=zork%2050") == [ids["Zork 50 Lamp"]])
            #expect(try await found("q=zork+50") == [ids["Zork 50 Lamp"]])
            #expect(try await found("q=zork%2B50") == [ids["Zork+50 Deluxe"]])
            #expect(try await found("q=zork+50&category=mugs&sort=name&limit=5") == [ids["Zork 50 Lamp"]])
        }
    }

    /// Control characters in `q` (or any parameter) and malformed percent-encoding are a 400
    /// naming the field, never a search for everything.
    @Test func controlCharactersAndMalformedEncodingAre400() async throws {
        try await CatalogAPI.with(seeded: true) { client in
            for q in ["%00", "a%00b", "%0A", "tab%09here", "%1F", "%7F", "%C2%85"] {
                try await client.execute(uri: "/api/v1/products?q=\(q)", method: .get) { response in
                    response.expectProblem(.badRequest)
                    #expect(response.errorFields == ["q"], "q=\(q)")
                }
            }
            for query in ["q=%zz", "q=%", "q=%E5", "category=%C3", "sort=%GG"] {
                try await client.execute(uri: "/api/v1/products?\(query)", method: .get) { response in
                    response.expectProblem(.badRequest)
                }
            }
            // A parameter the list does not read is ignored (API.md), whatever it holds.
            try await client.execute(uri: "/api/v1/products?limit=1&utm_source=%00&x=%zz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func adminLifecycleWithETags(_ kind: TestDatabaseKind) async throws {
        try await CatalogAPI.with(kind) { client in
            let category = try await client.createCategory(slug: "mugs", name: "Mugs")
            let (id, etag) = try await client.execute(
                uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: .json(Products.body(category: category))
            ) { response in
                #expect(response.status == .created)
                let product = try response.decode(API.Product.self)
                let id = product.id
                #expect(response.headers[.location] == "/api/v1/products/\(id)")
                #expect(product.slug == "test-mug")
                return (id, try #require(response.headers[.eTag]))
            }
            try await client.execute(uri: "/api/v1/products/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] == etag)
            }
            try await client.execute(uri: "/api/v1/products/\(id)", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            let patched = try await client.execute(
                uri: "/api/v1/products/\(id)", method: .patch, headers: TestUser.admin,
                body: .json(["name": "Better Mug", "imageUrl": NSNull()])
            ) { response in
                #expect(response.status == .ok)
                let product = try response.decode(API.Product.self)
                #expect(product.name == "Better Mug")
                // Removed by the merge patch, and still present as an explicit null (raw).
                #expect(response.rawJSON.keys.contains("imageUrl"))
                #expect(response.rawJSON["imageUrl"] is NSNull)
                #expect(product.slug == "test-mug")
                #expect(response.headers[.eTag] != etag)
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/api/v1/products/\(id)", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] == patched)
                #expect(response.rawJSON["imageUrl"] is NSNull)
            }
            try await client.execute(uri: "/api/v1/products/\(id)", method: .delete, headers: TestUser.admin) { response in
                #expect(response.status == .noContent)
            }
            for method in [HTTPRequest.Method.get, .delete] {
                try await client.execute(uri: "/api/v1/products/\(id)", method: method, headers: TestUser.admin) { response in
                    response.expectProblem(.notFound)
                }
            }
            try await client.execute(uri: "/api/v1/products/\(id)", method: .patch, headers: TestUser.admin, body: .json(["name": "x"])) {
                $0.expectProblem(.notFound)
            }
        }
    }

    @Test func adminRoutesNeedATokenAndTheRole() async throws {
        try await CatalogAPI.with { client in
            let requests: [(String, HTTPRequest.Method)] = [
                ("/api/v1/products", .post), ("/api/v1/products/prd_x", .patch), ("/api/v1/products/prd_x", .delete),
                ("/api/v1/categories", .post),
            ]
            for (uri, method) in requests {
                try await client.execute(uri: uri, method: method, headers: TestUser.anonymous, body: .json([:])) { $0.expectProblem(.unauthorized) }
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer nonsense"], body: .json([:])) {
                    $0.expectProblem(.unauthorized)
                }
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Basic abc"], body: .json([:])) {
                    $0.expectProblem(.unauthorized)
                }
                try await client.execute(uri: uri, method: method, headers: TestUser.customer, body: .json([:])) {
                    $0.expectProblem(.forbidden)
                }
            }
        }
    }

    @Test func createValidationAndDecodingErrors() async throws {
        try await CatalogAPI.with { client in
            let category = try await client.createCategory(slug: "mugs", name: "Mugs")
            let post = { (body: ByteBuffer) in
                try await client.execute(uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: body) { $0 }
            }
            try await post(ByteBuffer(string: "{not json")).expectProblem(.badRequest)
            try await post(ByteBuffer(string: "")).expectProblem(.badRequest)
            try await post(ByteBuffer(string: "[1,2]")).expectProblem(.badRequest)
            var wrongType = Products.body(category: category)
            wrongType["name"] = 42
            try await post(.json(wrongType)).expectProblem(.badRequest)
            var fractional = Products.body(category: category)
            fractional["variants"] = [["sku": "X", "name": "X", "price": ["amount": 12.5, "currency": "USD"]]]
            try await post(.json(fractional)).expectProblem(.badRequest)
            var missing = Products.body(category: category)
            missing["variants"] = nil
            try await post(.json(missing)).expectProblem(.badRequest)

            var invalid = Products.body(category: category, skus: [])
            invalid["name"] = ""
            let response = try await post(.json(invalid))
            response.expectProblem(.unprocessableContent)
            #expect(Set(response.errorFields).isSuperset(of: ["name", "variants"]))

            try await post(.json(Products.body(category: "cat_unknown"))).expectProblem(.unprocessableContent)
            try await post(.json(Products.body(category: category, amount: -5))).expectProblem(.unprocessableContent)

            #expect(try await post(.json(Products.body(category: category))).status == .created)
            let takenSlug = try await post(.json(Products.body(category: category, skus: ["OTHER-1"])))
            takenSlug.expectProblem(.conflict)
            let takenSKU = try await post(.json(Products.body(category: category, name: "Another Mug")))
            #expect(takenSKU.expectProblem(.conflict)?.skus == ["MUG-1"])
        }
    }

    @Test func patchRejectsNullRequiredFieldsAndBadValues() async throws {
        try await CatalogAPI.with { client in
            let category = try await client.createCategory(slug: "mugs", name: "Mugs")
            let id = try await client.execute(uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: .json(Products.body(category: category))) {
                try $0.decode(API.Product.self).id
            }
            let patch = { (body: Any) in
                try await client.execute(uri: "/api/v1/products/\(id)", method: .patch, headers: TestUser.admin, body: .json(body)) { $0 }
            }
            #expect(try await patch(["name": NSNull()]).expectProblem(.unprocessableContent) != nil)
            try await patch(["variants": []]).expectProblem(.unprocessableContent)
            try await patch(["slug": "Bad Slug"]).expectProblem(.unprocessableContent)
            try await patch(["variants": "nope"]).expectProblem(.badRequest)
            let replaced = try await patch(["variants": [["sku": "MUG-2", "name": "Large", "price": ["amount": 1599, "currency": "USD"]]]])
            #expect(replaced.status == .ok)
            #expect(try replaced.decode(API.Product.self).price.amount == 1599)
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        var settings = ServerSettings()
        settings.bodyLimit = 1024
        try await CatalogAPI.with(settings: settings) { client in
            let big = ByteBuffer(string: "{\"name\":\"" + String(repeating: "x", count: 4096) + "\"}")
            try await client.execute(uri: "/api/v1/products", method: .post, headers: TestUser.admin, body: big) {
                $0.expectProblem(.contentTooLarge)
            }
        }
        try await CatalogAPI.with { client in
            let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: (1 << 20) + 1)
            try await client.execute(uri: "/api/v1/categories", method: .post, headers: TestUser.admin, body: big) {
                $0.expectProblem(.contentTooLarge)
            }
        }
    }

    @Test func unknownIdsPathsAndMethods() async throws {
        try await CatalogAPI.with { client in
            try await client.execute(uri: "/api/v1/products/prd_nope", method: .get) { $0.expectProblem(.notFound) }
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { $0.expectProblem(.notFound) }
            try await client.execute(uri: "/api/v1/products", method: .put) { response in
                response.expectProblem(.methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
            }
            try await client.execute(uri: "/api/v1/categories/x", method: .get) { $0.expectProblem(.notFound) }
        }
    }
}
