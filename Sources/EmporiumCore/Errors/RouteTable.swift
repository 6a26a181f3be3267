public import HTTPTypes
import NIOConcurrencyHelpers

/// The routes a router ended up with, so a 404 can tell "no such path" from "no such
/// method here" (405 + `Allow`). Filled once, after every service added its routes.
public final class RouteTable: Sendable {
    private struct Entry: Sendable {
        let segments: [Substring]
        let methods: [HTTPRequest.Method]
    }

    private let entries = NIOLockedValueBox<[Entry]>([])

    public init() {}

    /// Records the route templates (`/api/v1/products/{id}`) with their methods.
    public func record(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var grouped: [String: [HTTPRequest.Method]] = [:]
        for route in routes {
            grouped[route.path, default: []].append(route.method)
        }
        let entries = grouped.map { Entry(segments: $0.key.split(separator: "/"), methods: $0.value) }
        self.entries.withLockedValue { $0 = entries }
    }

    /// Methods routed for a concrete path; empty when no template matches it.
    public func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return self.entries.withLockedValue { entries in
            var methods: [HTTPRequest.Method] = []
            for entry in entries where Self.matches(entry.segments, segments) {
                methods.append(contentsOf: entry.methods)
            }
            return methods
        }
    }

    private static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        guard template.count == path.count else { return false }
        for (pattern, segment) in zip(template, path) {
            if pattern.hasPrefix("{") || pattern.hasPrefix(":") { continue }
            if pattern != segment { return false }
        }
        return true
    }
}
