public import Configuration

/// Reads settings as text and parses them here, so a malformed value (`EMPORIUM_PORT=abc`)
/// stops the process with a message naming the key instead of silently using a default.
public struct SettingsReader: Sendable {
    let reader: ConfigReader

    public init(_ reader: ConfigReader) {
        self.reader = reader
    }

    public func string(_ key: String, isSecret: Bool = false) -> String? {
        // Flags and the environment give text; a JSON settings file may give a number or
        // a boolean, read here as its text so one parser validates every layer.
        let key = ConfigKey(key)
        let value = self.reader.string(forKey: key, isSecret: isSecret)
            ?? self.reader.int(forKey: key, isSecret: isSecret).map(String.init)
            ?? self.reader.bool(forKey: key, isSecret: isSecret).map(String.init)
        guard let value, !value.isEmpty else { return nil }
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

extension SettingsReader {
    /// Emporium's settings (the keys under `emporium.`) of a layered reader.
    public init(emporium reader: ConfigReader) {
        self.init(reader.scoped(to: "emporium"))
    }
}
