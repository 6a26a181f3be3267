import Foundation

/// A peer's gRPC addresses, `host:port[,host:port…]` (`EMPORIUM_CATALOG_GRPC=10.0.0.5:9091,10.0.0.6:9091`).
/// One address may be a DNS name (resolved by gRPC, every address it returns used round
/// robin); several must be IP literals, which are balanced round robin.
public struct RPCEndpoints: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        public let host: String
        public let port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public let endpoints: [Endpoint]

    public init(parsing text: String, key: String) throws {
        var endpoints: [Endpoint] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: .whitespaces)
            // `[::1]:9090` for IPv6, `host:9090` otherwise.
            let host: Substring
            let portText: Substring
            if item.hasPrefix("["), let close = item.firstIndex(of: "]") {
                host = item[item.index(after: item.startIndex)..<close]
                let rest = item[item.index(after: close)...]
                guard rest.hasPrefix(":") else { throw Self.invalid(key, text) }
                portText = rest.dropFirst()
            } else {
                guard let colon = item.lastIndex(of: ":") else { throw Self.invalid(key, text) }
                host = item[..<colon]
                portText = item[item.index(after: colon)...]
            }
            guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else {
                throw Self.invalid(key, text)
            }
            endpoints.append(Endpoint(host: String(host), port: port))
        }
        guard !endpoints.isEmpty else { throw Self.invalid(key, text) }
        if endpoints.count > 1, !endpoints.allSatisfy({ Self.isIPv4($0.host) }) && !endpoints.allSatisfy({ $0.host.contains(":") }) {
            throw ConfigurationError.invalid(
                key: key,
                reason: "several addresses must all be IPv4 or all IPv6 literals (one DNS name is fine): \(text)"
            )
        }
        self.endpoints = endpoints
    }

    /// Whether `host` (an IP literal or `localhost`) only reaches this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || (self.isIPv4(host) && host.hasPrefix("127."))
    }

    static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    private static func invalid(_ key: String, _ text: String) -> ConfigurationError {
        .invalid(key: key, reason: "expected host:port[,host:port…], got \(text)")
    }
}
