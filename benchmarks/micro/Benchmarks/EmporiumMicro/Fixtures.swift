import EmporiumCatalog
import EmporiumCore
import EmporiumInventory
import Foundation
import GRPCCore
import JWTKit
import Logging

/// What the benchmarks run against, made once before each is measured.
enum Fixtures {
    static let echo = MethodDescriptor(fullyQualifiedService: "bench.Echo", method: "Echo")

    /// A page of `count` products shaped like the demo catalog's (two variants each).
    static func productPage(count: Int) throws -> Page<Product> {
        let products = try (0..<count).map { index in
            let json = """
                {"id":"prd_\(index)","slug":"mug-\(index)","name":"Stoneware Mug \(index)",
                "description":"A sturdy stoneware mug, glazed inside and out, dishwasher safe.",
                "categoryId":"cat_kitchen","imageUrl":"https://example.invalid/mug-\(index).jpg",
                "price":{"amount":1200,"currency":"USD"},
                "variants":[{"sku":"MUG-\(index)-S","name":"Small","price":{"amount":1200,"currency":"USD"},"attributes":{"size":"S"}},
                {"sku":"MUG-\(index)-L","name":"Large","price":{"amount":1500,"currency":"USD"},"attributes":{"size":"L"}}],
                "createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-02T00:00:00Z"}
                """
            return try JSONCoding.decoder.decode(Product.self, from: Data(json.utf8))
        }
        return Page(items: products, nextCursor: "eyJzb3J0IjoibmV3ZXN0In0.c2lnbmF0dXJl")
    }

    struct SignedToken: Sendable {
        let keys: JWTKeyCollection
        let token: String
    }

    /// An access token as identity signs it (EdDSA), and the keys that verify it.
    static func signedToken() async throws -> SignedToken {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: try EdDSA.PrivateKey(curve: .ed25519), kid: "bench")
        let claims = AccessTokenClaims(userId: "usr_bench", roles: ["customer"], issuedAt: Date(), lifetime: .seconds(3600), id: UUID().uuidString)
        return SignedToken(keys: keys, token: try await keys.sign(claims, kid: "bench"))
    }

    static func echoRouter() -> DirectRPCRouter {
        let router = DirectRPCRouter()
        router.register(Self.echo) { (input: String, _: ServerContext) in input }
        return router
    }

    struct Inventory: Sendable {
        let store: InventoryStore
        let skus: [String]
    }

    /// Inventory's store on a fresh SQLite file, 200 SKUs in stock.
    static func inventory() async throws -> Inventory {
        var logger = Logger(label: "micro")
        logger.logLevel = .warning
        let path = NSTemporaryDirectory() + "/micro-inventory-\(UUID().uuidString).sqlite"
        let database = try await SQLiteDatabase.open(path: path, name: InventoryService.name, metrics: MetricsRegistry().factory, logger: logger)
        let rpc = RPCNetwork.inProcess(metrics: MetricsRegistry().factory, logger: logger)
        let unit = try InventoryService.build(
            ServiceContext(database: database, verifier: RejectAllTokens(), network: rpc, metrics: MetricsRegistry().factory, logger: logger),
            settings: InventoryService.Settings()
        )
        try await Migrator.migrate(database, service: unit.name, migrations: unit.migrations, logger: logger)
        let store = InventoryStore(database: database)
        let skus = (0..<200).map { "MICRO-\($0)" }
        for sku in skus {
            _ = try await store.setOnHand(sku: sku, onHand: 1_000_000_000, now: Date())
        }
        return Inventory(store: store, skus: skus)
    }
}
