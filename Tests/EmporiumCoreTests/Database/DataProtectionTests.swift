import EmporiumCore
import EmporiumTesting
import Foundation
import Logging
import Metrics
import SQLKit
import Synchronization
import Testing

/// Secrets at rest and in logs: the data directory is 0700, database files 0600, and no
/// log level ever prints a bind value (password hashes, token hashes and keys are binds).
@Suite struct DataProtectionTests {
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    @Test func theDataDirectoryIsCreatedForItsOwnerOnly() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-dir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let path = parent + "/data"
        try DataDirectory.prepare(path)
        #expect(try Self.mode(path) == 0o700)
        // A second start finds it and leaves it alone.
        try DataDirectory.prepare(path)
        #expect(throws: DataDirectoryError.self) {
            FileManager.default.createFile(atPath: parent + "/file", contents: Data())
            try DataDirectory.prepare(parent + "/file")
        }
    }

    @Test func sqliteFilesAreReadableByTheirOwnerOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-db-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/identity.sqlite"
        let database = try await SQLiteDatabase.open(path: path, name: "identity", metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        try await database.write { sql in
            try await sql.raw("CREATE TABLE secrets (value TEXT)").run()
            try await sql.raw("INSERT INTO secrets (value) VALUES ('x')").run()
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            #expect(try Self.mode(directory + "/" + file) == 0o600, "\(file)")
        }
        try await database.close()
        // A file an earlier version left world-readable is tightened at the next open.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let reopened = try await SQLiteDatabase.open(path: path, name: "identity", metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        #expect(try Self.mode(path) == 0o600)
        try await reopened.close()
    }

    /// Every line the database layer logs at `trace`, the most verbose level.
    final class CapturedLog: LogHandler, @unchecked Sendable {
        let lines = Mutex<[String]>([])
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
            self.lines.withLock { $0.append("\(event.message) \(merged)") }
        }
    }

    @Test(arguments: TestDatabaseKind.allCases)
    func bindValuesNeverReachTheLog(_ kind: TestDatabaseKind) async throws {
        let secret = "hash-\(UUID().uuidString)"
        let capture = CapturedLog()
        let logger = Logger(label: "test") { _ in capture }
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-log-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let database = try await SQLiteDatabase.open(path: path, name: "log", metrics: NOOPMetricsHandler.instance, logger: logger)
            try await Self.useSecret(secret, in: database)
            try await database.close()
        case .postgres:
            try PostgresHarness.skipUnlessAvailable()
            let database = try PostgresDatabase(
                url: try await PostgresHarness.makeDatabaseURL(), name: "log", metrics: NOOPMetricsHandler.instance, logger: logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await database.run() }
                defer { group.cancelAll() }
                try await Self.useSecret(secret, in: database)
            }
        }
        let lines = capture.lines.withLock { $0 }
        #expect(!lines.contains { $0.contains(secret) }, "\(lines.filter { $0.contains(secret) })")
    }

    static func useSecret(_ secret: String, in database: any Database) async throws {
        try await database.write { sql in
            try await sql.raw("CREATE TABLE users (password_hash TEXT)").run()
            try await sql.raw("INSERT INTO users (password_hash) VALUES (\(bind: secret))").run()
        }
        let found = try await database.read { sql in
            try await sql.raw("SELECT password_hash FROM users WHERE password_hash = \(bind: secret)").first()
        }
        #expect(found != nil)
    }
}
