import Crypto
import EmporiumCore
import Foundation
import Testing

@Suite struct HexTests {
    @Test func encodesEveryByteAsFoundationDoes() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.encode([UInt8]()) == "")
        let digest = SHA256.hash(data: Data("emporium".utf8))
        #expect(Hex.encode(digest) == digest.map { String(format: "%02x", $0) }.joined())
    }
}
