import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One request of the load generator, answered or not: it never throws, so a refused or
/// timed-out request is an outcome to count, not an end of the run.
struct LoadHTTP: Sendable {
    let http: HTTPClient
    let base: String
    let timeout: TimeAmount

    struct Answer: Sendable {
        /// nil when no response came (timeout, refused connection).
        var status: Int?
        var body: ByteBuffer?
        /// What went wrong, as the report's error key: the status code, "timeout" or "no response".
        var failure: String?
        /// Retry-After in seconds, on 429 and 503.
        var retryAfter: Double?
        var ok: Bool { self.failure == nil }

        func json() -> [String: Any] {
            guard let body = self.body else { return [:] }
            return (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
        }
    }

    private static let timeouts: [HTTPClientError] = [.deadlineExceeded, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout]

    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, key: String? = nil, body: [String: Any]? = nil) async -> Answer {
        var request = HTTPClientRequest(url: self.base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        if let body, let data = try? JSONSerialization.data(withJSONObject: body) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: data))
        }
        do {
            // The deadline covers the body too: a response that trickles in is a timeout.
            let response = try await self.http.execute(request, deadline: .now() + self.timeout)
            let bytes = try await response.body.collect(upTo: 8 << 20)
            let status = Int(response.status.code)
            return Answer(
                status: status, body: bytes, failure: (200..<300).contains(status) ? nil : String(status),
                retryAfter: response.headers.first(name: "Retry-After").flatMap(Double.init)
            )
        } catch let error as HTTPClientError where Self.timeouts.contains(error) {
            return Answer(failure: "timeout")
        } catch {
            return Answer(failure: "no response")
        }
    }
}

extension LoadHTTP {
    /// A whole URL's body as text (a metrics page), nil on any failure.
    func text(_ url: String) async -> String? {
        guard let response = try? await self.http.execute(HTTPClientRequest(url: url), deadline: .now() + self.timeout),
            response.status == .ok, let body = try? await response.body.collect(upTo: 16 << 20)
        else { return nil }
        return String(buffer: body)
    }
}

/// A value that goes in a query string: opaque cursors carry `+`, `/` and `=`.
func queryEscaped(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}
