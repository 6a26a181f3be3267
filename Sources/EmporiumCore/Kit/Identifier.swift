/// Opaque resource ids: a short type prefix and 96 random bits (`prd_3f9c…`).
/// Random rather than sequential so ids reveal nothing about volume or order.
public enum Identifier {
    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + "_" + bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
