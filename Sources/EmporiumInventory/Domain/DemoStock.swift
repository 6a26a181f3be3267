/// Deterministic stock for the demo catalog: most SKUs between 10 and 199 units, about one
/// in twenty-five sold out, so the shop shows both.
public enum DemoStock {
    public static func quantity(for sku: String) -> Int {
        // FNV-1a: stable across runs and platforms, unlike `hashValue`.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sku.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash % 25 == 0 ? 0 : 10 + Int(hash % 190)
    }
}
