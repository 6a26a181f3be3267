import Foundation

/// The proxies whose `X-Forwarded-For` is believed: addresses (`127.0.0.1`, `::1`) or
/// networks (`10.0.0.0/8`, `fd00::/8`), since behind an ingress controller the proxies are
/// pods whose addresses change with every restart; only the network they come from is fixed.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        /// 4 bytes for IPv4, 16 for IPv6.
        let bytes: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == self.bytes.count else { return false }
            var remaining = self.prefixLength
            for (network, candidate) in zip(self.bytes, address) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if network & mask != candidate & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let networks: [Network]

    public static let none = TrustedProxies(networks: [])

    init(networks: [Network]) {
        self.networks = networks
    }

    /// Parses `EMPORIUM_TRUSTED_PROXIES`: comma-separated addresses and networks. A failure
    /// names the first entry that is neither (the process refuses to start with it).
    public static func parse(_ text: String) -> Result<TrustedProxies, InvalidEntry> {
        var networks: [Network] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let bytes = Self.bytes(parts[0]) else { return .failure(InvalidEntry(entry: entry)) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...bytes.count * 8).contains(length) else { return .failure(InvalidEntry(entry: entry)) }
                prefix = length
            }
            networks.append(Network(bytes: bytes, prefixLength: prefix))
        }
        return .success(TrustedProxies(networks: networks))
    }

    public struct InvalidEntry: Error, Equatable {
        public let entry: String
    }

    /// Whether `address` (a TCP peer or an `X-Forwarded-For` hop) is a trusted proxy; a hop
    /// that is not an IP address never is.
    public func contains(_ address: String) -> Bool {
        guard !self.networks.isEmpty, let bytes = Self.bytes(address) else { return false }
        return self.networks.contains { $0.contains(bytes) }
    }

    /// The address's bytes (IPv4, or IPv6 with an IPv4-mapped address seen as IPv4).
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        // `::ffff:10.0.0.1` is how a dual-stack socket reports an IPv4 peer.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }
}
