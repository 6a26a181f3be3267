import EmporiumCatalog
import EmporiumClients
import EmporiumCore
import EmporiumOrders
import EmporiumServices
import Foundation
import Testing

/// Each service's own settings, read from the same layers as the process's: flags, then
/// `EMPORIUM_*` variables, then the settings file; bad values stop the start.
@Suite struct ServiceSettingsTests {
    static func reader(_ environment: [String: String], flags: [String: String] = [:]) -> SettingsReader {
        SettingsReader(emporium: ServerSettings.reader(flags: flags, environment: environment))
    }

    /// The crash fault switch is not reachable in a production configuration.
    @Test func theCrashSwitchNeedsTestMode() throws {
        #expect(throws: ConfigurationError.self) {
            try OrdersService.Settings(reader: Self.reader(["EMPORIUM_FAULT": "orders.after-reserve:crash"]))
        }
        #expect(throws: ConfigurationError.self) {
            try OrdersService.Settings(reader: Self.reader(["EMPORIUM_FAULT": "orders.after-reserve:crash", "EMPORIUM_TEST_MODE": "0"]))
        }
        let settings = try OrdersService.Settings(reader: Self.reader(["EMPORIUM_FAULT": "orders.after-reserve:crash", "EMPORIUM_TEST_MODE": "1"]))
        #expect(settings.fault == "orders.after-reserve:crash")
    }

    /// `EMPORIUM_CATALOG_CACHE_BYTES`: the catalog response cache's bound (0 turns it off).
    @Test func catalogCacheDefaultsTo32MiBAndReadsTheEnvironment() throws {
        #expect(try CatalogService.Settings(reader: Self.reader([:])).cacheBytes == 32 << 20)
        let off = try CatalogService.Settings(reader: Self.reader(["EMPORIUM_CATALOG_CACHE_BYTES": "0"]))
        #expect(off.cacheBytes == 0)
    }

    @Test(arguments: [
        ["EMPORIUM_CATALOG_CACHE_BYTES": "-1"], ["EMPORIUM_CATALOG_CACHE_BYTES": "lots"], ["EMPORIUM_CATALOG_CACHE_BYTES": "99999999999999"],
        ["EMPORIUM_SEED_DEMO": "maybe"], ["EMPORIUM_SAGA_LEASE_MS": "5"], ["EMPORIUM_RESERVATION_SWEEP_MS": "soon"],
        ["EMPORIUM_BCRYPT_COST": "4"], ["EMPORIUM_OUTBOX_INTERVAL_MS": "0"],
    ])
    func malformedValuesStopTheStart(_ environment: [String: String]) {
        // What `emporium` does at start: every registered service reads its settings.
        #expect(throws: ConfigurationError.self) {
            _ = try ServiceRegistry.all.map { try $0.configure(Self.reader(environment)) }
        }
    }

    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-settings-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"sagaLeaseMs": 4000, "sagaRecoveryMs": 700, "idempotencyLeaseMs": 9000, "seedDemo": false, "port": 8181}"#.utf8).write(to: file)
        let layered = try await ServerSettings.loadReader(
            flags: ["configFile": file.path, "sagaLeaseMs": "2000"],
            environment: ["EMPORIUM_SAGA_RECOVERY_MS": "300"]
        )
        let orders = try OrdersService.Settings(reader: SettingsReader(emporium: layered))
        #expect(orders.sagaLease == .milliseconds(2000))
        #expect(orders.sagaRecoveryInterval == .milliseconds(300))
        #expect(orders.idempotencyLease == .milliseconds(9000))
        #expect(try CatalogService.Settings(reader: SettingsReader(emporium: layered)).seedDemo == false)
        #expect(try ServerSettings(reader: layered).port == 8181)
    }

    @Test func aMissingSettingsFileStopsTheStart() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await ServerSettings.loadReader(flags: [:], environment: ["EMPORIUM_CONFIG_FILE": "/nonexistent/emporium.json"])
        }
    }
}

/// The registry is the one list of services, and the wiring agrees with it.
@Suite struct ServiceRegistryTests {
    @Test func namesAreUniqueAndTheTokenIssuerComesFirst() {
        let names = ServiceRegistry.all.map { $0.name }
        #expect(Set(names).count == names.count)
        #expect(ServiceRegistry.all.filter { $0.issuesTokens }.count == 1)
        #expect(ServiceRegistry.all.first?.issuesTokens == true)
    }

    @Test func everyPeerIsARegisteredService() {
        let names = Set(ServiceRegistry.all.map { $0.name })
        for definition in ServiceRegistry.all {
            #expect(Set(definition.peers).isSubset(of: names), "\(definition.name) calls \(definition.peers)")
        }
        for client in [CatalogClient.peer, CartClient.peer, InventoryClient.peer, PaymentsClient.peer, IdentityClient.peer, OrdersClient.peer] {
            #expect(names.contains(client))
        }
    }
}
