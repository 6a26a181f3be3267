/// The one definition of a well-formed SKU, for every service that accepts one: 1–64
/// ASCII letters, digits, '.', '_' or '-', starting with a letter or digit. A malformed SKU
/// is rejected before it reaches a query or another service.
public enum SKU {
    public static let rule = "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit"

    public static func isValid(_ sku: String) -> Bool {
        let bytes = sku.utf8
        guard let first = bytes.first, bytes.count <= 64, Self.isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { Self.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: false
        }
    }
}
