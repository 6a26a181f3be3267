import EmporiumClients
import EmporiumCore
import EmporiumTesting
import Foundation
import GRPCCore
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every path of API.md's cart table, with its errors.
@Suite struct CartAPITests {
    @Test(arguments: TestDatabaseKind.allCases)
    func addUpdateRemoveAndClear(_ kind: TestDatabaseKind) async throws {
        try await ShopAPI.with(kind) { shop in
            let client = shop.client
            let productId = try await client.createProduct(skus: ["TEA-S", "TEA-L"], amount: 1250, name: "Green Tea")
            let alice = TestUser.customer("alice")
            let call = { (method: HTTPRequest.Method, uri: String, body: Any?) in
                try await client.execute(uri: uri, method: method, headers: alice, body: body.map { .json($0) }) { $0 }
            }

            let empty = try await call(.get, "/api/v1/cart", nil)
            #expect(empty.status == .ok)
            // The exact body, member for member (raw, so an extra member fails too).
            #expect(empty.rawJSON as NSDictionary == ["items": [] as [Any], "itemCount": 0, "subtotal": ["amount": 0, "currency": "USD"]] as NSDictionary)

            var cart = try await call(.post, "/api/v1/cart/items", ["sku": "TEA-S", "quantity": 2])
            #expect(cart.status == .ok)
            cart = try await call(.post, "/api/v1/cart/items", ["sku": "TEA-L", "quantity": 1])
            cart = try await call(.post, "/api/v1/cart/items", ["sku": "TEA-S", "quantity": 3])
            let six = try cart.decode(API.Cart.self)
            #expect(six.itemCount == 6)
            #expect(six.subtotal == API.Money(amount: 7500, currency: "USD"))
            let first = try #require(six.items.first)
            #expect(first.sku == "TEA-S")
            #expect(first.productId == productId)
            #expect(first.name == "Green Tea – Blue")
            #expect(first.quantity == 5)
            #expect(first.unitPrice == API.Money(amount: 1250, currency: "USD"))
            #expect(first.lineTotal == API.Money(amount: 6250, currency: "USD"))
            // A line has exactly these members (raw: decoding ignores extra ones).
            let rawLines = cart.rawJSON["items"] as? [[String: Any]]
            #expect(Set(rawLines?.first?.keys.map { $0 } ?? []) == ["sku", "productId", "name", "unitPrice", "quantity", "lineTotal"])

            cart = try await call(.patch, "/api/v1/cart/items/TEA-L", ["quantity": 4])
            #expect(try cart.decode(API.Cart.self).items.map(\.quantity) == [5, 4])
            cart = try await call(.patch, "/api/v1/cart/items/TEA-L", ["quantity": 0])
            #expect(try cart.decode(API.Cart.self).items.map(\.sku) == ["TEA-S"])
            try await call(.patch, "/api/v1/cart/items/TEA-L", ["quantity": 1]).expectProblem(.notFound)
            try await call(.delete, "/api/v1/cart/items/TEA-L", nil).expectProblem(.notFound)
            cart = try await call(.delete, "/api/v1/cart/items/TEA-S", nil)
            #expect(try cart.status == .ok && cart.decode(API.Cart.self).items.isEmpty)

            _ = try await call(.post, "/api/v1/cart/items", ["sku": "TEA-S", "quantity": 1])
            // Carts are per user: bob sees none of alice's.
            let bob = try await client.execute(uri: "/api/v1/cart", method: .get, headers: TestUser.customer("bob")) { $0 }
            #expect(try bob.decode(API.Cart.self).items.isEmpty)
            // The gRPC view checkout reads is the same cart.
            let viaRPC = try await shop.cart.cart(userId: "alice")
            #expect(viaRPC.lines.map(\.sku) == ["TEA-S"] && viaRPC.subtotalAmount == 1250 && viaRPC.itemCount == 1)

            let cleared = try await call(.delete, "/api/v1/cart", nil)
            #expect(cleared.status == .noContent)
            #expect(try await call(.get, "/api/v1/cart", nil).decode(API.Cart.self).items.isEmpty)
        }
    }

