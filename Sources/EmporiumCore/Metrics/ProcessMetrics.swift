import Foundation
import Prometheus
import Synchronization

/// The standard `process_*` metrics (CPU seconds, resident memory, open file descriptors,
/// start time) read from `/proc/self` at each scrape, as Prometheus's own client libraries
/// export them: capacity planning divides CPU seconds by requests served, and dashboards
/// show memory per instance. Absent (nothing recorded) where `/proc` is not there.
final class ProcessMetrics: Sendable {
    private let cpu: Counter
    private let memory: Gauge
    private let openFiles: Gauge
    private let startTime: Gauge
    /// CPU seconds already added to the counter, so each scrape adds only what is new.
    private let cpuCounted = Mutex<Double>(0)
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    init(registry: PrometheusCollectorRegistry) {
        func named(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "process", metricName: name, unitName: unit, helpText: help)
        }
        self.cpu = registry.makeCounter(descriptor: named("cpu", "seconds_total", "User and system CPU time spent, in seconds."))
        self.memory = registry.makeGauge(descriptor: named("resident_memory", "bytes", "Resident memory size in bytes."))
        self.openFiles = registry.makeGauge(descriptor: named("open", "fds", "Open file descriptors."))
        self.startTime = registry.makeGauge(descriptor: named("start_time", "seconds", "Start time of the process since the Unix epoch, in seconds."))
        if let started = self.readStartTime() { self.startTime.set(to: started) }
    }

    /// Reads `/proc/self` now.
    func refresh() {
        if let stat = Self.statFields(), stat.count > 14, let user = Double(stat[13]), let system = Double(stat[14]), self.ticksPerSecond > 0 {
            let total = (user + system) / self.ticksPerSecond
            let added = self.cpuCounted.withLock { counted -> Double in
                let delta = max(0, total - counted)
                counted = max(counted, total)
                return delta
            }
            if added > 0 { self.cpu.increment(by: added) }
        }
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        {
            self.memory.set(to: pages * self.pageSize)
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            self.openFiles.set(to: Double(descriptors.count))
        }
    }

    /// `/proc/self/stat`'s fields, index = field number - 1 (proc(5)); split after the
    /// command name's closing parenthesis, since the name itself may hold spaces.
    private static func statFields() -> [String]? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ").map(String.init)
        return ["pid", "comm"] + rest
    }

    /// Boot time (`/proc/stat` btime) plus the process's start in ticks since boot (field 22).
    private func readStartTime() -> Double? {
        guard let stat = Self.statFields(), stat.count > 21, let ticks = Double(stat[21]), self.ticksPerSecond > 0,
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(line.dropFirst("btime ".count))
        else { return nil }
        return boot + ticks / self.ticksPerSecond
    }
}
