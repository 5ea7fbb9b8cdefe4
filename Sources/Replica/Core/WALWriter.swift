import Dispatch
import Synchronization
import Raft
import WAL
import Wire

/// The thread that writes and `fdatasync`s the Raft loop's batches, so that the loop applies
/// committed entries, answers clients and feeds watchers while this member's own write is on disk.
///
/// At most one batch is in flight: the loop hands one over with ``begin(_:)``, keeps working, and
/// collects the outcome with ``take()`` (non-blocking) or ``wait()`` once `onFinished` told it the
/// write is done. Batches therefore reach the WAL in the order the loop handed them out.
///
/// Lock order: `state` is never held while calling `onFinished` (which takes the loop's inbox lock).
///
/// - Warning: ``begin(_:)``, ``take()``, ``wait()`` and ``close()`` are for the one owning thread
///   (the Raft loop); only `onFinished` runs on the writer thread.
final class WALWriter: Sendable {
    /// What the Raft loop must make durable for one `Ready` (a snapshot install is written inline).
    struct Batch: Sendable, Equatable {
        var hardState: HardState?
        var entries: [Entry]
    }

    /// The result of one batch: how long the write and its fsync took, or why it failed.
    enum Outcome: Sendable, Equatable {
        case saved(nanoseconds: UInt64)
        case failed(WALError)
    }

    private struct State {
        var pending: Batch?
        var outcome: Outcome?
        var busy = false
        var closed = false
    }

    private let state = Mutex(State())
    private let work = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let save: @Sendable (Batch) throws(WALError) -> Void
    private let onFinished: @Sendable () -> Void

    /// Starts the writer thread.
    /// - Parameters:
    ///   - name: the thread's name (for logs and debuggers).
    ///   - save: writes one batch durably (normally `WriteAheadLog.save(hardState:entries:)`).
    ///   - onFinished: called on the writer thread after each batch's outcome is ready to take.
    /// - Throws: ``ReplicaError/configuration(_:)`` if the thread cannot be created.
    init(name: String, save: @escaping @Sendable (Batch) throws(WALError) -> Void,
         onFinished: @escaping @Sendable () -> Void) throws(ReplicaError) {
        self.save = save
        self.onFinished = onFinished
        _ = try DedicatedThread(name: name) { [self] in self.runWriter() }
    }

    /// Convenience: a writer for `wal`.
    convenience init(name: String, wal: WriteAheadLog, onFinished: @escaping @Sendable () -> Void) throws(ReplicaError) {
        try self.init(name: name, save: { (batch: Batch) throws(WALError) in
            try wal.save(hardState: batch.hardState, entries: batch.entries)
        }, onFinished: onFinished)
    }

    /// True while a batch handed to ``begin(_:)`` has not been collected by ``take()`` or ``wait()``.
    var isBusy: Bool { state.withLock { $0.busy } }

    /// Hands a batch to the writer thread; the previous one must have been collected.
    func begin(_ batch: Batch) {
        state.withLock { s in
            precondition(!s.busy, "WALWriter.begin with a batch still in flight")
            precondition(!s.closed, "WALWriter.begin after close")
            s.busy = true
            s.pending = batch
        }
        work.signal()
    }

    /// The outcome of the batch in flight if it is done (collecting it), else nil.
    func take() -> Outcome? {
        let outcome = state.withLock { s -> Outcome? in
            guard s.busy, let o = s.outcome else { return nil }
            s.outcome = nil
            s.busy = false
            return o
        }
        // The writer signals `finished` once per batch, right after publishing the outcome.
        if outcome != nil { finished.wait() }
        return outcome
    }

    /// Waits for the batch in flight and collects its outcome; nil if none is in flight.
    func wait() -> Outcome? {
        guard isBusy else { return nil }
        finished.wait()
        return state.withLock { s -> Outcome? in
            let o = s.outcome
            s.outcome = nil
            s.busy = false
            return o
        }
    }

    /// Waits for the batch in flight (its outcome is dropped), then ends the thread. Idempotent.
    func close() {
        _ = wait()
        let first = state.withLock { s -> Bool in
            defer { s.closed = true }
            return !s.closed
        }
        guard first else { return }
        work.signal()
        stopped.wait()
    }

    private func runWriter() {
        while true {
            work.wait()
            let next = state.withLock { s -> (Batch?, Bool) in
                defer { s.pending = nil }
                return (s.pending, s.closed)
            }
            guard let batch = next.0 else {
                if next.1 { break }
                continue
            }
            let start = MonotonicClock.nowNanoseconds()
            let outcome: Outcome
            do {
                try save(batch)
                outcome = .saved(nanoseconds: MonotonicClock.nowNanoseconds() &- start)
            } catch {
                outcome = .failed(error)
            }
            state.withLock { $0.outcome = outcome }
            finished.signal()
            onFinished()
        }
        stopped.signal()
    }
}
