import ArgumentParser
import Dispatch
import EmporiumClients
import EmporiumCore
import EmporiumInventory
import Foundation
import GRPCCore
import Logging
import Synchronization

/// `emporium-bench`: load generators that need Emporium's own clients (run by the scripts
/// under benchmarks/, not by users).
@main
struct EmporiumBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emporium-bench",
        abstract: "Benchmarks for benchmarks/ scripts.",
        subcommands: [RPCBenchmark.self, CheckoutBenchmark.self, LoadBenchmark.self, CatalogSeed.self, HelloServer.self]
    )
}

/// Reserve + Release round trips against one inventory service on a SQLite file: straight to
/// its store, through the embedded direct path, over gRPC's in-process transport and over a
/// loopback HTTP/2 port, in one process, so the way of calling is the only difference.
/// Prints one line per way:
/// `transport round-trips/s p50-ms p99-ms round-trips errors`.
struct RPCBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rpc")

    @Option(help: "Seconds per transport.") var seconds: Int = 10
    @Option(help: "Concurrent callers.") var concurrency: Int = 32
    @Option(help: "Distinct SKUs the callers spread over.") var skus: Int = 200
    @Option(help: "Directory for the SQLite file.") var dataDir: String = NSTemporaryDirectory()
    @Option(help: "A free loopback port for the HTTP/2 server.") var port: Int

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let path = self.dataDir + "/bench-inventory-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try await SQLiteDatabase.open(path: path, name: InventoryService.name, metrics: MetricsRegistry().factory, logger: logger)
        let skuNames = (0..<self.skus).map { "BENCH-\($0)" }

        let port = self.port
        let inProcess = RPCNetwork.inProcess(metrics: MetricsRegistry().factory, logger: logger)
        let inProcessGRPC = RPCNetwork.inProcess(metrics: MetricsRegistry().factory, logger: logger, direct: false)
        let server = try RPCNetwork.http2(listen: .init(host: "127.0.0.1", port: port), peers: [:], metrics: MetricsRegistry().factory, logger: logger)
        let client = try RPCNetwork.http2(
            listen: nil,
            peers: [InventoryClient.peer: try RPCEndpoints(parsing: "127.0.0.1:\(port)", key: "inventoryGrpc")],
            metrics: MetricsRegistry().factory,
            logger: logger
        )
        // Inventory never calls catalog on the reservation path; the client is only wiring.
        let unit = try InventoryService.build(
            ServiceContext(database: database, verifier: RejectAllTokens(), network: inProcess, metrics: MetricsRegistry().factory, logger: logger),
            settings: InventoryService.Settings()
        )
        let readiness = Readiness()
        try await Migrator.migrate(database, service: unit.name, migrations: unit.migrations, logger: logger)
        let store = InventoryStore(database: database)
        for sku in skuNames {
            _ = try await store.setOnHand(sku: sku, onHand: 1_000_000_000, now: Date())
        }
        readiness.set(.ready)

        let services = inProcess.lifecycleServices(serving: unit.rpcServices, readiness: readiness)
            + inProcessGRPC.lifecycleServices(serving: unit.rpcServices, readiness: readiness)
            + server.lifecycleServices(serving: unit.rpcServices, readiness: readiness)
            + client.lifecycleServices(serving: [], readiness: readiness)
        try await withRunning(services) {
            // "store": the same calls straight to the store, no RPC layer at all — what each
            // way of calling costs is the difference to it.
            let transports: [(String, any InventoryPeer)] = [
                ("store", StoreInventoryPeer(store: store)),
                ("in-process-direct", try inProcess.client(InventoryClient.self)),
                ("in-process-grpc", try inProcessGRPC.client(InventoryClient.self)),
                ("http2-loopback", try client.client(InventoryClient.self)),
            ]
            for (name, inventory) in transports {
                _ = try await self.measure(inventory, skus: skuNames, seconds: 1)  // warm-up
                let result = try await self.measure(inventory, skus: skuNames, seconds: self.seconds)
                print(name, result.line)
            }
        }
        try await database.close()
    }

    struct Result {
        var latencies: [UInt64]
        var errors: Int
        var elapsed: Double

        var line: String {
            let sorted = self.latencies.sorted()
            func percentile(_ p: Double) -> Double {
                sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1_000_000
            }
            return String(format: "%.0f %.2f %.2f %d %d", Double(sorted.count) / self.elapsed, percentile(0.5), percentile(0.99), sorted.count, self.errors)
        }
    }

    func measure(_ inventory: any InventoryPeer, skus: [String], seconds: Int) async throws -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let end = start + UInt64(seconds) * 1_000_000_000
        let prefix = UUID().uuidString.prefix(8)
        let results = await withTaskGroup(of: ([UInt64], Int).self) { group in
            for worker in 0..<self.concurrency {
                group.addTask {
                    var latencies: [UInt64] = []
                    var errors = 0
                    var round = 0
                    while DispatchTime.now().uptimeNanoseconds < end {
                        round += 1
                        let id = "\(prefix)-\(worker)-\(round)"
                        let sku = skus[(worker * 7919 + round) % skus.count]
                        let began = DispatchTime.now().uptimeNanoseconds
                        do {
                            let reserved = try await inventory.reserve(id: id, lines: [(sku, 1)])
                            let released = try await inventory.release(id: id)
                            if reserved.status == .reserved && released == .released {
                                latencies.append(DispatchTime.now().uptimeNanoseconds - began)
                            } else {
                                errors += 1
                            }
                        } catch {
                            errors += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            return await group.reduce(into: ([UInt64](), 0)) { total, next in
                total.0 += next.0
                total.1 += next.1
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000_000
        return Result(latencies: results.0, errors: results.1, elapsed: elapsed)
    }
}

/// Inventory's reserve and release called on its store in this process, through the peer
/// protocol the gRPC client implements (the benchmark's baseline without a transport).
struct StoreInventoryPeer: InventoryPeer {
    let store: InventoryStore

    func reserve(id: String, lines: [(sku: String, quantity: Int)], ttlSeconds: Int) async throws -> Reservation {
        let now = Date()
        let outcome = try await self.store.reserve(
            id: id, lines: lines.map { ReservationLine(sku: $0.sku, quantity: $0.quantity) },
            expiresAt: now.addingTimeInterval(TimeInterval(ttlSeconds)), now: now)
        switch outcome {
        case .existing(let state, let expiresAtMicros):
            return Reservation(id: id, status: Self.status(state), insufficientSkus: [], expiresAt: Date(timeIntervalSince1970: Double(expiresAtMicros) / 1_000_000))
        case .insufficient(let skus):
            return Reservation(id: id, status: .insufficientStock, insufficientSkus: skus, expiresAt: nil)
        }
    }

    func release(id: String) async throws -> Reservation.Status {
        Self.status(try await self.store.release(id: id, now: Date()))
    }

    func commit(id: String) async throws -> Reservation.Status { throw RPCError(code: .unimplemented, message: "not benchmarked") }
    func returnStock(id: String) async throws -> Reservation.Status { throw RPCError(code: .unimplemented, message: "not benchmarked") }
    func stock(skus: [String]) async throws -> [StockLevel] { throw RPCError(code: .unimplemented, message: "not benchmarked") }

    static func status(_ state: ReservationState) -> Reservation.Status {
        switch state {
        case .reserved: .reserved
        case .committed: .committed
        case .released: .released
        case .expired: .expired
        case .returned: .returned
        }
    }
}
