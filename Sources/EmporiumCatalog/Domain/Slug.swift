import Foundation

/// URL slugs: lowercase ASCII letters and digits in hyphen-separated words.
public enum Slug {
    static var pattern: Regex<(Substring, Substring?)> { /^[a-z0-9]+(-[a-z0-9]+)*$/ }

    public static func isValid(_ slug: String) -> Bool {
        slug.utf8.count <= 100 && slug.wholeMatch(of: self.pattern) != nil
    }

    /// Derives a slug from a name: accents folded ("Crème" → "creme"), everything else
    /// that is not a letter or digit becomes a hyphen. Empty when nothing ASCII remains.
    public static func derive(from name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var slug = ""
        var pendingHyphen = false
        for scalar in folded.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return String(slug.prefix(100)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
