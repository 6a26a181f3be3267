import Foundation
import HTTPTypes

/// The client a login comes from, for the per-address limit. Behind NGINX the TCP peer is
/// the proxy, and every shopper would share its limit; so when the peer is a trusted proxy
/// the address comes from `X-Forwarded-For`: the rightmost entry that is not itself a
/// trusted proxy (entries further left are whatever the client chose to send).
enum ClientAddress {
    static func resolve(peer: String?, forwardedFor: [String], trustedProxies: TrustedProxies) -> String? {
        guard let peer, trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last { !$0.isEmpty && !trustedProxies.contains($0) } ?? peer
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
