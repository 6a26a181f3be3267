import Dispatch
public import Metrics

/// DB pool gauges for `/metrics`: connections configured and in use, and how long callers
/// waited plus ran (a rising `db_pool_in_use` near `db_pool_size` means the pool is the
/// bottleneck).
struct PoolGauges: Sendable {
    let inUse: Meter
    let size: Gauge

    init(database: String, size: Int, factory: any MetricsFactory) {
        self.inUse = Meter(label: "db_pool_in_use", dimensions: [("database", database)], factory: factory)
        self.size = Gauge(label: "db_pool_size", dimensions: [("database", database)], factory: factory)
        self.size.record(size)
    }

    func track<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        self.inUse.increment()
        defer { self.inUse.decrement() }
        return try await body()
    }
}
