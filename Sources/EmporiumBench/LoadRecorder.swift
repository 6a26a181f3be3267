import Foundation
import Histogram
import Synchronization

/// What the load generator saw, shared by the shopper tasks: a latency histogram and error
/// counts per endpoint, per phase and overall for the measured phases (requests whose
/// intended send time falls in them, whenever they finish), sign-ins apart, and per second
/// of the whole run (warm-up included, by completion time) for the timeline. Latencies are
/// of 2xx answers, in microseconds, from the intended send time; errors are counted by
/// status, "timeout", "no response" and "not sent" (due before the end but no shopper was
/// free to send it).
final class LoadRecorder: Sendable {
    /// 100 s: a request takes at most the client timeout, far below this.
    static let highest: UInt64 = 100_000_000

    struct Tally {
        var latency = Histogram<UInt64>(highestTrackableValue: LoadRecorder.highest, numberOfSignificantValueDigits: .three)
        var requests = 0
        var errors: [String: Int] = [:]
        /// The longest a failed request took to fail, microseconds: a quick 503 and one
        /// that hung until the deadline are both errors, only this tells them apart.
        var slowestFailure: UInt64 = 0

        mutating func add(nanoseconds: UInt64, failure: String?) {
            self.requests += 1
            if let failure {
                self.errors[failure, default: 0] += 1
                self.slowestFailure = max(self.slowestFailure, min(nanoseconds / 1000, LoadRecorder.highest))
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
        /// Arriving shoppers signed in (and failed to) this second.
        var signIns = 0
        var signInErrors = 0
    }

    /// Shoppers arriving during the run: each signs in (timed from its arrival), then shops.
    struct Arrivals {
        var tally = Tally()
        var arrived = 0
        var signedIn = 0
        var firstArrival: UInt64?
        var lastSignedIn: UInt64?
    }

    struct State {
        var endpoints: [String: Tally] = [:]
        var overall = Tally()
        var phases: [Int: Tally] = [:]
        var signIns: [String: Tally] = [:]
        var arrivals = Arrivals()
        var seconds: [Int: Second] = [:]
        var scheduled = 0
        var unsent = 0
    }

    /// Uptime nanoseconds of the schedule's start (the warm-up's), and the schedule.
    let origin: UInt64
    let schedule: LoadSchedule
    private let state = Mutex(State())

    init(origin: UInt64, schedule: LoadSchedule) {
        self.origin = origin
        self.schedule = schedule
    }

    /// The measured phase (index into schedule.phases) a request due then belongs to; nil
    /// in the warm-up.
    private func phase(_ intended: UInt64) -> Int? {
        guard let index = self.schedule.phaseIndex(at: max(intended, self.origin) - self.origin) else { return nil }
        return self.schedule.warmup > 0 && index == 0 ? nil : index
    }
    private func second(_ time: UInt64) -> Int { Int((max(time, self.origin) - self.origin) / 1_000_000_000) }

    /// A request came due; `sent` is false when its shopper was still busy at the end.
    func scheduled(intended: UInt64, sent: Bool) {
        self.state.withLock { state in
            state.seconds[self.second(intended), default: Second()].offered += 1
            guard let phase = self.phase(intended) else { return }
            state.scheduled += 1
            if !sent {
                state.unsent += 1
                state.overall.add(nanoseconds: 0, failure: "not sent")
                state.phases[phase, default: Tally()].add(nanoseconds: 0, failure: "not sent")
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
            guard let phase = self.phase(intended) else { return }
            state.endpoints[endpoint, default: Tally()].add(nanoseconds: nanoseconds, failure: failure)
            state.overall.add(nanoseconds: nanoseconds, failure: failure)
            state.phases[phase, default: Tally()].add(nanoseconds: nanoseconds, failure: failure)
        }
    }

    /// A shopper arrived (uptime nanoseconds), whatever became of its sign-in.
    func arrived(at time: UInt64) {
        self.state.withLock { state in
            state.arrivals.arrived += 1
            state.arrivals.firstArrival = min(state.arrivals.firstArrival ?? time, time)
        }
    }

    /// An arriving shopper's sign-in ended (signed in, or gave up), timed from its arrival.
    func arrivalSignedIn(arrived: UInt64, finished: UInt64, failure: String?) {
        self.state.withLock { state in
            state.arrivals.tally.add(nanoseconds: finished - min(arrived, finished), failure: failure)
            if failure == nil {
                state.arrivals.signedIn += 1
                state.arrivals.lastSignedIn = max(state.arrivals.lastSignedIn ?? finished, finished)
                state.seconds[self.second(finished), default: Second()].signIns += 1
            } else {
                state.seconds[self.second(finished), default: Second()].signInErrors += 1
            }
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
        /// How long the slowest failed request took (0 without failures).
        var failedMaxMs: Double

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
            self.failedMaxMs = ms(tally.slowestFailure)
        }
    }

    /// One measured phase: what was offered and how much of it was served, and how fast.
    struct PhaseRow: Encodable {
        var name: String
        var seconds: Int
        var rate: Double
        /// ok ÷ requests due in the phase.
        var served: Double
        var row: Row
    }

    /// Shoppers who arrived during the run and signed in (bcrypt on the server), timed from
    /// their arrival; `perSecond` over first arrival → last sign-in.
    struct ArrivalsRow: Encodable {
        var arrived: Int
        var signedIn: Int
        var seconds: Double
        var perSecond: Double
        var row: Row
        /// The sign-in rate bcrypt allowed in this run (set by the caller from identity's
        /// metrics), and perSecond ÷ it.
        var bound: Double?
        var ofBound: Double?
    }

    struct Report: Encodable {
        var url: String
        /// Mean offered rate over the measured phases.
        var rate: Double
        var seconds: Int
        var warmupSeconds: Int
        var shoppers: Int
        /// Requests due in the measured phases, and how many of them were never sent.
        var scheduled: Int
        var unsent: Int
        var overall: Row
        var phases: [PhaseRow]
        var endpoints: [Row]
        /// Registrations (before the load) and token refreshes, apart from the mix.
        var signIns: [Row]
        var signInSeconds: Double
        var arrivals: ArrivalsRow?
    }

    func report(url: String, shoppers: Int) -> Report {
        let schedule = self.schedule
        let seconds = schedule.measuredSeconds
        let due = schedule.measuredPhases.reduce(0) { $0 + $1.requests }
        return self.state.withLock { state in
            let phases = schedule.phases.indices.filter { !(schedule.warmup > 0 && $0 == 0) }.map { index in
                let phase = schedule.phases[index]
                let row = Row("phase", state.phases[index] ?? Tally(), seconds: Double(phase.seconds))
                let served = phase.requests == 0 ? 1 : Double(row.ok) / Double(phase.requests)
                return PhaseRow(name: phase.name, seconds: phase.seconds, rate: phase.rate, served: (served * 1000).rounded() / 1000, row: row)
            }
            var arrivals: ArrivalsRow?
            if state.arrivals.arrived > 0 {
                let span = Double((state.arrivals.lastSignedIn ?? 0) - min(state.arrivals.firstArrival ?? 0, state.arrivals.lastSignedIn ?? 0)) / 1e9
                arrivals = ArrivalsRow(
                    arrived: state.arrivals.arrived, signedIn: state.arrivals.signedIn, seconds: (span * 100).rounded() / 100,
                    perSecond: span > 0 ? (Double(state.arrivals.signedIn) / span * 10).rounded() / 10 : 0,
                    row: Row("sign-ins of arriving shoppers", state.arrivals.tally, seconds: span)
                )
            }
            return Report(
                url: url, rate: Double(due) / Double(max(seconds, 1)), seconds: seconds, warmupSeconds: schedule.warmup, shoppers: shoppers,
                scheduled: state.scheduled, unsent: state.unsent,
                overall: Row("all", state.overall, seconds: Double(seconds)),
                phases: phases,
                endpoints: state.endpoints.sorted { $0.key < $1.key }.map { Row($0.key, $0.value, seconds: Double(seconds)) },
                signIns: [], signInSeconds: 0, arrivals: arrivals
            )
        }
    }

    /// The sign-ins before the load and token refreshes (a recorder of their own).
    func signInRows(seconds: Double) -> [Row] {
        self.state.withLock { state in state.signIns.sorted { $0.key < $1.key }.map { Row($0.key, $0.value, seconds: seconds) } }
    }

    struct Point: Encodable {
        /// Seconds since the schedule's start (the warm-up is the first `warmupSeconds`).
        var second: Int
        var offered: Int
        var ok: Int
        var errors: Int
        var signIns: Int
        var signInErrors: Int
        var p50Ms: Double?
        var p99Ms: Double?
        var maxMs: Double?
    }

    struct Timeline: Encodable {
        var rate: Double
        var warmupSeconds: Int
        var seconds: Int
        var phases: [LoadSchedule.Phase]
        var points: [Point]
    }

    func timeline() -> Timeline {
        let schedule = self.schedule
        let due = schedule.measuredPhases.reduce(0) { $0 + $1.requests }
        return self.state.withLock { state in
            let last = state.seconds.keys.max() ?? 0
            let points = (0...last).map { second in
                let bucket = state.seconds[second] ?? Second()
                let any = bucket.latency.totalCount > 0
                func ms(_ micros: UInt64) -> Double { (Double(micros) / 10).rounded() / 100 }
                return Point(
                    second: second, offered: bucket.offered, ok: bucket.ok, errors: bucket.errors,
                    signIns: bucket.signIns, signInErrors: bucket.signInErrors,
                    p50Ms: any ? ms(bucket.latency.valueAtPercentile(50)) : nil,
                    p99Ms: any ? ms(bucket.latency.valueAtPercentile(99)) : nil,
                    maxMs: any ? ms(bucket.latency.max) : nil
                )
            }
            return Timeline(
                rate: Double(due) / Double(max(schedule.measuredSeconds, 1)), warmupSeconds: schedule.warmup,
                seconds: schedule.measuredSeconds, phases: schedule.phases, points: points
            )
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
                + "  " + errors(row.errors) + (row.errors.isEmpty ? "" : " (slowest \(number(row.failedMaxMs)) ms)")
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
        if self.phases.count > 1 {
            lines.append("by phase (offered rate; served = 2xx ÷ due):")
            for phase in self.phases {
                var row = phase.row
                row.endpoint = "\(phase.name) @ \(String(format: "%g", phase.rate))/s, \(Int((phase.served * 100).rounded()))% served"
                lines.append(line(row))
            }
        }
        lines.append("sign-ins before the load, apart (\(String(format: "%.2f", self.signInSeconds)) s; ok/s over that time):")
        lines += self.signIns.map(line)
        if let arrivals = self.arrivals {
            lines.append(
                "shoppers arriving during the load: \(arrivals.arrived) arrived, \(arrivals.signedIn) signed in over \(number(arrivals.seconds)) s = "
                    + "\(String(format: "%.1f", arrivals.perSecond))/s"
                    + (arrivals.bound.map { bound in
                        ", bcrypt allowed \(String(format: "%.1f", bound))/s in this run → \(Int(((arrivals.ofBound ?? 0) * 100).rounded()))% of the bound"
                    } ?? "")
                    + " (latency from arrival):"
            )
            lines.append(line(arrivals.row))
        }
        return lines.joined(separator: "\n")
    }
}
