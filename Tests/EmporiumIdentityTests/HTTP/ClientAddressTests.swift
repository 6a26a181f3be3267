@testable import EmporiumIdentity
import Testing

@Suite struct ClientAddressTests {
    @Test func untrustedPeersAreTheClient() {
        #expect(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["1.2.3.4"], trustedProxies: []) == "10.0.0.5")
    }

    @Test func trustedProxiesPassOnTheRightmostUntrustedHop() {
        let trusted: Set = ["10.0.0.1", "10.0.0.2"]
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["6.6.6.6, 1.2.3.4"], trustedProxies: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["1.2.3.4", "10.0.0.2"], trustedProxies: trusted) == "1.2.3.4")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: [], trustedProxies: trusted) == "10.0.0.1")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["1.2.3.4"], trustedProxies: trusted) == nil)
    }
}
