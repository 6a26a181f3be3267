public import Foundation

public enum Shell {
    /// Runs a command to completion; throws with its output when it fails.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-shell-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: ProcessInfo.processInfo.environment, outputPath: log.path)
        while process.isRunning { usleep(10_000) }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0, process.terminationSignal == nil else {
            throw NSError(domain: "Shell", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments): \(output)"])
        }
        return output
    }
}
