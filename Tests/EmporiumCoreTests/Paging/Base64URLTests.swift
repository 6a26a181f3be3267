@testable import EmporiumCore
import Foundation
import Testing

/// base64url as cursors spell it: Foundation's base64 with the URL alphabet and no padding,
/// and exactly one accepted spelling per value.
@Suite struct Base64URLTests {
    static func foundation(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test func encodesAsFoundationDoesAndDecodesBack() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
                let encoded = Base64URL.encode(bytes)
                #expect(encoded == Self.foundation(bytes))
                #expect(Base64URL.decode(encoded) == bytes)
            }
        }
        #expect(Base64URL.encode([UInt8]([0xfb, 0xff, 0xbf])) == "-_-_")
    }

    @Test(arguments: [
        "A",  // a length no encoding has
        "QR",  // "Q" plus non-zero unused bits: "QQ" is the one spelling of 0x41
        "QUI=",  // padding
        "a+b/", "ab c", "ab.c", "é",
    ])
    func nonCanonicalOrForeignSpellingsAreRefused(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func canonicalShortForms() {
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])
    }
}
