/// Deterministic stock for the demo catalog: every SKU between 10 and 199 units, so every
/// seeded product can be bought (API.md: "every SKU in stock"). Sold-out cases belong in
/// tests, which set their own stock.
public enum DemoStock {
    public static func quantity(for sku: String) -> Int {
        // FNV-1a: stable across runs and platforms, unlike `hashValue`.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sku.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return 10 + Int(hash % 190)
    }
}
