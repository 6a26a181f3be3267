/// A setting that is missing or malformed: the process refuses to start and says which.
public enum ConfigurationError: Error, CustomStringConvertible {
    case invalid(key: String, reason: String)
    case missing(key: String)

    public var description: String {
        switch self {
        case .invalid(let key, let reason): "Invalid setting \(key): \(reason)"
        case .missing(let key): "Missing setting \(key)"
        }
    }
}
