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

    /// Bytes, not characters: the key is stored and compared as sent.
    public static let maxKeyLength = 255

    /// The response headers a replay repeats: where a created resource is (`Location`) and
    /// when to come back (`Retry-After`); the rest describe the connection, not the answer.
    static let replayedHeaders: [HTTPField.Name] = [.location, .retryAfter]

    /// What becomes of a secret field of the JSON body before it is fingerprinted.
    public enum Redaction: Sendable {
        /// Left out: the fingerprint does not depend on it at all (a card's CVC).
        case drop
        /// Only its last four characters count (a card number: what the order shows anyway).
        case lastFour
    }

    /// The installation secret the fingerprints are keyed with.
    static let fingerprintKeyName = "idempotency-fingerprint"

    let store: IdempotencyStore
    let secrets: InstallationSecrets
    let redacting: [String: Redaction]
    let retention: Duration
    let lease: Duration

    /// `secrets`: where the per-installation fingerprint key lives (the owning service's
    /// database, so every instance computes the same fingerprints). `redacting`: dotted
    /// paths of JSON body fields (`payment.card.number`) that must never reach the stored
    /// fingerprint, even hashed: kept for a day, a hash of a card number could be brute-
    /// forced from its BIN and last four. `lease`: how long a claim holds without an answer
    /// before a retry may take it over — longer than the request runs, unless the route has
    /// its own guard against running twice (checkout: the order under the key); the first
    /// answer is kept even if its claim was taken over meanwhile.
    public init(
        store: IdempotencyStore,
        secrets: InstallationSecrets,
        redacting: [String: Redaction] = [:],
        retention: Duration = .seconds(86_400),
        lease: Duration = .seconds(60)
    ) {
        self.store = store
        self.secrets = secrets
        self.redacting = redacting
        self.retention = retention
        self.lease = lease
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            throw Problem.badRequest("This request needs an Idempotency-Key header (1 to \(Self.maxKeyLength) visible ASCII characters), so a retry cannot repeat it.")
        }
        guard Self.isValidKey(key) else {
            throw Problem.badRequest("The Idempotency-Key header must be 1 to \(Self.maxKeyLength) visible ASCII characters (no spaces or control characters).")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.bodyLimit)
        } catch is NIOTooManyBytesError {
            throw Problem.contentTooLarge(limit: context.bodyLimit)
        }
        let scope = context.principal?.userId ?? ""
        let fingerprint = Self.fingerprint(request, body: body, key: try await self.secrets.key(named: Self.fingerprintKeyName), redacting: self.redacting)

        switch try await self.store.claim(scope: scope, key: key, fingerprint: fingerprint, now: Date(), retention: self.retention, lease: self.lease) {
        case .mismatch:
            throw Problem.validation(field: "Idempotency-Key", "was already used for a different request")
        case .inFlight:
            var problem = Problem.conflict("A request with this Idempotency-Key is still being processed; retry shortly.")
            problem.headers[.retryAfter] = "1"
            throw problem
        case .replay(let stored):
            var headers: HTTPFields = [.idempotentReplayed: "true"]
            headers[.contentType] = stored.contentType
            for name in Self.replayedHeaders {
                headers[name] = stored.headers[name.canonicalName]
            }
            return Response(status: .init(code: stored.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: stored.body)))
        case .claimed:
            break
        }

        var response: Response
        do {
            response = try await next(request, context)
        } catch let error where (Problem.answering(error)?.status.code ?? 500) < 500 {
            // A refusal (402, 409, 422 …) is the request's answer too: keep and replay it.
            response = (Problem.answering(error) ?? .internalError).response()
        } catch {
            try? await self.store.abandon(scope: scope, key: key, fingerprint: fingerprint)
            throw error
        }
        let collected = try await Self.collect(&response)
        if Self.isKept(response.status, headers: response.headers) {
            let stored = IdempotencyStore.StoredResponse(
                status: Int(response.status.code),
                contentType: response.headers[.contentType],
                body: String(buffer: collected),
                headers: Self.replayedHeaders.reduce(into: [:]) { kept, name in
                    kept[name.canonicalName] = response.headers[name]
                }
            )
            try await self.store.complete(scope: scope, key: key, fingerprint: fingerprint, response: stored, now: Date(), retention: self.retention)
        } else {
            try? await self.store.abandon(scope: scope, key: key, fingerprint: fingerprint)
        }
        return response
    }

    /// Whether an answer is the request's own and is replayed: not a 5xx (nothing was
    /// decided), not a 429 (API.md: a request refused for its rate was not run; a retry
    /// once the limit passes runs it), and no other refusal that asks to be retried with
    /// `Retry-After` (a 409 "still running": replayed, it would say so for a day, long
    /// after the work it waited for ended). A success's Retry-After (202) is kept with it.
    static func isKept(_ status: HTTPResponse.Status, headers: HTTPFields) -> Bool {
        guard status.code < 500, status != .tooManyRequests else { return false }
        return status.code < 400 || headers[.retryAfter] == nil
    }

    /// 1 to 255 bytes, each visible ASCII (0x21–0x7E): what every client can send and log
    /// unchanged, and a bound on what a key costs to store.
    public static func isValidKey(_ key: String) -> Bool {
        (1...Self.maxKeyLength).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// HMAC-SHA256, keyed with the installation's secret, over method, path and body: what
    /// makes one user's two requests "the same". A JSON body counts by its content, not its
    /// bytes (keys sorted, whitespace dropped): a client that serialises the same object with
    /// its keys in another order on a retry is sending the same request. The `redacting`
    /// fields are left out (or cut to their last four) first, so no card number or CVC ever
    /// goes into what is stored; a body that is not JSON counts byte for byte (by its length
    /// alone where fields are redacted).
    static func fingerprint(_ request: Request, body: ByteBuffer, key: SymmetricKey, redacting: [String: Redaction] = [:]) -> String {
        var hasher = HMAC<SHA256>(key: key)
        for part in [request.method.rawValue, request.uri.path] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: [0])
        }
        let bytes = Data(body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]),
            let canonical = try? JSONSerialization.data(withJSONObject: Self.redact(object, redacting), options: [.sortedKeys, .fragmentsAllowed])
        {
            hasher.update(data: canonical)
        } else if redacting.isEmpty {
            hasher.update(data: bytes)
        } else {
            // Not JSON, so the secret fields cannot be found in it: it counts by its length
            // only. (Such a body is a 400 whatever it holds.)
            hasher.update(data: Data("unparsed \(bytes.count)".utf8))
        }
        return Hex.encode(hasher.finalize())
    }

    /// `object` with each redacted path's value dropped or cut to its last four characters
    /// (a path that is absent stays absent; a value to cut that is not a string is dropped).
    static func redact(_ object: Any, _ redacting: [String: Redaction]) -> Any {
        guard !redacting.isEmpty, var dictionary = object as? [String: Any] else { return object }
        var nested: [String: [String: Redaction]] = [:]
        for (path, redaction) in redacting {
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                nested[parts[0], default: [:]][parts[1]] = redaction
            } else if dictionary[path] != nil {
                switch redaction {
                case .drop:
                    dictionary[path] = nil
                case .lastFour:
                    if let text = dictionary[path] as? String {
                        dictionary[path] = String(text.suffix(4))
                    } else {
                        dictionary[path] = nil
                    }
                }
            }
        }
        for (field, inner) in nested {
            if let value = dictionary[field] {
                dictionary[field] = Self.redact(value, inner)
            }
        }
        return dictionary
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
