public import Metrics
public import Prometheus

/// One Prometheus registry per platform instance. Metrics are created through this
/// factory explicitly rather than the global `MetricsSystem`, so several platforms in one
/// test process each keep their own numbers.
public struct MetricsRegistry: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: any MetricsFactory
    private let process: ProcessMetrics

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Request latencies on a web shop live in the low milliseconds.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.registry = registry
        self.factory = factory
        self.process = ProcessMetrics(registry: registry)
    }

    /// The Prometheus text exposition of everything recorded so far.
    public func exposition() -> [UInt8] {
        self.process.refresh()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        self.registry.emit(into: &buffer)
        return buffer
    }
}
