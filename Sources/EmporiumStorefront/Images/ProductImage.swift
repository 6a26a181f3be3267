import Foundation

/// A product's picture as a small local SVG, drawn from its name: a colour from the name's
/// hash, a simple shape and the product's initials. Deterministic, so it caches well and
/// looks the same on every instance; no image host needed.
enum ProductImage {
    static func path(slug: String) -> String {
        "/images/products/" + Paths.segment(slug) + ".svg"
    }

    static func svg(name: String) -> String {
        let hash = Self.fnv1a(name)
        let hue = Int(hash % 360)
        let shape = Int((hash / 360) % 3)
        let initials = name.split(separator: " ").prefix(2).compactMap(\.first).map(String.init).joined().uppercased()
        let figure: String
        switch shape {
        case 0: figure = #"<circle cx="200" cy="170" r="95" fill="hsl(\#(hue),45%,82%)"/>"#
        case 1: figure = #"<rect x="110" y="80" width="180" height="180" rx="28" fill="hsl(\#(hue),45%,82%)"/>"#
        default: figure = #"<path d="M200 60 L320 260 L80 260 Z" fill="hsl(\#(hue),45%,82%)"/>"#
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" aria-label="\(Self.escape(name))">\
            <rect width="400" height="400" fill="hsl(\(hue),55%,94%)"/>\(figure)\
            <text x="200" y="200" text-anchor="middle" dominant-baseline="central" font-family="system-ui,sans-serif" \
            font-size="72" font-weight="700" fill="hsl(\(hue),40%,30%)">\(Self.escape(initials))</text>\
            <text x="200" y="330" text-anchor="middle" font-family="system-ui,sans-serif" font-size="22" \
            fill="hsl(\(hue),30%,25%)">\(Self.escape(String(name.prefix(28))))</text></svg>
            """
    }

    /// XML text and attribute escaping.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
