public import Foundation

/// The real `emporium` binary, started as a child process on a free port, for system tests.
/// `stop()` sends SIGTERM and waits; `deinit` kills it if a test forgot, so nothing lingers.
public final class ServerProcess: @unchecked Sendable {
    public let port: Int
    public let process: ChildProcess
    public let logPath: String

    /// The binary next to the test bundle (`swift build` puts both in one folder), or
    /// `$EMPORIUM_BIN`.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["EMPORIUM_BIN"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // Swift Testing on Linux runs `…/debug/emporiumPackageTests.xctest`; XCTest may run a
        // path inside it.
        while !directory.path.isEmpty, directory.path != "/" {
            let candidate = directory.appendingPathComponent("emporium").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return ".build/debug/emporium"
    }

    public init(arguments: [String], environment: [String: String] = [:], port: Int? = nil) throws {
        self.port = try port ?? FreePort.find()
        self.logPath = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-\(UUID().uuidString).log").path
        FileManager.default.createFile(atPath: self.logPath, contents: nil)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("EMPORIUM_") }
        env.merge(environment) { $1 }
        self.process = try ChildProcess(
            executable: Self.binaryPath, arguments: arguments + ["--host", "127.0.0.1", "--port", String(self.port)], environment: env,
            outputPath: self.logPath
        )
    }

    deinit {
        // The child's own deinit kills it if it still runs.
        try? FileManager.default.removeItem(atPath: self.logPath)
    }

    public var log: String {
        (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
    }

    public var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Waits until `/health/ready` answers 200.
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard self.process.isRunning else {
                throw ServerProcessError.exited(status: self.process.terminationStatus, log: self.log)
            }
            if let (status, _, _) = try? await HTTP.get("\(self.baseURL)/health/ready"), status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerProcessError.notReady(log: self.log)
    }

    /// SIGTERM, then waits for the exit status.
    public func stop(signal: Int32 = SIGTERM) async -> Int32 {
        kill(self.process.processIdentifier, signal)
        while self.process.isRunning {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return self.process.terminationStatus
    }
}

public enum ServerProcessError: Error, CustomStringConvertible {
    case exited(status: Int32, log: String)
    case notReady(log: String)

    public var description: String {
        switch self {
        case .exited(let status, let log): "server exited with \(status):\n\(log)"
        case .notReady(let log): "server not ready in time:\n\(log)"
        }
    }
}
