import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached POSIX thread running `body` (outside Swift concurrency's pool); false if the
/// system refused.
func startClientThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body))
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, box.toOpaque())
    guard rc == 0 else {
        box.release()
        return false
    }
    pthread_detach(thread)
    return true
}

/// A few dedicated threads that run blocking jobs (HTTP requests) in submission order, so that no
/// blocking call ever runs on Swift concurrency's cooperative pool.
final class BlockingWorkerPool: Sendable {
    private final class Shared: Sendable {
        struct Queue {
            var jobs: [@Sendable () -> Void] = []
            var head = 0
            var stopped = false
        }
        let queue = Mutex(Queue())
        let available = DispatchSemaphore(value: 0)

        /// The next job, waiting for one; nil once the pool is stopped and drained.
        func next() -> (@Sendable () -> Void)? {
            while true {
                available.wait()
                let job = queue.withLock { q -> (@Sendable () -> Void)?? in
                    if q.head < q.jobs.count {
                        let job = q.jobs[q.head]
                        q.head += 1
                        if q.head == q.jobs.count {
                            q.jobs.removeAll(keepingCapacity: true)
                            q.head = 0
                        }
                        return .some(job)
                    }
                    return q.stopped ? .some(nil) : nil
                }
                if let job { return job }
            }
        }
    }

    private let shared = Shared()
    let threadCount: Int

    /// Starts `threadCount` threads (at least one).
    init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        for _ in 0..<self.threadCount {
            _ = startClientThread { [shared] in
                while let job = shared.next() { job() }
            }
        }
    }

    /// Queues `job` to run on one of the pool's threads; false (and `job` dropped) once stopped.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let queued = shared.queue.withLock { q -> Bool in
            if q.stopped { return false }
            q.jobs.append(job)
            return true
        }
        if queued { shared.available.signal() }
        return queued
    }

    /// Lets the threads finish the queued jobs and exit (idempotent).
    func stop() {
        let first = shared.queue.withLock { q -> Bool in
            defer { q.stopped = true }
            return !q.stopped
        }
        if first { for _ in 0..<threadCount { shared.available.signal() } }
    }

    deinit { stop() }
}
