import Foundation
import Histogram
import Synchronization

/// What the load generator saw, shared by the shopper tasks: a latency histogram and error
/// counts per endpoint and overall for the measured window (requests whose intended send
/// time falls in it, whenever they finish), sign-ins apart, and per second of the whole run
/// (warm-up included, by completion time) for the timeline. Latencies are of 2xx answers,
/// in microseconds, from the intended send time; errors are counted by status, "timeout",
/// "no response" and "not sent" (due before the end but its shopper was still busy).
final class LoadRecorder: Sendable {
    /// 100 s: a request takes at most the client timeout, far below this.
    static let highest: UInt64 = 100_000_000

    struct Tally {
        var latency = Histogram<UInt64>(highestTrackableValue: LoadRecorder.highest, numberOfSignificantValueDigits: .three)
        var requests = 0
        var errors: [String: Int] = [:]

        mutating func add(nanoseconds: UInt64, failure: String?) {
            self.requests += 1
            if let failure {
                self.errors[failure, default: 0] += 1
            } else {
                self.latency.record(min(nanoseconds / 1000, LoadRecorder.highest))
            }
        }
    }

    /// One second of the timeline: two significant digits keep hours of seconds small.
    struct Second {
        var latency = Histogram<UInt64>(highestTrackableValue: LoadRecorder.highest, numberOfSignificantValueDigits: .two)
        var offered = 0
        var ok = 0
        var errors = 0
    }

    struct State {
        var endpoints: [String: Tally] = [:]
        var overall = Tally()
        var signIns: [String: Tally] = [:]
        var seconds: [Int: Second] = [:]
        var scheduled = 0
        var unsent = 0
    }

    /// Uptime nanoseconds: the schedule's start, and the measured window [from, until).
    let origin: UInt64
    let measuredFrom: UInt64
    let measuredUntil: UInt64
    private let state = Mutex(State())

    init(origin: UInt64, measuredFrom: UInt64, measuredUntil: UInt64) {
        self.origin = origin
        self.measuredFrom = measuredFrom
        self.measuredUntil = measuredUntil
    }

    private func measured(_ intended: UInt64) -> Bool { intended >= self.measuredFrom && intended < self.measuredUntil }
    private func second(_ time: UInt64) -> Int { Int((max(time, self.origin) - self.origin) / 1_000_000_000) }

    /// A request came due; `sent` is false when its shopper was still busy at the end.
    func scheduled(intended: UInt64, sent: Bool) {
        self.state.withLock { state in
            state.seconds[self.second(intended), default: Second()].offered += 1
            guard self.measured(intended) else { return }
            state.scheduled += 1
            if !sent {
                state.unsent += 1
                state.overall.add(nanoseconds: 0, failure: "not sent")
            }
        }
    }

    func completed(_ endpoint: String, intended: UInt64, finished: UInt64, failure: String?) {
        let nanoseconds = finished - min(intended, finished)
        self.state.withLock { state in
            let second = self.second(finished)
            if failure == nil {
                state.seconds[second, default: Second()].ok += 1
                state.seconds[second, default: Second()].latency.record(min(nanoseconds / 1000, LoadRecorder.highest))
            } else {
                state.seconds[second, default: Second()].errors += 1
            }
            guard self.measured(intended) else { return }
            state.endpoints[endpoint, default: Tally()].add(nanoseconds: nanoseconds, failure: failure)
            state.overall.add(nanoseconds: nanoseconds, failure: failure)
        }
    }

    func signIn(_ endpoint: String, nanoseconds: UInt64, failure: String?) {
        self.state.withLock { $0.signIns[endpoint, default: Tally()].add(nanoseconds: nanoseconds, failure: failure) }
    }

    // MARK: Reports

    struct Row: Encodable {
        var endpoint: String
        var requests: Int
        var ok: Int
        var perSecond: Double
        var p50Ms: Double
        var p95Ms: Double
        var p99Ms: Double
        var maxMs: Double
        var errors: [String: Int]

        init(_ endpoint: String, _ tally: Tally, seconds: Double) {
            let ok = Int(tally.latency.totalCount)
            func ms(_ micros: UInt64) -> Double { (Double(micros) / 10).rounded() / 100 }
            func at(_ percentile: Double) -> Double { ok == 0 ? 0 : ms(tally.latency.valueAtPercentile(percentile)) }
            self.endpoint = endpoint
            self.requests = tally.requests
            self.ok = ok
            self.perSecond = (Double(ok) / max(seconds, 0.001) * 10).rounded() / 10
            self.p50Ms = at(50)
            self.p95Ms = at(95)
            self.p99Ms = at(99)
            self.maxMs = ok == 0 ? 0 : ms(tally.latency.max)
            self.errors = tally.errors
        }
    }

