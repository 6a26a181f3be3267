import Foundation
public import HTTPTypes

/// The client a request comes from, for per-address limits (identity's login limits, the
/// address the storefront passes on for its shoppers). Behind NGINX the TCP peer is
/// the proxy, and every shopper would share its limit; so when the peer is a trusted proxy
/// the address comes from `X-Forwarded-For`: the rightmost entry that is not itself a
/// trusted proxy (entries further left are whatever the client chose to send).
public enum ClientAddress {
    public static func resolve(peer: String?, forwardedFor: [String], trustedProxies: TrustedProxies) -> String? {
        guard let peer, trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last { !$0.isEmpty && !trustedProxies.contains($0) } ?? peer
    }
}

extension HTTPField.Name {
    public static let xForwardedFor = Self("X-Forwarded-For")!
}

extension ClientAddress {
    /// `text` as one spelling per address (`10.0.0.1` for `::ffff:10.0.0.1`, `::1` for
    /// `0:0::1`), so a shopper's attempts count under one subject however a caller writes
    /// it; nil when it is not an IP address.
    public static func canonical(_ text: String) -> String? {
        guard text.utf8.count <= 64, let bytes = TrustedProxies.bytes(text) else { return nil }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
