import Crypto
import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// `Idempotency-Key` for the POST routes that opt in (a route group adds this after its auth
/// middleware, so the user is known): the first request with a key runs and its answer is
/// kept; a replay gets that answer again with `Idempotent-Replayed: true`; the same key with
/// a different request (method, path, body) is 422; while the first is still running, 409.
/// Keys are the user's own: another user's identical key is a different request. A 5xx is not kept (nothing was decided), so a retry runs the request again.
public struct IdempotencyMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext

    public static let maxKeyLength = 255

    let store: IdempotencyStore
    let retention: Duration
    let lease: Duration

    /// `lease`: how long a claim holds without an answer before a retry may take it over
    /// (longer than any request runs).
    public init(store: IdempotencyStore, retention: Duration = .seconds(86_400), lease: Duration = .seconds(60)) {
        self.store = store
        self.retention = retention
        self.lease = lease
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            throw Problem.badRequest("This request needs an Idempotency-Key header (1 to \(Self.maxKeyLength) characters), so a retry cannot repeat it.")
        }
        guard (1...Self.maxKeyLength).contains(key.count) else {
            throw Problem.badRequest("The Idempotency-Key header must be 1 to \(Self.maxKeyLength) characters.")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.bodyLimit)
        } catch is NIOTooManyBytesError {
            throw Problem.contentTooLarge(limit: context.bodyLimit)
        }
        let scope = context.principal?.userId ?? ""
        let fingerprint = Self.fingerprint(request, body: body)

        switch try await self.store.claim(scope: scope, key: key, fingerprint: fingerprint, now: Date(), retention: self.retention, lease: self.lease) {
        case .mismatch:
            throw Problem.validation(field: "Idempotency-Key", "was already used for a different request")
        case .inFlight:
            throw Problem.conflict("A request with this Idempotency-Key is still being processed; retry shortly.")
        case .replay(let stored):
            var headers: HTTPFields = [.idempotentReplayed: "true"]
            headers[.contentType] = stored.contentType
            return Response(status: .init(code: stored.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: stored.body)))
        case .claimed:
            break
        }

        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem where problem.status.code < 500 {
            // A refusal (402, 409, 422 …) is the request's answer too: keep and replay it.
            response = problem.response()
        } catch {
            try? await self.store.abandon(scope: scope, key: key, fingerprint: fingerprint)
            throw error
        }
        let collected = try await Self.collect(&response)
        if response.status.code < 500 {
            let stored = IdempotencyStore.StoredResponse(
                status: Int(response.status.code),
                contentType: response.headers[.contentType],
                body: String(buffer: collected)
            )
            try await self.store.complete(scope: scope, key: key, fingerprint: fingerprint, response: stored)
        } else {
            try? await self.store.abandon(scope: scope, key: key, fingerprint: fingerprint)
        }
        return response
    }

    /// SHA-256 over method, path and body: what makes one user's two requests "the same".
    /// A JSON body counts by its content, not its bytes (keys sorted, whitespace dropped):
    /// a client that serialises the same object with its keys in another order on a retry
    /// is sending the same request.
    static func fingerprint(_ request: Request, body: ByteBuffer) -> String {
        var hasher = SHA256()
        for part in [request.method.rawValue, request.uri.path] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: [0])
        }
        let bytes = Data(body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]),
            let canonical = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        {
            hasher.update(data: canonical)
        } else {
            hasher.update(data: bytes)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Reads the response body into memory (it is stored), leaving the response with the
    /// same bytes to send.
    static func collect(_ response: inout Response) async throws -> ByteBuffer {
        let collector = BodyCollector()
        try await response.body.write(collector)
        let buffer = collector.buffer
        response.body = .init(byteBuffer: buffer)
        return buffer
    }
}

/// A response-body writer that keeps what is written.
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension HTTPField.Name {
    public static let idempotentReplayed = Self("Idempotent-Replayed")!
}
