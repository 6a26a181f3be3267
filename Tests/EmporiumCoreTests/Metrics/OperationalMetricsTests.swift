import EmporiumCore
import Foundation
import Logging
import Testing

/// What every instance exports beside the RED metrics: the standard `process_*` metrics
/// (capacity planning divides CPU seconds by requests) and sampled state gauges.
@Suite struct OperationalMetricsTests {
    /// The value of the first sample line that starts with `series` (name and labels).
    static func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func processMetricsComeFromProcSelf() throws {
        let registry = MetricsRegistry()
        // Burn a little CPU so the counter has something to show at the 10 ms tick.
        var spin = 0.0
        let until = Date().addingTimeInterval(0.05)
        while Date() < until { spin += sqrt(spin + 1) }
        #expect(spin > 0)
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(text.contains("# TYPE process_cpu_seconds_total counter"))
        #expect(try #require(Self.value(text, "process_cpu_seconds_total")) > 0)
        let memory = try #require(Self.value(text, "process_resident_memory_bytes"))
        #expect(memory > 1_000_000)
        #expect(try #require(Self.value(text, "process_open_fds")) >= 3)
        let started = try #require(Self.value(text, "process_start_time_seconds"))
        #expect(abs(started - Date().timeIntervalSince1970) < 24 * 3600)
        #expect(started <= Date().timeIntervalSince1970 + 1)
        // A second scrape never goes backwards.
        let again = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(try #require(Self.value(again, "process_cpu_seconds_total")) >= Self.value(text, "process_cpu_seconds_total") ?? 0)
    }

    @Test func sampledGaugesRecordEachReadingUnderItsLabels() async throws {
        let registry = MetricsRegistry()
        let round = LockedCounter()
        let worker = SampledGaugesWorker(factory: registry.factory, logger: Logger(label: "test")) {
            let pass = round.next()
            return [
                GaugeReading("orders_saga_in_flight", Double(2 * pass), ["step": "reserve"]),
                GaugeReading("orders_saga_in_flight", 0, ["step": "capture"]),
                GaugeReading("orders_outbox_pending", 7),
            ]
        }
        try await worker.pass()
        try await worker.pass()
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        // The latest pass wins; each labelled series appears once.
        #expect(Self.value(text, #"orders_saga_in_flight{step="reserve"}"#) == 4)
        #expect(Self.value(text, #"orders_saga_in_flight{step="capture"}"#) == 0)
        #expect(Self.value(text, "orders_outbox_pending") == 7)
        #expect(text.components(separatedBy: #"orders_saga_in_flight{step="reserve"}"#).count == 2)
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func next() -> Int {
        self.lock.withLock {
            self.count += 1
            return self.count
        }
    }
}
