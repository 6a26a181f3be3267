/// One member of a JSON merge patch: left out, set to `null`, or set to a value.
public enum PatchField<Value: Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    public func map<T>(_ transform: (Value) -> T) -> PatchField<T> {
        switch self {
        case .absent: .absent
        case .null: .null
        case .value(let value): .value(transform(value))
        }
    }
}

extension KeyedDecodingContainer {
    public func decodePatch<T: Decodable & Sendable>(_ type: T.Type, forKey key: Key) throws -> PatchField<T> {
        guard self.contains(key) else { return .absent }
        if try self.decodeNil(forKey: key) { return .null }
        return .value(try self.decode(T.self, forKey: key))
    }
}
