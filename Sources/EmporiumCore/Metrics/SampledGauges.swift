public import Logging
public import Metrics
public import ServiceLifecycle
import Synchronization

/// One gauge value read from a service's own database: work in flight, a backlog, the age
/// of its oldest item.
public struct GaugeReading: Sendable, Equatable {
    public let label: String
    public let dimensions: [String: String]
    public let value: Double

    public init(_ label: String, _ value: Double, _ dimensions: [String: String] = [:]) {
        self.label = label
        self.value = value
        self.dimensions = dimensions
    }
}

/// Reads a service's state gauges every `interval` (first pass at start) and records them.
///
/// Counters say what happened; these say what is stuck *now* (sagas past their lease, an
/// outbox backlog, reservations past their expiry), which is what alerts need. Every
/// instance of a service samples the same database, so dashboards aggregate them with
/// `max`, never `sum`.
public struct SampledGaugesWorker: Service {
    let interval: Duration
    let logger: Logger
    let sample: @Sendable () async throws -> [GaugeReading]
    private let gauges: GaugeCache

    public init(interval: Duration = .seconds(5), factory: any MetricsFactory, logger: Logger, sample: @escaping @Sendable () async throws -> [GaugeReading]) {
        self.interval = interval
        self.logger = logger
        self.sample = sample
        self.gauges = GaugeCache(factory: factory)
    }

    public func run() async throws {
        await repeatUntilShutdown(every: self.interval, logger: self.logger, failure: "Sampling gauges failed") {
            try await self.pass()
        }
    }

    /// One sample, recorded.
    public func pass() async throws {
        for reading in try await self.sample() {
            self.gauges.gauge(reading.label, reading.dimensions).record(reading.value)
        }
    }
}

/// Each labelled gauge is made once and reused (swift-metrics handles are meant to live).
private final class GaugeCache: Sendable {
    private let factory: any MetricsFactory
    private let gauges = Mutex<[String: Gauge]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func gauge(_ label: String, _ dimensions: [String: String]) -> Gauge {
        let sorted = dimensions.sorted { $0.key < $1.key }
        let key = ([label] + sorted.map { "\($0.key)=\($0.value)" }).joined(separator: "\u{1}")
        return self.gauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = Gauge(label: label, dimensions: sorted.map { ($0.key, $0.value) }, factory: self.factory)
            gauges[key] = gauge
            return gauge
        }
    }
}
