import NIOCore
import Synchronization

/// A NIO event loop as a task executor. A PostgreSQL transaction runs under it with its
/// connection's loop, so each statement's reply resumes the transaction on the thread that
/// read it, instead of waking a cooperative-pool thread twice per statement (the same
/// lever as the SQLite driver's connection threads).
final class EventLoopExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

/// One executor per event loop, made on first use (a pool's loops are few and live as
/// long as it does).
final class EventLoopExecutors: Sendable {
    private let executors = Mutex<[ObjectIdentifier: EventLoopExecutor]>([:])

    func executor(for loop: any EventLoop) -> EventLoopExecutor {
        self.executors.withLock { executors in
            let key = ObjectIdentifier(loop)
            if let executor = executors[key] { return executor }
            let executor = EventLoopExecutor(loop)
            executors[key] = executor
            return executor
        }
    }
}
