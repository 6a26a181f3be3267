import EmporiumClients
import EmporiumCore
import EmporiumTesting
import Foundation
import GRPCCore
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct InventoryAPITests {
    @Test(arguments: TestDatabaseKind.allCases)
    func readAndSetStock(_ kind: TestDatabaseKind) async throws {
        try await ShopAPI.with(kind) { shop in
            let client = shop.client
            try await client.createProduct(skus: ["MUG-BLUE"])
            try await client.execute(uri: "/api/v1/inventory/MUG-BLUE", method: .get) { response in
                #expect(response.status == .ok)
                // The exact body, member for member (raw, so an extra member fails too).
                #expect(response.rawJSON as NSDictionary == ["sku": "MUG-BLUE", "onHand": 0, "reserved": 0, "available": 0] as NSDictionary)
            }
            try await client.execute(uri: "/api/v1/inventory/NO-SUCH", method: .get) { $0.expectProblem(.notFound) }

            let put = { (headers: HTTPFields, sku: String, body: ByteBuffer) in
                try await client.execute(uri: "/api/v1/inventory/\(sku)", method: .put, headers: headers, body: body) { $0 }
            }
            try await put(TestUser.anonymous, "MUG-BLUE", .json(["onHand": 3])).expectProblem(.unauthorized)
            try await put(TestUser.customer, "MUG-BLUE", .json(["onHand": 3])).expectProblem(.forbidden)
            try await put(TestUser.admin, "NO-SUCH", .json(["onHand": 3])).expectProblem(.notFound)
            let negative = try await put(TestUser.admin, "MUG-BLUE", .json(["onHand": -1]))
            negative.expectProblem(.unprocessableContent)
            #expect(negative.errorFields == ["onHand"])
            try await put(TestUser.admin, "MUG-BLUE", .json(["onHand": "many"])).expectProblem(.badRequest)
            try await put(TestUser.admin, "MUG-BLUE", ByteBuffer(string: "{")).expectProblem(.badRequest)
            let set = try await put(TestUser.admin, "MUG-BLUE", .json(["onHand": 12]))
            #expect(set.status == .ok)
            #expect(set.rawJSON as NSDictionary == ["sku": "MUG-BLUE", "onHand": 12, "reserved": 0, "available": 12] as NSDictionary)

            // Reserved stock shows, and on-hand cannot drop below it.
            let reserved = try await shop.inventory.reserve(id: "ord-1", lines: [("MUG-BLUE", 5)])
            #expect(reserved.status == .reserved)
            #expect(reserved.expiresAtUnixMs > Int64(Date().timeIntervalSince1970 * 1000))
            try await client.execute(uri: "/api/v1/inventory/MUG-BLUE", method: .get) { response in
                let stock = try response.decode(API.Stock.self)
                #expect(stock.reserved == 5)
                #expect(stock.available == 7)
            }
            try await put(TestUser.admin, "MUG-BLUE", .json(["onHand": 4])).expectProblem(.unprocessableContent)
            #expect(try await put(TestUser.admin, "MUG-BLUE", .json(["onHand": 5])).decode(API.Stock.self).available == 0)

            // Commit: a sale; on-hand and reserved drop together.
            #expect(try await shop.inventory.commit(id: "ord-1") == .committed)
            try await client.execute(uri: "/api/v1/inventory/MUG-BLUE", method: .get) { response in
                #expect(response.rawJSON as NSDictionary == ["sku": "MUG-BLUE", "onHand": 0, "reserved": 0, "available": 0] as NSDictionary)
            }
        }
    }

    @Test func reservationsOverGRPC() async throws {
        try await ShopAPI.with { shop in
            try await shop.client.createProduct(skus: ["A-1", "A-2"])
            _ = try await shop.client.execute(uri: "/api/v1/inventory/A-1", method: .put, headers: TestUser.admin, body: .json(["onHand": 2])) { $0 }
            let inventory = try shop.inventory
            let short = try await inventory.reserve(id: "o1", lines: [("A-1", 1), ("A-2", 1)])
            #expect(short.status == .insufficientStock)
            #expect(short.insufficientSkus == ["A-2"])
            #expect(try await inventory.reserve(id: "o2", lines: [("A-1", 2)]).status == .reserved)
            #expect(try await inventory.reserve(id: "o2", lines: [("A-1", 2)]).status == .reserved)
            #expect(try await inventory.release(id: "o2") == .released)
            #expect(try await inventory.release(id: "o2") == .released)
            let stock = try await inventory.stock(skus: ["A-1", "A-2"])
            #expect(stock.map(\.available) == [2, 0])

            // Bad arguments are INVALID_ARGUMENT, which HTTP callers turn into 422.
            for call in [
                { _ = try await inventory.reserve(id: "", lines: [("A-1", 1)]) },
                { _ = try await inventory.reserve(id: "o3", lines: []) },
                { _ = try await inventory.reserve(id: "o3", lines: [("A-1", 0)]) },
                { _ = try await inventory.reserve(id: "o3", lines: [("A-1", 1)], ttlSeconds: -5) },
            ] as [@Sendable () async throws -> Void] {
                let error = await #expect(throws: RPCError.self) { try await call() }
                #expect(error?.code == .invalidArgument)
                #expect(error.map { Problem.from($0, calling: "inventory").status } == .unprocessableContent)
            }
            let unknown = await #expect(throws: RPCError.self) { _ = try await inventory.commit(id: "nope") }
            #expect(unknown?.code == .notFound)
            _ = try await inventory.reserve(id: "o4", lines: [("A-1", 1)])
            _ = try await inventory.release(id: "o4")
            let conflict = await #expect(throws: RPCError.self) { _ = try await inventory.commit(id: "o4") }
            #expect(conflict?.code == .failedPrecondition)
        }
    }

    @Test func theSweeperReleasesExpiredReservations() async throws {
        try await ShopAPI.with { shop in
            try await shop.client.createProduct(skus: ["TTL-1"])
            _ = try await shop.client.execute(uri: "/api/v1/inventory/TTL-1", method: .put, headers: TestUser.admin, body: .json(["onHand": 3])) { $0 }
            #expect(try await shop.inventory.reserve(id: "short", lines: [("TTL-1", 3)], ttlSeconds: 1).status == .reserved)
            var available = 0
            for _ in 0..<100 where available != 3 {
                try await Task.sleep(for: .milliseconds(100))
                available = try await shop.inventory.stock(skus: ["TTL-1"]).first?.available ?? 0
            }
            #expect(available == 3)
            #expect(try await shop.inventory.reserve(id: "short", lines: [("TTL-1", 3)]).status == .expired)
        }
    }
}
