public import Foundation
public import HummingbirdTesting
import NIOCore

extension TestResponse {
    /// The body decoded as `type` (one of `API`'s bodies); throws, failing the test, when the
    /// body is not that shape.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(self.body.readableBytesView))
    }
}

extension LiveReply {
    /// The body decoded as `type` (one of `API`'s bodies).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: self.body)
    }
}
