import EmporiumTesting
import Foundation
import Testing

/// The real `emporium` binary, as a user runs it.
@Suite(.serialized) struct EmbeddedServerTests {
    @Test func embeddedServesTheSeededCatalogAndStopsCleanlyOnSIGTERM() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-sys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try ServerProcess(arguments: ["--data-dir", dataDir])
        try await server.waitUntilReady()
        let (status, headers, body) = try await HTTP.get("\(server.baseURL)/api/v1/products?limit=100")
        #expect(status == 200)
        #expect(headers["x-request-id"] != nil)
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect((json?["items"] as? [Any])?.count == 100)
        #expect(FileManager.default.fileExists(atPath: dataDir + "/catalog.sqlite"))
        #expect(await server.stop() == 0, "log:\n\(server.log)")

        // A restart keeps the data and does not seed twice.
        let again = try ServerProcess(arguments: ["--data-dir", dataDir])
        try await again.waitUntilReady()
        let (_, _, categories) = try await HTTP.get("\(again.baseURL)/api/v1/categories")
        let items = (try JSONSerialization.jsonObject(with: categories) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(Set(items.compactMap { $0["slug"] as? String }).count == items.count)
        #expect(await again.stop(signal: SIGINT) == 0)
    }

    @Test func badConfigurationFailsFast() async throws {
        let server = try ServerProcess(arguments: ["--data-dir", "/tmp/unused"], environment: ["EMPORIUM_LOG_LEVEL": "loud"])
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.process.terminationStatus != 0)
        #expect(server.log.contains("logLevel"))
    }

    @Test func serveCatalogRunsOnPostgres() async throws {
        guard PostgresHarness.isAvailable else { return }
        let url = try await PostgresHarness.makeDatabaseURL()
        let server = try ServerProcess(arguments: ["serve", "catalog", "--database-url", url])
        try await server.waitUntilReady()
        let (status, _, body) = try await HTTP.get("\(server.baseURL)/api/v1/products?sort=price&limit=5")
        #expect(status == 200)
        let items = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(items.count == 5)
        let (metricsStatus, _, metrics) = try await HTTP.get("\(server.baseURL)/metrics")
        #expect(metricsStatus == 200)
        #expect(String(decoding: metrics, as: UTF8.self).contains("db_pool_size{database=\"catalog\"}"))
        #expect(await server.stop() == 0, "log:\n\(server.log)")
    }

    @Test func serveWithoutADatabaseURLIsAUsageError() async throws {
        let server = try ServerProcess(arguments: ["serve", "catalog"])
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.process.terminationStatus != 0)
        #expect(server.log.contains("database-url"))
    }
}
