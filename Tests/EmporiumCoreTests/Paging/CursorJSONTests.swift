import Crypto
@testable import EmporiumCore
import EmporiumTesting
import Foundation
import Testing

/// The hand-written cursor payload coder against Foundation's: what it writes is JSON
/// `JSONDecoder` reads as the same cursor, what `JSONEncoder` wrote (cursors handed out by
/// earlier builds) still decodes, and the fast reader never reads a payload differently from
/// `JSONDecoder` — it either agrees or declines.
@Suite struct CursorJSONTests {
    static let key = SymmetricKey(size: .bits256)

    static let texts = [
        "", "a", "Crème brûlée torch", "🧁 cupcake", "quote \" inside", #"back\slash"#, "tab\tand\nnewline",
        "slash / too", "\u{1}\u{1F}", "日本語の名前", String(repeating: "z", count: 300),
        "\u{0}nul", "del\u{7F}", "line\u{2028}separator", "\u{FEFF}bom", "decomposed e\u{301}", "composed \u{E9}", "𝄞 clef",
    ]

    static func cursors() -> [PageCursor] {
        var cursors: [PageCursor] = []
        for text in texts {
            cursors.append(PageCursor(sort: "name", text: text, id: "prd_\(text.utf8.count)"))
            cursors.append(PageCursor(sort: "name", text: text, id: text))
        }
        for number in [0, 1, -1, 42, 1_999, Int.max, Int.min, Int.max - 1, Int.min + 1] {
            cursors.append(PageCursor(sort: "price", number: number, id: "prd_9"))
            cursors.append(PageCursor(sort: "-price", text: "x", number: number, id: ""))
        }
        cursors.append(PageCursor(sort: "orders", number: 7, id: ""))
        // Seeded, so a failure reproduces; scalars from the whole range, surrogates skipped.
        var generator = SeededGenerator(seed: 20261202)
        for _ in 0..<500 {
            let length = Int.random(in: 0...24, using: &generator)
            let scalars = (0..<length).compactMap { _ in
                Unicode.Scalar(Bool.random(using: &generator) ? UInt32.random(in: 0...0x7F, using: &generator) : UInt32.random(in: 0...0x10FFFF, using: &generator))
            }
            let text = String(String.UnicodeScalarView(scalars))
            let number = Bool.random(using: &generator) ? Int.random(in: Int.min...Int.max, using: &generator) : nil
            cursors.append(PageCursor(sort: "name", text: text, number: number, id: text))
        }
        return cursors
    }

    /// Equal byte for byte: `String.==` ignores Unicode normalisation, SQLite compares bytes,
    /// so a coder that changed é's spelling would resume a list at the wrong place.
    static func same(_ a: PageCursor, _ b: PageCursor) -> Bool {
        a.sort == b.sort && a.number == b.number && Array(a.id.utf8) == Array(b.id.utf8)
            && a.text.map { Array($0.utf8) } == b.text.map { Array($0.utf8) }
    }

    @Test func whatTheWriterWritesJSONDecoderReadsAsTheSameCursor() throws {
        for cursor in Self.cursors() {
            let payload = CursorJSON.write(cursor)
            #expect(Self.same(try JSONDecoder().decode(PageCursor.self, from: Data(payload)), cursor))
            // Read back by the fast reader unless a string needed an escape.
            if let read = CursorJSON.read(payload) {
                #expect(Self.same(read, cursor))
            } else {
                #expect(payload.contains(UInt8(ascii: "\\")))
            }
            #expect(Self.same(try PageCursor.decode(cursor.encoded(signingKey: Self.key), sort: cursor.sort, signingKey: Self.key), cursor))
        }
    }

    /// Cursors an earlier build signed (`JSONEncoder`, members in whatever order it chose,
    /// `/` escaped) resume as before.
    @Test func cursorsJSONEncoderWroteStillDecode() throws {
        for sortedKeys in [false, true] {
            let encoder = JSONEncoder()
            if sortedKeys { encoder.outputFormatting = [.sortedKeys] }
            for cursor in Self.cursors() {
                let json = try encoder.encode(cursor)
                if let read = CursorJSON.read(Array(json)) { #expect(Self.same(read, cursor)) }
                let payload = Base64URL.encode(json)
                let signature = HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: Self.key)
                let token = payload + "." + Base64URL.encode(Data(signature))
                #expect(Self.same(try PageCursor.decode(token, sort: cursor.sort, signingKey: Self.key), cursor))
            }
        }
    }

    /// Shapes the writer never makes: the fast reader declines every one (JSONDecoder then
    /// decides), it never guesses.
    @Test(arguments: [
        #"{"sort":"name","id":"a"} "#, #" {"sort":"name","id":"a"}"#, #"{"sort": "name","id":"a"}"#,
        #"{"sort":"name","text":null,"id":"a"}"#, #"{"sort":"name","id":"a","extra":1}"#,
        #"{"sort":"name","sort":"price","id":"a"}"#, #"{"sort":"name","number":01,"id":"a"}"#,
        #"{"sort":"name","number":1.5,"id":"a"}"#, #"{"sort":"name","number":1e3,"id":"a"}"#,
        #"{"sort":"name","number":9223372036854775808,"id":"a"}"#, #"{"sort":"name","number":-,"id":"a"}"#,
        #"{"sort":"name"}"#, #"{"id":"a"}"#, #"{"sort":"na\u006de","id":"a"}"#, #"{"sort":"name","id":"a""#,
        #"{"sort":"name","id":"a"}}"#, #"{"sort":"name",,"id":"a"}"#, "{}", "", "[]", #"{"sort":1,"id":"a"}"#,
    ])
    func readerDeclinesOtherShapes(_ json: String) {
        #expect(CursorJSON.read(Array(json.utf8)) == nil)
    }

    @Test func readerTakesTheExtremes() {
        #expect(CursorJSON.read(Array(#"{"sort":"p","number":-9223372036854775808,"id":""}"#.utf8))?.number == Int.min)
        #expect(CursorJSON.read(Array(#"{"id":"x","number":9223372036854775807,"sort":"p"}"#.utf8))?.number == Int.max)
        #expect(CursorJSON.read(Array(#"{"sort":"p","number":-0,"id":""}"#.utf8))?.number == 0)
        #expect(CursorJSON.read([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x22, 0x22, 0x7D]) == nil)
    }
}