    @Test func badInput() async throws {
        try await ShopAPI.with { shop in
            let client = shop.client
            try await client.createProduct(skus: ["TEA-S"])
            let post = { (body: Any) in
                try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: TestUser.customer, body: .json(body)) { $0 }
            }
            #expect(try await post(["sku": "NOPE", "quantity": 1]).expectProblem(.unprocessableContent)?.errors != nil)
            #expect(try await post(["sku": "TEA-S", "quantity": 0]).errorFields == ["quantity"])
            #expect(try await post(["sku": "TEA-S", "quantity": 100]).errorFields == ["quantity"])
            #expect(try await post(["sku": "", "quantity": -1]).errorFields.sorted() == ["quantity", "sku"])
            try await post(["sku": "TEA-S", "quantity": "two"]).expectProblem(.badRequest)
            try await post(["sku": "TEA-S"]).expectProblem(.badRequest)
            try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: TestUser.customer, body: ByteBuffer(string: "[")) {
                $0.expectProblem(.badRequest)
            }
            // A line holds at most 99 units, however they are added.
            #expect(try await post(["sku": "TEA-S", "quantity": 60]).status == .ok)
            try await post(["sku": "TEA-S", "quantity": 40]).expectProblem(.unprocessableContent)
            #expect(try await post(["sku": "TEA-S", "quantity": 39]).decode(API.Cart.self).itemCount == 99)
            try await client.execute(uri: "/api/v1/cart/items/TEA-S", method: .patch, headers: TestUser.customer, body: .json(["quantity": 100])) {
                $0.expectProblem(.unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/cart/items/TEA-S", method: .patch, headers: TestUser.customer, body: .json(["quantity": -1])) {
                $0.expectProblem(.unprocessableContent)
            }
        }
    }

    /// The 100-line cap is counted and enforced per cart, one add at a time: 120 adds of
    /// distinct SKUs at once must leave exactly 100 lines (on PostgreSQL two adds could
    /// each count 99 and both insert).
    @Test(arguments: TestDatabaseKind.allCases)
    func lineCapHoldsUnderConcurrentAdds(_ kind: TestDatabaseKind) async throws {
        try await ShopAPI.with(kind) { shop in
            let client = shop.client
            let skus = (0..<120).map { "CAP-\($0)" }
            // Two products: a product lists at most 100 variants.
            try await client.createProduct(skus: Array(skus[..<60]), name: "Cap One")
            try await client.createProduct(skus: Array(skus[60...]), name: "Cap Two")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for sku in skus {
                    group.addTask {
                        try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: TestUser.customer("capped"), body: .json(["sku": sku, "quantity": 1])) {
                            Int($0.status.code)
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let lines = try await shop.cart.cart(userId: "capped").lines.count
            #expect(lines == 100, "\(lines) lines")
            #expect(statuses.filter { $0 == 200 }.count == 100, "\(statuses)")
            #expect(statuses.filter { $0 == 422 }.count == 20, "\(statuses)")
        }
    }

    @Test func archivedSkusCannotBeAdded() async throws {
        try await ShopAPI.with { shop in
            let client = shop.client
            let productId = try await client.createProduct(skus: ["OLD-1"])
            try await client.execute(uri: "/api/v1/products/\(productId)", method: .delete, headers: TestUser.admin) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: TestUser.customer, body: .json(["sku": "OLD-1", "quantity": 1])) { response in
                response.expectProblem(.unprocessableContent)
                #expect(response.errorFields == ["sku"])
            }
        }
    }

    @Test func everyPathNeedsASignedInUser() async throws {
        try await ShopAPI.with { shop in
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/api/v1/cart"), (.delete, "/api/v1/cart"), (.post, "/api/v1/cart/items"),
                (.patch, "/api/v1/cart/items/X"), (.delete, "/api/v1/cart/items/X"),
            ]
            for (method, uri) in routes {
                try await shop.client.execute(uri: uri, method: method, headers: TestUser.anonymous, body: .json(["sku": "X", "quantity": 1])) {
                    $0.expectProblem(.unauthorized)
                }
                try await shop.client.execute(uri: uri, method: method, headers: [.authorization: "Bearer garbage"]) {
                    $0.expectProblem(.unauthorized)
                }
            }
        }
    }

    @Test func pricesFollowTheCatalog() async throws {
        try await ShopAPI.with { shop in
            let client = shop.client
            let productId = try await client.createProduct(skus: ["P-1"], amount: 1000)
            _ = try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: TestUser.customer, body: .json(["sku": "P-1", "quantity": 2])) { $0 }
            let patch: [String: Any] = ["variants": [["sku": "P-1", "name": "Blue", "price": ["amount": 1500, "currency": "USD"], "attributes": [:] as [String: String]]]]
            try await client.execute(uri: "/api/v1/products/\(productId)", method: .patch, headers: [.authorization: TestUser.admin[.authorization]!, .contentType: "application/merge-patch+json"], body: .json(patch)) {
                #expect($0.status == .ok, "\(String(buffer: $0.body))")
            }
            try await client.execute(uri: "/api/v1/cart", method: .get, headers: TestUser.customer) { response in
                let cart = try response.decode(API.Cart.self)
                #expect(cart.subtotal == API.Money(amount: 3000, currency: "USD"))
            }
        }
    }
}
