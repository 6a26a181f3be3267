import EmporiumCart
import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumDemo
import EmporiumTesting
import GRPCCore
import Testing

/// The storefront's cart changes over cart's gRPC API: the public cart API's rules.
@Suite struct CartEditingRPCTests {
    static func code(_ body: () async throws -> Void) async -> RPCError.Code? {
        do {
            try await body()
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func addSetAndRemove(_ kind: TestDatabaseKind) async throws {
        _ = try await TestPlatform.with(kind, services: [CatalogService.self, CartService.self], environment: ["EMPORIUM_SEED_DEMO": "true"]) { platform in
            let rpc = try #require(platform.rpc)
            let cart = try rpc.client(CartClient.self)
            let (first, second) = (DemoCatalog.skus[0], DemoCatalog.skus[1])

            var priced = try await cart.add(userId: "usr-1", sku: first, quantity: 2)
            priced = try await cart.add(userId: "usr-1", sku: first, quantity: 1)
            priced = try await cart.add(userId: "usr-1", sku: second, quantity: 1)
            #expect(priced.lines.map(\.sku).sorted() == [first, second].sorted())
            #expect(priced.lines.first { $0.sku == first }?.quantity == 3)
            #expect(priced.itemCount == 4 && priced.subtotalAmount > 0)

            priced = try await cart.setQuantity(userId: "usr-1", sku: first, quantity: 5)
            #expect(priced.lines.first { $0.sku == first }?.quantity == 5)
            priced = try await cart.setQuantity(userId: "usr-1", sku: first, quantity: 0)
            #expect(priced.lines.map(\.sku) == [second])
            priced = try await cart.remove(userId: "usr-1", sku: second)
            #expect(priced.lines.isEmpty)
            // Another user's cart is untouched by all this.
            #expect(try await cart.cart(userId: "usr-2").lines.isEmpty)

            #expect(await Self.code { _ = try await cart.add(userId: "usr-1", sku: "NO-SUCH-SKU", quantity: 1) } == .invalidArgument)
            #expect(await Self.code { _ = try await cart.add(userId: "usr-1", sku: first, quantity: 0) } == .invalidArgument)
            #expect(await Self.code { _ = try await cart.add(userId: "usr-1", sku: first, quantity: 100) } == .invalidArgument)
            #expect(await Self.code { _ = try await cart.setQuantity(userId: "usr-1", sku: first, quantity: 3) } == .notFound)
            #expect(await Self.code { _ = try await cart.remove(userId: "usr-1", sku: second) } == .notFound)
            #expect(await Self.code { _ = try await cart.add(userId: "", sku: first, quantity: 1) } == .invalidArgument)
        }
    }
}
