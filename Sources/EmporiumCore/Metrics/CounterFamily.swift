public import Metrics
import Synchronization

/// One counter name with one label whose values come from a small fixed set (an outcome, a
/// status, an event type): each labelled counter is created once, on first use, and reused
/// after — swift-metrics counters are meant to be made once, not per increment.
public final class CounterFamily: Sendable {
    private let label: String
    private let dimension: String?
    private let factory: any MetricsFactory
    private let counters = Mutex<[String: Counter]>([:])

    /// `dimension`: the label's name (`outcome`), or nil for a counter without labels.
    /// `knownValues` are exported at zero from the start: a series that appears only when
    /// something first goes wrong makes `rate()` and absent-metric checks blind until then.
    public init(label: String, dimension: String? = nil, knownValues: [String] = [], factory: any MetricsFactory) {
        self.label = label
        self.dimension = dimension
        self.factory = factory
        for value in dimension == nil ? [""] : knownValues {
            self.increment(value, by: 0)
        }
    }

    /// Adds `amount` to the counter labelled `value` (ignored without a dimension).
    public func increment(_ value: String = "", by amount: Int = 1) {
        self.counters.withLock { counters in
            if let counter = counters[value] { return counter }
            let dimensions = self.dimension.map { [($0, value)] } ?? []
            let counter = Counter(label: self.label, dimensions: dimensions, factory: self.factory)
            counters[value] = counter
            return counter
        }.increment(by: amount)
    }
}
