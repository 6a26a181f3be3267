public import Hummingbird
public import HTTPTypes
import Logging
import Synchronization

/// Accepts the client's `X-Request-Id` when it is 1–128 characters of `[A-Za-z0-9._-]`,
/// otherwise makes a new one; puts it in the task-local log metadata (`request.id`) and echoes it
/// on every response, errors included (this middleware sits outside the problem renderer).
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[.requestID].flatMap { Self.isAcceptable($0) ? $0 : nil } ?? Self.generate()
        var context = context
        context.requestId = id
        var response = try await RequestMetadata.$requestID.withValue(id) {
            try await next(request, context)
        }
        response.headers[.requestID] = id
        return response
    }

    static func isAcceptable(_ id: String) -> Bool {
        let utf8 = id.utf8
        guard (1...128).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// 32 hex characters: a random per-process prefix and a counter. Unique across
    /// instances (the prefix) without a random-number syscall on every request.
    static func generate() -> String {
        let sequence = self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        return self.prefix + hex(sequence)
    }

    private static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next() as UInt64)
    }()

    private static let counter = Atomic<UInt64>(0)

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension HTTPField.Name {
    public static let requestID = Self("X-Request-Id")!
    public static let idempotencyKey = Self("Idempotency-Key")!
}
