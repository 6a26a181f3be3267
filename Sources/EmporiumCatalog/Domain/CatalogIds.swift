/// The shape of the ids the catalog hands out (`Identifier.make`: a prefix, `_`, 24
/// lowercase hex digits). Anything else cannot name a catalog resource, so it is answered
/// without touching the database or the response cache.
enum CatalogIds {
    static let product = "prd"
    static let category = "cat"

    static func isWellFormed(_ id: String, prefix: String) -> Bool {
        let utf8 = id.utf8
        guard utf8.count == prefix.utf8.count + 1 + 24, id.hasPrefix(prefix + "_") else { return false }
        return utf8.dropFirst(prefix.utf8.count + 1).allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }
}
