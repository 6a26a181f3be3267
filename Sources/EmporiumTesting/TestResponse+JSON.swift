import Foundation
public import HTTPTypes
public import HummingbirdTesting
public import NIOCore
public import Testing

/// problem+json checks and raw JSON shared by every service's HTTP tests.
extension TestResponse {
    /// The body as an untyped JSON object, for the few checks that are about the raw JSON
    /// itself (a member that must be `null` or absent, the exact set of members); anything
    /// else decodes an `API` body with `decode(_:)`.
    public var rawJSON: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body.readableBytesView), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
    }

    /// Asserts an RFC 9457 problem with this status (a `type` URL, a `title` and a `detail`),
    /// and returns it (nil when the body is no problem, which fails the test).
    @discardableResult
    public func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) -> API.Problem? {
        #expect(self.status == status, "body: \(String(buffer: self.body))", sourceLocation: sourceLocation)
        #expect(self.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try? self.decode(API.Problem.self)
        #expect(problem != nil, "not a problem with type, title, status and detail: \(String(buffer: self.body))", sourceLocation: sourceLocation)
        #expect(problem?.status == Int(status.code), sourceLocation: sourceLocation)
        #expect(problem?.type.hasPrefix("https://") == true, sourceLocation: sourceLocation)
        return problem
    }

    /// The `field` of each of a validation problem's `errors`.
    public var errorFields: [String] {
        ((try? self.decode(API.Problem.self))?.errors ?? []).map(\.field)
    }
}

extension ByteBuffer {
    public static func json(_ object: Any) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
