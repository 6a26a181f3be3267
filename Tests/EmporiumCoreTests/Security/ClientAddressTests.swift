@testable import EmporiumCore
import Testing

@Suite struct ClientAddressTests {
    static func trusted(_ text: String) throws -> TrustedProxies {
        try TrustedProxies.parse(text).get()
    }

    @Test func untrustedPeersAreTheClient() {
        #expect(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["1.2.3.4"], trustedProxies: .none) == "10.0.0.5")
    }

    @Test func trustedProxiesPassOnTheRightmostUntrustedHop() throws {
        let trusted = try Self.trusted("10.0.0.1, 10.0.0.2")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["6.6.6.6, 1.2.3.4"], trustedProxies: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["1.2.3.4", "10.0.0.2"], trustedProxies: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: [], trustedProxies: trusted) == "10.0.0.1")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["1.2.3.4"], trustedProxies: trusted) == nil)
        #expect(ClientAddress.resolve(peer: "10.0.0.3", forwardedFor: ["1.2.3.4"], trustedProxies: trusted) == "10.0.0.3")
    }

    /// An ingress controller's pods change address; the network they come from does not.
    @Test func networksAreTrustedByPrefix() throws {
        let trusted = try Self.trusted("10.244.0.0/16,fd00::/8,192.168.1.7")
        #expect(trusted.contains("10.244.3.9") && trusted.contains("10.244.255.255"))
        #expect(!trusted.contains("10.245.0.1") && !trusted.contains("10.243.255.255"))
        #expect(trusted.contains("fd12:3456::1") && !trusted.contains("fe80::1"))
        #expect(trusted.contains("192.168.1.7") && !trusted.contains("192.168.1.8"))
        // A dual-stack socket reports an IPv4 peer as IPv4-mapped IPv6.
        #expect(trusted.contains("::ffff:10.244.0.12"))
        #expect(!trusted.contains("not-an-address") && !trusted.contains(""))
        #expect(try Self.trusted("10.1.2.3/20").contains("10.1.15.255") && !(try Self.trusted("10.1.2.3/20")).contains("10.1.16.0"))
        #expect(try Self.trusted("0.0.0.0/0").contains("203.0.113.9"))
        #expect(ClientAddress.resolve(peer: "10.244.1.5", forwardedFor: ["203.0.113.9, 10.244.2.2"], trustedProxies: trusted) == "203.0.113.9")
    }

    @Test func entriesThatAreNeitherAddressesNorNetworksAreRefused() {
        for bad in ["nginx", "10.0.0.0/33", "10.0.0.0/", "fd00::/129", "10.0.0.1/-1", "1.2.3"] {
            #expect(throws: TrustedProxies.InvalidEntry(entry: bad)) { try TrustedProxies.parse("127.0.0.1, \(bad)").get() }
        }
    }
}
