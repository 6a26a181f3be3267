import Crypto
@testable import EmporiumCore
import Foundation
import HTTPTypes
import Testing

@Suite struct PagingTests {
    static let key = SymmetricKey(size: .bits256)

    @Test func cursorRoundTrips() throws {
        let cursor = PageCursor(sort: "name", text: "crème brûlée torch", id: "prd_1")
        let decoded = try PageCursor.decode(cursor.encoded(signingKey: Self.key), sort: "name", signingKey: Self.key)
        #expect(decoded == cursor)
        #expect(!cursor.encoded(signingKey: Self.key).contains("="))
    }

    @Test(arguments: ["", ".", "not-base64!", "e30", "e30.", "eyJzb3J0IjoibmFtZSJ9", String(repeating: "A", count: 2000)])
    func malformedCursorsAre400(_ raw: String) {
        expectBadRequest(naming: "cursor") { try PageCursor.decode(raw, sort: "name", signingKey: Self.key) }
    }

    @Test func cursorFromAnotherSortIsRejected() {
        let cursor = PageCursor(sort: "price", number: 100, id: "prd_1").encoded(signingKey: Self.key)
        expectBadRequest(naming: "cursor") { try PageCursor.decode(cursor, sort: "name", signingKey: Self.key) }
    }

    /// A cursor is only good if this installation signed it: an unsigned payload (the old
    /// format), an edited payload, a made-up signature or another key's cursor is a 400.
    @Test func forgedOrAlteredCursorsAre400() throws {
        let genuine = PageCursor(sort: "price", number: 100, id: "prd_1").encoded(signingKey: Self.key)
        let parts = genuine.split(separator: ".").map(String.init)
        #expect(parts.count == 2)
        let forgedPayload = Base64URL.encode(Data(#"{"sort":"price","number":-1,"id":""}"#.utf8))
        let otherKey = PageCursor(sort: "price", number: 100, id: "prd_1").encoded(signingKey: SymmetricKey(size: .bits256))
        // A character in the middle: every one of its 6 bits is part of the MAC.
        let middle = parts[1].index(parts[1].startIndex, offsetBy: 10)
        let flipped = String(parts[1][..<middle]) + (parts[1][middle] == "A" ? "B" : "A") + String(parts[1][parts[1].index(after: middle)...])
        // The last character of a 32-byte MAC carries 2 unused bits; spelling them otherwise
        // is the same MAC but not the cursor handed out.
        let last = parts[1].last.map { $0 == "A" ? "B" : "A" } ?? "A"
        for forged in [
            parts[0],
            forgedPayload + "." + parts[1],
            parts[0] + "." + flipped,
            parts[0] + "." + String(parts[1].dropLast()) + String(last),
            parts[0] + "." + Base64URL.encode(Data(repeating: 0, count: 32)),
            otherKey,
            genuine + ".x",
            parts[0] + "=." + parts[1],
        ] {
            expectBadRequest(naming: "cursor") { try PageCursor.decode(forged, sort: "price", signingKey: Self.key) }
        }
        #expect(try PageCursor.decode(genuine, sort: "price", signingKey: Self.key).number == 100)
    }

    @Test(arguments: [("1", 1), ("100", 100), ("20", 20)])
    func limitsInRangeParse(_ raw: String, _ expected: Int) throws {
        #expect(try PageLimit.parse(raw) == expected)
    }

    @Test(arguments: ["0", "101", "-1", "abc", "1.5", ""])
    func limitsOutOfRangeAre400(_ raw: String) {
        #expect(throws: Problem.self) { try PageLimit.parse(raw) }
    }

    @Test func limitDefaultsTo20() throws {
        #expect(try PageLimit.parse(nil) == 20)
    }
}
