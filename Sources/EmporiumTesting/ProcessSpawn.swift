public import Foundation

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux is not safe
/// to call from several threads at once: under the full suite's parallel load the test
/// process crashed inside it (a memcpy reading freed memory) while one test started a
/// server and another ran a tool. Spawning takes microseconds, so serialising costs nothing.
public enum ProcessSpawn {
    private static let lock = NSLock()

    public static func run(_ process: Process) throws {
        try self.lock.withLock { try process.run() }
    }
}
