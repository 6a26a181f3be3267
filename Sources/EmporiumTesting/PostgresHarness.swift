import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Testing

/// A throwaway PostgreSQL server for tests: `initdb` into a temporary directory, run as an
/// unprivileged user when tests run as root, on a free loopback port. One server per test
/// process; each test gets its own database from `makeDatabaseURL()`.
///
/// A small watchdog shell stops the server and deletes its directory as soon as the test
/// process is gone, however it ends, so nothing is left running.
public enum PostgresHarness {
    public enum Unavailable: Error, CustomStringConvertible {
        case noServerBinaries
        case failedToStart(String)

        public var description: String {
            switch self {
            case .noServerBinaries: "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
            case .failedToStart(let log): "PostgreSQL did not start: \(log)"
            }
        }
    }

    /// Whether a missing server must fail tests rather than skip them (CI sets it).
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["EMPORIUM_REQUIRE_POSTGRES"] == "1"
    }

    /// Whether PostgreSQL tests can run here; when required, they always "can" (and fail
    /// loudly in `makeDatabaseURL` if the server cannot start).
    public static var isAvailable: Bool {
        self.isRequired || self.binDirectory() != nil
    }

    /// Skips the running test (or, in a parameterized test, the running case) when no
    /// PostgreSQL server can be had here: Swift Testing reports it as skipped, never passed.
    /// Under `EMPORIUM_REQUIRE_POSTGRES=1` it never skips; a server that cannot start fails.
    public static func skipUnlessAvailable() throws {
        guard !self.isAvailable else { return }
        let reason: Comment = "PostgreSQL server binaries are not installed (apt-get install postgresql); skipped"
        if Test.current?.isParameterized == true {
            // Swift Testing 6.3 reports a cancelled test *case* as passed, silently; a
            // warning puts the skip in the output and the run's summary.
            Issue.record(reason, severity: .warning)
        }
        try Test.cancel(reason)
    }

    private static let server = NIOLockedValueBox<Result<Int, any Error>?>(nil)

    /// A new, empty database on the shared server: `postgres://postgres@127.0.0.1:PORT/NAME`.
    public static func makeDatabaseURL() async throws -> String {
        let port = try self.startedServerPort()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let configuration = PostgresConnection.Configuration(
            host: "127.0.0.1",
            port: port,
            username: "postgres",
            password: nil,
            database: "postgres",
            tls: .disable
        )
        // Many tests create databases at once; a busy server can refuse one (too many
        // connections, template in use): try a few times, then say what the server said.
        var attempt = 0
        while true {
            attempt += 1
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "harness"))
                do {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "harness"))
                } catch {
                    try? await connection.close()
                    throw error
                }
                try await connection.close()
                return "postgres://postgres@127.0.0.1:\(port)/\(name)"
            } catch {
                guard attempt < 5 else { throw PostgresTestError(details: "CREATE DATABASE failed: \(String(reflecting: error))") }
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    private static func startedServerPort() throws -> Int {
        try self.server.withLockedValue { state in
            if let state { return try state.get() }
            let result = Result { try self.start() }
            state = result
            return try result.get()
        }
    }

    /// `EMPORIUM_POSTGRES_BIN` names the directory of `initdb` and `postgres` (an empty or
    /// missing one shows what a machine without PostgreSQL reports: skipped cases).
    static func binDirectory() -> String? {
        if let bin = ProcessInfo.processInfo.environment["EMPORIUM_POSTGRES_BIN"] {
            return FileManager.default.isExecutableFile(atPath: "\(bin)/postgres") ? bin : nil
        }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
            .map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: "\($0)/postgres") }
    }

    private static func start() throws -> Int {
        guard let bin = self.binDirectory() else { throw Unavailable.noServerBinaries }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try FreePort.find()
        let parent = ProcessInfo.processInfo.processIdentifier
        let runAsOther = getuid() == 0
        if runAsOther {
            // initdb and postgres refuse to run as root.
            _ = try Shell.run("/bin/chown", ["postgres", directory])
        }
        let log = "\(directory)/server.log"
        let script = """
            set -e
            "\(bin)/initdb" -D "\(directory)/data" -U postgres -A trust --no-sync --no-locale -E UTF8 > "\(directory)/initdb.log" 2>&1
            "\(bin)/postgres" -D "\(directory)/data" -p \(port) -k "\(directory)" -c listen_addresses=127.0.0.1 \
                -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 > "\(log)" 2>&1 &
            pg=$!
            while [ -d /proc/\(parent) ] && kill -0 $pg 2>/dev/null; do sleep 0.5; done
            kill -INT $pg 2>/dev/null || true
            wait $pg 2>/dev/null || true
            rm -rf "\(directory)"
            """
        let process = runAsOther
            ? try ChildProcess(executable: "/usr/sbin/runuser", arguments: ["-u", "postgres", "--", "/bin/sh", "-c", script], environment: ProcessInfo.processInfo.environment, outputPath: "/dev/null")
            : try ChildProcess(executable: "/bin/sh", arguments: ["-c", script], environment: ProcessInfo.processInfo.environment, outputPath: "/dev/null")

        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if FreePort.isListening(port) { return port }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? (try? String(contentsOfFile: "\(directory)/initdb.log", encoding: .utf8)) ?? ""
        throw Unavailable.failedToStart(output)
    }
}
