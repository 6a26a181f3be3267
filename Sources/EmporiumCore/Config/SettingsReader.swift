public import Configuration

/// Reads settings as text and parses them here, so a malformed value (`EMPORIUM_PORT=abc`)
/// stops the process with a message naming the key instead of silently using a default.
public struct SettingsReader: Sendable {
    let reader: ConfigReader

    public init(_ reader: ConfigReader) {
        self.reader = reader
    }

    public func string(_ key: String, isSecret: Bool = false) -> String? {
        guard let value = self.reader.string(forKey: ConfigKey(key), isSecret: isSecret), !value.isEmpty else {
            return nil
        }
        return value
    }

    public func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = self.string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError.invalid(key: key, reason: "\(text) is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    public func bool(_ key: String) throws -> Bool? {
        guard let text = self.string(key) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError.invalid(key: key, reason: "\(text) is not true or false")
        }
    }
}
