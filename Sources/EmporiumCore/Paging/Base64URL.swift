/// base64url without padding (RFC 4648 §5), byte by byte: Foundation's base64 plus
/// `replacingOccurrences` for the alphabet went through NSString and was a quarter of an
/// uncached list page's CPU (a cursor is decoded, re-encoded for the cache key and a new
/// one encoded per page).
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let count = (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: count) { output in
            var written = 0
            var index = 0
            while index + 3 <= input.count {
                let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                for shift in [18, 12, 6, 0] {
                    output[written] = self.alphabet[Int(group >> UInt32(shift) & 0x3f)]
                    written += 1
                }
                index += 3
            }
            let rest = input.count - index
            if rest > 0 {
                let group = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                for shift in [18, 12, 6].prefix(rest + 1) {
                    output[written] = self.alphabet[Int(group >> UInt32(shift) & 0x3f)]
                    written += 1
                }
            }
            return written
        }
    }

    /// The bytes, or nil unless `text` is the one canonical spelling of them: only the URL
    /// alphabet, no padding, no impossible length, and zero unused bits in a final partial
    /// group (decoders ignore those bits, so otherwise several strings would decode to one
    /// value, and a signed cursor is also a cache key).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count * 3 / 4)
        var group: UInt32 = 0
        var bits = 0
        for byte in utf8 {
            guard let value = Self.value(of: byte) else { return nil }
            group = group << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: group >> UInt32(bits)))
                group &= (1 << UInt32(bits)) - 1
            }
        }
        return group == 0 ? output : nil
    }

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
