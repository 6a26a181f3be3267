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
        #expect(try JSONDecoder().decode(API.Page<API.Product>.self, from: body).items.count == 100)
        #expect(FileManager.default.fileExists(atPath: dataDir + "/catalog.sqlite"))
        #expect(await server.stop() == 0, "log:\n\(server.log)")

        // A restart keeps the data and does not seed twice.
        let again = try ServerProcess(arguments: ["--data-dir", dataDir])
        try await again.waitUntilReady()
        let (_, _, categories) = try await HTTP.get("\(again.baseURL)/api/v1/categories")
        let items = try JSONDecoder().decode(API.Page<API.Category>.self, from: categories).items
        #expect(Set(items.map(\.slug)).count == items.count)
        #expect(await again.stop(signal: SIGINT) == 0)
    }

    @Test func embeddedIdentitySignsTokensTheCatalogAccepts() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-sys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try ServerProcess(
            arguments: ["--data-dir", dataDir, "--seed-demo", "false"],
            environment: ["EMPORIUM_ADMIN_EMAIL": "root@example.com", "EMPORIUM_ADMIN_PASSWORD": "root-password"]
        )
        try await server.waitUntilReady()
        let login = try await LiveAPI.call("POST", "\(server.baseURL)/api/v1/auth/login", body: ["email": "root@example.com", "password": "root-password"])
        #expect(login.status == 200)
        let token = try login.decode(API.Session.self).accessToken
        let created = try await LiveAPI.call("POST", "\(server.baseURL)/api/v1/categories", token: token, body: ["slug": "mugs", "name": "Mugs"])
        #expect(created.status == 201)
        let anonymous = try await LiveAPI.call("POST", "\(server.baseURL)/api/v1/categories", body: ["slug": "pans", "name": "Pans"])
        #expect(anonymous.status == 401)
        #expect(FileManager.default.fileExists(atPath: dataDir + "/identity.sqlite"))
        #expect(await server.stop() == 0)
    }

    @Test func badConfigurationFailsFast() async throws {
        let server = try ServerProcess(arguments: ["--data-dir", "/tmp/unused"], environment: ["EMPORIUM_LOG_LEVEL": "loud"])
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.process.terminationStatus != 0)
        #expect(server.log.contains("logLevel"))
    }

    @Test func serveCatalogRunsOnPostgres() async throws {
        try PostgresHarness.skipUnlessAvailable()
        let url = try await PostgresHarness.makeDatabaseURL()
        let server = try ServerProcess(arguments: ["serve", "catalog", "--database-url", url])
        try await server.waitUntilReady()
        let (status, _, body) = try await HTTP.get("\(server.baseURL)/api/v1/products?sort=price&limit=5")
        #expect(status == 200)
        #expect(try JSONDecoder().decode(API.Page<API.Product>.self, from: body).items.count == 5)
        let (metricsStatus, _, metrics) = try await HTTP.get("\(server.baseURL)/metrics")
        #expect(metricsStatus == 200)
        #expect(String(decoding: metrics, as: UTF8.self).contains("db_pool_size{database=\"catalog\"}"))
        #expect(await server.stop() == 0, "log:\n\(server.log)")
    }

    @Test func serveCatalogVerifiesTokensFromServeIdentityThroughTheJWKS() async throws {
        try PostgresHarness.skipUnlessAvailable()
        let identity = try await ServerProcess.serveIdentity()
        try await identity.waitUntilReady()
        let catalog = try ServerProcess(
            arguments: ["serve", "catalog", "--database-url", try await PostgresHarness.makeDatabaseURL(), "--seed-demo", "false",
                        "--identity-url", identity.baseURL]
        )
        try await catalog.waitUntilReady()
        let admin = try await LiveAPI.accessToken(identity.baseURL, "/api/v1/auth/login", ["email": "root@example.com", "password": "root-password"])
        let customer = try await LiveAPI.accessToken(identity.baseURL, "/api/v1/auth/register", ["email": "c@example.com", "password": "password1", "name": "C"])
        func createCategory(_ slug: String, token: String?) async throws -> Int {
            try await LiveAPI.call("POST", "\(catalog.baseURL)/api/v1/categories", token: token, body: ["slug": slug, "name": slug]).status
        }
        #expect(try await createCategory("mugs", token: admin) == 201)
        #expect(try await createCategory("pans", token: customer) == 403)
        #expect(try await createCategory("pots", token: nil) == 401)
        #expect(try await createCategory("cups", token: admin + "x") == 401)
        #expect(await catalog.stop() == 0, "log:\n\(catalog.log)")
        #expect(await identity.stop() == 0, "log:\n\(identity.log)")
    }

    @Test func serveWithoutADatabaseURLIsAUsageError() async throws {
        let server = try ServerProcess(arguments: ["serve", "catalog"])
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.process.terminationStatus != 0)
        #expect(server.log.contains("database-url"))
    }
}
