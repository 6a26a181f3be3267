import EmporiumCore
import EmporiumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A service that owns no data (the storefront) starts without a database: nothing is
/// migrated or pinged, readiness is about the process alone, and a stray query fails
/// with an error instead of reaching anyone's tables.
@Suite struct DatalessServiceTests {
    @Test func startsAndIsReadyWithoutADatabase() async throws {
        let unit = ServiceUnit(name: "pages", database: nil, migrations: [], addRoutes: { router in
            router.get("/hello") { _, _ in "hello" }
        })
        let platform = Platform(settings: .forTests, units: [unit], metrics: MetricsRegistry(), logger: Logger(label: "test"))
        try await platform.buildApplication().test(.router) { client in
            try await platform.start()
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/hello", method: .get) { #expect(String(buffer: $0.body) == "hello") }
        }
        await #expect(throws: NoDatabase.NotOwned.self) { try await NoDatabase().read { _ in 1 } }
        await #expect(throws: NoDatabase.NotOwned.self) { try await NoDatabase().write { _ in 1 } }
    }
}
