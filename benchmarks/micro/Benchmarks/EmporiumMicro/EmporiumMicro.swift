import Benchmark
import Crypto
import EmporiumCatalog
import EmporiumCore
import EmporiumInventory
import Foundation
import GRPCCore
import JWTKit
import Logging

/// The hot pieces of a request, one at a time: what a checkout's inventory transactions cost
/// on SQLite, verifying an access token, encoding a product page, the list cursor, and an
/// embedded service-to-service call. Wall clock and allocations per operation; the
/// baseline committed under .benchmarkBaselines shows a regression.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 10,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    let cursorKey = SymmetricKey(size: .bits256)
    Benchmark("Cursor encode + decode") { benchmark in
        let cursor = PageCursor(sort: "price", number: 1_250, id: "prd_01JABCDEFGHJKMNPQRSTVWXYZ")
        for _ in benchmark.scaledIterations {
            let encoded = cursor.encoded(signingKey: cursorKey)
            blackHole(try? PageCursor.decode(encoded, sort: "price", signingKey: cursorKey))
        }
    }

    Benchmark("Product page JSON (20 products)", configuration: .init(scalingFactor: .one), closure: { benchmark, page in
        for _ in benchmark.scaledIterations {
            blackHole(try? JSONCoding.encoder.encode(page))
        }
    }, setup: { try Fixtures.productPage(count: 20) })

    Benchmark("Access token verify (EdDSA, uncached)", closure: { benchmark, token in
        for _ in benchmark.scaledIterations {
            blackHole(try? await token.keys.verify(token.token, as: AccessTokenClaims.self))
        }
    }, setup: { try await Fixtures.signedToken() })

    Benchmark("Direct RPC call (no interceptors)", closure: { benchmark, router in
        for _ in benchmark.scaledIterations {
            let answer: String? = try? await router.call(Fixtures.echo, "ping", timeout: .seconds(5))
            blackHole(answer)
        }
    }, setup: { Fixtures.echoRouter() })

    Benchmark("Inventory reserve + release (two SQLite write transactions)", configuration: .init(scalingFactor: .one), closure: { benchmark, inventory in
        for iteration in benchmark.scaledIterations {
            let id = "bench-\(UUID().uuidString)"
            let sku = inventory.skus[iteration % inventory.skus.count]
            let now = Date()
            _ = try? await inventory.store.reserve(id: id, lines: [ReservationLine(sku: sku, quantity: 1)], expiresAt: now.addingTimeInterval(900), now: now)
            _ = try? await inventory.store.release(id: id, now: now)
        }
    }, setup: { try await Fixtures.inventory() })
}