    struct Report: Encodable {
        var url: String
        var rate: Double
        var seconds: Int
        var warmupSeconds: Int
        var shoppers: Int
        /// Requests due in the measured window, and how many of them were never sent.
        var scheduled: Int
        var unsent: Int
        var overall: Row
        var endpoints: [Row]
        /// Registrations (before the load) and token refreshes, apart from the mix.
        var signIns: [Row]
        var signInSeconds: Double
    }

    func report(url: String, rate: Double, seconds: Int, warmup: Int, shoppers: Int, signInSeconds: Double) -> Report {
        self.state.withLock { state in
            Report(
                url: url, rate: rate, seconds: seconds, warmupSeconds: warmup, shoppers: shoppers,
                scheduled: state.scheduled, unsent: state.unsent,
                overall: Row("all", state.overall, seconds: Double(seconds)),
                endpoints: state.endpoints.sorted { $0.key < $1.key }.map { Row($0.key, $0.value, seconds: Double(seconds)) },
                signIns: state.signIns.sorted { $0.key < $1.key }.map { Row($0.key, $0.value, seconds: signInSeconds) },
                signInSeconds: (signInSeconds * 100).rounded() / 100
            )
        }
    }

    struct Point: Encodable {
        /// Seconds since the schedule's start (the warm-up is the first `warmupSeconds`).
        var second: Int
        var offered: Int
        var ok: Int
        var errors: Int
        var p50Ms: Double?
        var p99Ms: Double?
        var maxMs: Double?
    }

    struct Timeline: Encodable {
        var rate: Double
        var warmupSeconds: Int
        var seconds: Int
        var points: [Point]
    }

    func timeline(rate: Double, warmup: Int, seconds: Int) -> Timeline {
        self.state.withLock { state in
            let last = state.seconds.keys.max() ?? 0
            let points = (0...last).map { second in
                let bucket = state.seconds[second] ?? Second()
                let any = bucket.latency.totalCount > 0
                func ms(_ micros: UInt64) -> Double { (Double(micros) / 10).rounded() / 100 }
                return Point(
                    second: second, offered: bucket.offered, ok: bucket.ok, errors: bucket.errors,
                    p50Ms: any ? ms(bucket.latency.valueAtPercentile(50)) : nil,
                    p99Ms: any ? ms(bucket.latency.valueAtPercentile(99)) : nil,
                    maxMs: any ? ms(bucket.latency.max) : nil
                )
            }
            return Timeline(rate: rate, warmupSeconds: warmup, seconds: seconds, points: points)
        }
    }
}

extension LoadRecorder.Report {
    /// The table for stdout: the mix's rows, the total, then sign-ins apart.
    var table: String {
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        func number(_ value: Double) -> String { String(format: "%.2f", value) }
        func errors(_ errors: [String: Int]) -> String {
            errors.isEmpty ? "0" : errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        }
        func line(_ row: LoadRecorder.Row) -> String {
            pad(row.endpoint, 38, left: true) + pad(String(row.requests), 9) + pad(String(format: "%.1f", row.perSecond), 9)
                + pad(number(row.p50Ms), 9) + pad(number(row.p95Ms), 9) + pad(number(row.p99Ms), 9) + pad(number(row.maxMs), 9)
                + "  " + errors(row.errors)
        }
        let header = pad("endpoint", 38, left: true) + pad("requests", 9) + pad("ok/s", 9) + pad("p50 ms", 9) + pad("p95 ms", 9)
            + pad("p99 ms", 9) + pad("max ms", 9) + "  errors"
        var lines = [
            "Offered \(String(format: "%g", self.rate)) req/s for \(self.seconds) s after a \(self.warmupSeconds) s warm-up, \(self.shoppers) shoppers, \(self.url)",
            "(latency of 2xx answers from each request's intended send time; \(self.scheduled) requests due, \(self.unsent) not sent)",
            header,
        ]
        lines += self.endpoints.map(line)
        lines.append(line(self.overall))
        lines.append("sign-ins, apart (\(String(format: "%.2f", self.signInSeconds)) s; ok/s over that time):")
        lines += self.signIns.map(line)
        return lines.joined(separator: "\n")
    }
}
