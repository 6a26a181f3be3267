import EmporiumTesting
import Foundation
import Testing

/// Where no PostgreSQL server can be had, its tests are reported as skipped, never as
/// silently passed: this runs PostgreSQL-backed tests in a child test process that sees no
/// server. A plain test is cancelled ("was cancelled: … skipped"); a parameterized test's
/// PostgreSQL case is cancelled with a warning naming the case, because Swift Testing 6.3
/// otherwise reports a cancelled case as passed.
@Suite struct PostgresSkipTests {
    @Test func postgresCasesWithoutAServerAreReportedSkipped() async throws {
        let binary = CommandLine.arguments[0]
        try #require(FileManager.default.isExecutableFile(atPath: binary), "not a test binary: \(binary)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-skip-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        var environment = ProcessInfo.processInfo.environment
        environment["EMPORIUM_REQUIRE_POSTGRES"] = nil
        environment["EMPORIUM_POSTGRES_BIN"] = "/nonexistent"
        // A parameterized test whose postgres case needs a server, and a plain one that does.
        let child = try ChildProcess(
            executable: binary,
            arguments: ["--testing-library", "swift-testing", "--filter", "bindValuesNeverReachTheLog|serveCatalogRunsOnPostgres"],
            environment: environment, outputPath: output.path)
        while child.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(child.terminationStatus == 0, "\(text)")
        let reason = "PostgreSQL server binaries are not installed (apt-get install postgresql); skipped"
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("serveCatalogRunsOnPostgres") && $0.contains("was cancelled") && $0.contains(reason) }, "\(text)")
        #expect(lines.contains { $0.contains("bindValuesNeverReachTheLog") && $0.contains("recorded a warning") && $0.contains("postgres") }, "\(text)")
        #expect(text.components(separatedBy: reason).count - 1 == 2, "\(text)")
        #expect(!lines.contains { $0.contains("serveCatalogRunsOnPostgres") && $0.contains("passed") }, "\(text)")
    }
}
