import CEmporiumSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own for one SQLite connection, as a Swift task executor: a transaction
/// runs under `withTaskExecutorPreference(thread)`, so its body and every statement in it run
/// here, start to commit — one thread switch into the transaction and one out, not two per
/// statement. Statements block (SQLite is synchronous, and a commit may checkpoint and
/// fsync), which must not happen on the cooperative pool's few threads: a stalled disk
/// would stall every request of the process.
final class SQLiteThread: TaskExecutor, @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the thread (a plain pthread: Foundation's `Thread` adds nothing needed here).
    init(name: String) throws {
        let context = Unmanaged.passRetained(Start(thread: self, name: name)).toOpaque()
        var handle = pthread_t()
        let created = pthread_create(&handle, nil, { context in
            // The thread owns its `Start` (and through it the executor) until its loop ends.
            guard let context else { return nil }
            let start = Unmanaged<Start>.fromOpaque(context).takeRetainedValue()
            emporium_name_this_thread(start.name)
            start.thread.runLoop()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Start>.fromOpaque(context).release()
            throw SQLiteFailure(code: created, message: "cannot start a thread for \(name): errno \(created)")
        }
        pthread_detach(handle)
    }

    private final class Start {
        let thread: SQLiteThread
        let name: String
        init(thread: SQLiteThread, name: String) {
            self.thread = thread
            self.name = name
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.condition.lock()
        self.jobs.append(job)
        self.condition.signal()
        self.condition.unlock()
    }

    /// Lets the thread finish the jobs it has and end.
    func stop() {
        self.condition.lock()
        self.stopping = true
        self.condition.signal()
        self.condition.unlock()
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            self.condition.lock()
            while self.jobs.isEmpty && !self.stopping { self.condition.wait() }
            if self.jobs.isEmpty {
                self.condition.unlock()
                return
            }
            swap(&batch, &self.jobs)
            self.condition.unlock()
            for job in batch { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
