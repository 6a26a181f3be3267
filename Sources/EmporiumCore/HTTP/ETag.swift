public import Foundation

/// Entity tags from a representation's bytes (64-bit FNV-1a): the same bytes give the same
/// tag in every instance, so caches and conditional requests work behind a load balancer.
public enum ETag {
    public static func strong(for body: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// `If-None-Match` semantics (RFC 9110 §13.1.2): `*` or any listed tag, compared weakly.
    public static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}
