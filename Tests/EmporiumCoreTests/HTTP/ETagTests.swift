import EmporiumCore
import Foundation
import Testing

@Suite struct ETagTests {
    @Test func sameBytesSameTagDifferentBytesDifferentTag() {
        let a = ETag.strong(for: Data("{\"a\":1}".utf8))
        #expect(a == ETag.strong(for: Data("{\"a\":1}".utf8)))
        #expect(a != ETag.strong(for: Data("{\"a\":2}".utf8)))
        #expect(a.hasPrefix("\"") && a.hasSuffix("\"") && a.count == 18)
    }

    @Test func ifNoneMatchHandlesListsWildcardAndWeakTags() {
        let tag = "\"0123456789abcdef\""
        #expect(ETag.matches(tag, tag))
        #expect(ETag.matches("\"x\", \(tag)", tag))
        #expect(ETag.matches("W/\(tag)", tag))
        #expect(ETag.matches("*", tag))
        #expect(!ETag.matches("\"other\"", tag))
    }
}
