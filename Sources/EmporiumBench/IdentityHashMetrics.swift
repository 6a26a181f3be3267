import Foundation

/// What identity's instances say about bcrypt (their /metrics): hashes done, seconds spent
/// in them, and hash slots. Read before and after the arrivals, it gives the sign-in rate
/// bcrypt allowed in that run — slots ÷ the mean time of one hash, as the machine ran them
/// then (with the rest of the load beside them) — to compare the arrivals' rate with.
struct IdentityHashMetrics: Sendable {
    var hashes: Double = 0
    var seconds: Double = 0
    var slots: Double = 0

    /// nil when no URL is given or one does not answer with the three metrics.
    static func read(_ urls: [String], _ client: LoadHTTP) async -> IdentityHashMetrics? {
        guard !urls.isEmpty else { return nil }
        var total = IdentityHashMetrics()
        for url in urls {
            guard let text = await client.text(url), let one = Self.parse(text) else { return nil }
            total.hashes += one.hashes
            total.seconds += one.seconds
            total.slots += one.slots
        }
        return total
    }

    /// Prometheus text format: the samples of the counter, the histogram's sum and the
    /// gauge, whatever their labels (summed).
    static func parse(_ text: String) -> IdentityHashMetrics? {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[1]) else { continue }
            let name = parts[0].split(separator: "{", maxSplits: 1).first.map(String.init) ?? ""
            values[name, default: 0] += value
        }
        guard let hashes = values["identity_password_hashes_total"], let seconds = values["identity_password_hash_seconds_sum"],
            let slots = values["identity_password_hash_slots"]
        else { return nil }
        return IdentityHashMetrics(hashes: hashes, seconds: seconds, slots: slots)
    }

    /// Hashes per second the slots allowed between `before` and now; nil without hashes.
    func rate(since before: IdentityHashMetrics) -> Double? {
        let hashes = self.hashes - before.hashes
        guard hashes > 0 else { return nil }
        let mean = (self.seconds - before.seconds) / hashes
        return mean > 0 ? self.slots / mean : nil
    }
}
