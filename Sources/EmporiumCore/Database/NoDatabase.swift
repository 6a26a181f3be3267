public import SQLKit

/// What a service that owns no data (the storefront) is given where others get their
/// database: nothing is ever opened, and any use is a programming error reported as a
/// thrown error (never a crash on a request path). Its unit declares no database, so
/// nothing migrates it or pings it for readiness.
public struct NoDatabase: Database {
    public struct NotOwned: Error, CustomStringConvertible {
        public var description: String { "this service owns no data: it has no database" }
    }

    public init() {}

    /// Never consulted: nothing runs SQL here.
    public var kind: DatabaseKind { .sqlite }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        throw NotOwned()
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        throw NotOwned()
    }

    public func ping() async throws {}
}
