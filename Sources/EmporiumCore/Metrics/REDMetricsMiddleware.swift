import Dispatch
public import Hummingbird
public import Metrics
import NIOConcurrencyHelpers

/// Rate, errors and duration per route: `http_requests_total` and
/// `http_request_duration_seconds`, labelled by method, route *template* (never the raw
/// path, so ids do not explode the label space) and status. Unrouted requests count under
/// Hummingbird's `route="NotFound"`. Each label set's metrics are created once and cached.
public struct REDMetricsMiddleware: RouterMiddleware {
    public typealias Context = EmporiumRequestContext
    private let cache: Cache

    public init(factory: any MetricsFactory) {
        self.cache = Cache(factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // The problem middleware inside renders errors; this only sees ones it rethrows.
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            self.record(request, context, status, start)
            throw error
        }
        self.record(request, context, response.status, start)
        return response
    }

    private func record(_ request: Request, _ context: Context, _ status: HTTPResponse.Status, _ start: UInt64) {
        let key = Cache.Key(route: context.endpointPath ?? "NotFound", method: request.method, status: status.code)
        let metrics = self.cache.metrics(for: key)
        metrics.counter.increment()
        metrics.timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }

    final class Cache: Sendable {
        struct Key: Hashable {
            let route: String
            let method: HTTPRequest.Method
            let status: Int
        }

        struct Entry: Sendable {
            let counter: Counter
            let timer: Metrics.Timer
        }

        private let factory: any MetricsFactory
        private let entries = NIOLockedValueBox<[Key: Entry]>([:])

        init(factory: any MetricsFactory) {
            self.factory = factory
        }

        func metrics(for key: Key) -> Entry {
            self.entries.withLockedValue { entries in
                if let entry = entries[key] { return entry }
                let dimensions = [("method", key.method.rawValue), ("route", key.route), ("status", String(key.status))]
                let entry = Entry(
                    counter: Counter(label: "http_requests_total", dimensions: dimensions, factory: self.factory),
                    timer: Metrics.Timer(label: "http_request_duration_seconds", dimensions: dimensions, factory: self.factory)
                )
                entries[key] = entry
                return entry
            }
        }
    }
}
