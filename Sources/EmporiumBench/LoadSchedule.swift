import ArgumentParser
import Foundation

/// When each request of an open-model run is due: phases of a constant rate one after the
/// other (`--phases 60:250:baseline,60:1000:spike,60:250:after`), the first preceded by the
/// warm-up at its rate. Request i is due at the phase's start plus its place in the phase
/// divided by the phase's rate, so a step in the rate is a step in the arrivals, whatever
/// the server does.
struct LoadSchedule: Sendable {
    struct Phase: Sendable, Encodable {
        var name: String
        var seconds: Int
        var rate: Double
        /// Seconds after the schedule's origin (the warm-up's start) when the phase begins.
        var start: Int = 0
        /// Requests due before the phase begins.
        var firstRequest: Int = 0
        var requests: Int { Int((Double(self.seconds) * self.rate).rounded(.down)) }
    }

    let warmup: Int
    /// The warm-up first (named "warm-up", not measured), then the measured phases.
    let phases: [Phase]
    let total: Int

    init(warmup: Int, phases measured: [Phase]) {
        var phases: [Phase] = []
        if warmup > 0, let first = measured.first { phases.append(Phase(name: "warm-up", seconds: warmup, rate: first.rate)) }
        phases += measured
        var start = 0
        var first = 0
        for index in phases.indices {
            phases[index].start = start
            phases[index].firstRequest = first
            start += phases[index].seconds
            first += phases[index].requests
        }
        self.warmup = warmup
        self.phases = phases
        self.total = first
    }

    var measuredPhases: ArraySlice<Phase> { self.warmup > 0 ? self.phases.dropFirst() : self.phases[...] }
    var measuredSeconds: Int { self.measuredPhases.reduce(0) { $0 + $1.seconds } }
    var seconds: Int { self.phases.reduce(0) { $0 + $1.seconds } }

    /// Nanoseconds after the origin at which request `index` is due.
    func due(_ index: Int) -> UInt64 {
        let phase = self.phase(ofRequest: index)
        let offset = Double(index - phase.firstRequest) / phase.rate
        return UInt64((Double(phase.start) + offset) * 1e9)
    }

    func phase(ofRequest index: Int) -> Phase {
        self.phases.last { $0.firstRequest <= index } ?? self.phases[0]
    }

    /// The phase a moment (nanoseconds after the origin) falls in; nil before or after all.
    func phaseIndex(at nanoseconds: UInt64) -> Int? {
        let second = Double(nanoseconds) / 1e9
        return self.phases.lastIndex { Double($0.start) <= second }.flatMap { second < Double(self.phases[$0].start + self.phases[$0].seconds) ? $0 : nil }
    }

    /// `SECONDS:RATE[:NAME]` phases, comma-separated.
    static func parse(_ text: String) throws -> [Phase] {
        let phases = try text.split(separator: ",").enumerated().map { index, part -> Phase in
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (2...3).contains(fields.count), let seconds = Int(fields[0]), let rate = Double(fields[1]),
                (1...3600).contains(seconds), rate > 0, rate <= 100_000
            else { throw ValidationError("--phases: \(part) is not SECONDS:RATE[:NAME] with seconds 1…3600 and rate in (0, 100000]") }
            let name = fields.count == 3 && !fields[2].isEmpty ? fields[2] : "phase \(index + 1)"
            return Phase(name: name, seconds: seconds, rate: rate)
        }
        guard !phases.isEmpty, phases.count <= 20 else { throw ValidationError("--phases: 1 to 20 phases") }
        return phases
    }
}
