/// A cursor's payload JSON, written and read by hand: Foundation's coders were ~11% of an
/// uncached list page's CPU. The writer always emits one shape — `{"sort":…,"text":…,
/// "number":…,"id":…}`, absent optionals left out, as the synthesized `Codable` would — and
/// the reader takes exactly that shape in any member order. Anything else (whitespace,
/// escapes, `null`, unknown members: what an older build's `JSONEncoder` may have written)
/// makes `read` return nil and the caller falls back to `JSONDecoder`, so every cursor
/// handed out before still resumes. Payloads are HMAC-checked before they are read, so
/// the reader only ever sees JSON this installation wrote.
enum CursorJSON {
    static func write(_ cursor: PageCursor) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + cursor.sort.utf8.count + (cursor.text?.utf8.count ?? 0) + cursor.id.utf8.count)
        out.append(contentsOf: #"{"sort":"#.utf8)
        appendString(cursor.sort, to: &out)
        if let text = cursor.text {
            out.append(contentsOf: #","text":"#.utf8)
            appendString(text, to: &out)
        }
        if let number = cursor.number {
            out.append(contentsOf: #","number":"#.utf8)
            out.append(contentsOf: String(number).utf8)
        }
        out.append(contentsOf: #","id":"#.utf8)
        appendString(cursor.id, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The cursor in `bytes` if they have the writer's shape, else nil (not an error: the
    /// caller asks `JSONDecoder`, which decides).
    static func read(_ bytes: [UInt8]) -> PageCursor? {
        var reader = Reader(bytes: bytes)
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        var sort: String?
        var text: String?
        var number: Int?
        var id: String?
        repeat {
            guard let key = reader.string() else { return nil }
            guard reader.take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "sort" where sort == nil:
                guard let value = reader.string() else { return nil }
                sort = value
            case "text" where text == nil:
                guard let value = reader.string() else { return nil }
                text = value
            case "id" where id == nil:
                guard let value = reader.string() else { return nil }
                id = value
            case "number" where number == nil:
                guard let value = reader.integer() else { return nil }
                number = value
            default:
                return nil
            }
        } while reader.take(UInt8(ascii: ","))
        guard reader.take(UInt8(ascii: "}")), reader.atEnd, let sort, let id else { return nil }
        return PageCursor(sort: sort, text: text, number: number, id: id)
    }

    private static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                // \u00XX: JSON allows no raw control characters in a string.
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { self.index == self.bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
            self.index += 1
            return true
        }

        /// A string without escapes (the writer escapes only `"`, `\` and control
        /// characters; a cursor holding one is left to `JSONDecoder`).
        mutating func string() -> String? {
            guard self.take(UInt8(ascii: "\"")) else { return nil }
            let start = self.index
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                if byte == UInt8(ascii: "\"") {
                    let value = String(validating: self.bytes[start..<self.index], as: UTF8.self)
                    self.index += 1
                    return value
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                self.index += 1
            }
            return nil
        }

        /// An integer as JSON writes one: optional minus, no leading zeros, no fraction or
        /// exponent, within `Int`.
        mutating func integer() -> Int? {
            let negative = self.take(UInt8(ascii: "-"))
            let start = self.index
            var value = 0
            while self.index < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index]) {
                let digit = Int(self.bytes[self.index] - UInt8(ascii: "0"))
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                // Accumulated as a negative number so Int.min fits.
                let (next, overflow2) = times10.subtractingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { return nil }
                value = next
                self.index += 1
            }
            let length = self.index - start
            guard length > 0, length == 1 || self.bytes[start] != UInt8(ascii: "0") else { return nil }
            if self.index < self.bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(self.bytes[self.index]) {
                return nil
            }
            if negative { return value }
            let (positive, overflow) = (0).subtractingReportingOverflow(value)
            return overflow ? nil : positive
        }
    }
}
