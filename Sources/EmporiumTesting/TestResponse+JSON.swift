import Foundation
public import HTTPTypes
public import HummingbirdTesting
public import NIOCore
public import Testing

/// JSON and problem+json helpers shared by every service's HTTP tests.
extension TestResponse {
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body.readableBytesView), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
    }

    public var items: [[String: Any]] {
        self.json["items"] as? [[String: Any]] ?? []
    }

    /// Asserts an RFC 9457 problem with this status, and returns its members.
    @discardableResult
    public func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        #expect(self.status == status, "body: \(String(buffer: self.body))", sourceLocation: sourceLocation)
        #expect(self.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let json = self.json
        #expect(json["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((json["type"] as? String)?.hasPrefix("https://") == true, sourceLocation: sourceLocation)
        #expect(json["title"] is String && json["detail"] is String, sourceLocation: sourceLocation)
        return json
    }

    public var errorFields: [String] {
        (self.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}

extension ByteBuffer {
    public static func json(_ object: Any) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
