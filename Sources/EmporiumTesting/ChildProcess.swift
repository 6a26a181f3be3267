public import Foundation
import Synchronization

/// A child process started with `posix_spawn` directly, its output appended to a file.
/// Foundation's `Process.run()` crashes the test process on Linux under the full suite's
/// load: it lists /proc/self/fd to close what the child should not inherit, and its copy
/// of a directory entry's name reads past the end of the listing's buffer once the process
/// has ~1,500 descriptors open (SIGSEGV in memcpy, inlined into findMaximumOpenFromProcSelfFD).
/// Every child the tests start goes through here instead; its surface is the part of
/// `Process` the tests use.
public final class ChildProcess: Sendable {
    public let processIdentifier: Int32
    /// The raw wait status once reaped (`waitpid`), nil while running.
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments` and exactly `environment`; stdout and stderr
    /// go to `outputPath` (appended), stdin is /dev/null.
    public init(executable: String, arguments: [String], environment: [String: String], outputPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process is inherited: a pipe another test reads would
        // otherwise stay open in this child and that reader would wait for EOF forever.
        guard let closeFrom = Self.addCloseFrom, closeFrom(&actions, 3) == 0 else {
            throw POSIXError(.ENOSYS)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        self.processIdentifier = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc
    /// module does not export (it is a GNU extension): looked up at run time.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// Whether it still runs (reaps it when it has exited).
    public var isRunning: Bool {
        self.status.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            let reaped = waitpid(self.processIdentifier, &raw, WNOHANG)
            if reaped == self.processIdentifier {
                status = raw
                return false
            }
            // -1: not our child any more (reaped elsewhere): it does not run.
            return reaped == 0
        }
    }

    /// As `Process`: the exit code, or the number of the signal that ended it; -1 while
    /// running or unknown.
    public var terminationStatus: Int32 {
        _ = self.isRunning
        guard let raw = self.status.withLock({ $0 }) else { return -1 }
        return (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : raw & 0x7f
    }

    /// The signal that ended it, or nil (still running, or it exited).
    public var terminationSignal: Int32? {
        _ = self.isRunning
        guard let raw = self.status.withLock({ $0 }), (raw & 0x7f) != 0 else { return nil }
        return raw & 0x7f
    }

    deinit {
        if self.isRunning {
            kill(self.processIdentifier, SIGKILL)
            var raw: Int32 = 0
            waitpid(self.processIdentifier, &raw, 0)
        }
    }
}
