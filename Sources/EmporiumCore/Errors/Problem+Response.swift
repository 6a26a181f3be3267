public import Foundation
public import HTTPTypes
public import Hummingbird

extension Problem: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response()
    }

    /// The problem+json response; never throws, so it can render any failure.
    public func response() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        let body = ProblemBody(problem: self)
        let data = (try? ProblemBody.encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The wire shape of a problem: RFC 9457 members plus `errors` and any extensions.
private struct ProblemBody: Encodable {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    let problem: Problem

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in self.problem.extensions {
            try container.encode(value, forKey: Key(key))
        }
        try container.encode(self.problem.type, forKey: Key("type"))
        try container.encode(self.problem.title, forKey: Key("title"))
        try container.encode(Int(self.problem.status.code), forKey: Key("status"))
        try container.encode(self.problem.detail, forKey: Key("detail"))
        if !self.problem.errors.isEmpty {
            try container.encode(self.problem.errors, forKey: Key("errors"))
        }
    }
}
