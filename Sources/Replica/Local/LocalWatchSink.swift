import Dispatch
import Synchronization
import KVClient
import MVCC
import Wire

/// The in-process end of one watch: receives the Raft loop's watch batches (shared events, not
/// JSON), queues them, and calls the watcher's handler on its own serial dispatch queue, one call
/// at a time and in order, so a slow handler never stalls the Raft loop.
///
/// Flow control mirrors an HTTP watch stream: once more than ``highWaterEvents`` events wait in the
/// queue, `send` answers `.full` and the loop stops draining this watch (its events wait in the
/// keyspace, where a watcher that falls too far behind catches up from history); when the handler
/// has brought the queue down to ``lowWaterEvents`` the sink asks the loop to resume.
///
/// Events are converted to ``KVEvent`` on the delivery queue, once per event for this watch.
final class LocalWatchSink: WatchSessionOutput, WatchHandle {
    /// Queue length (in events) above which the loop stops draining into this sink.
    static let highWaterEvents = 4096
    /// Queue length at which a full sink asks the loop for more.
    static let lowWaterEvents = 1024

    private enum Pending {
        case batch(WatchBatch)
        case progress(revision: Int64)
        case ended(compactRevision: Int64, reason: String)
    }

    private struct State {
        var queue: [Pending] = []
        var head = 0
        var queuedEvents = 0
        /// A delivery pass is scheduled or running on `deliveryQueue`.
        var delivering = false
        /// The loop was told `.full` and waits for `onWritable`.
        var full = false
        /// A terminal update (canceled) is queued: nothing more is accepted.
        var finished = false
        /// The client called `cancel()`: nothing more is delivered.
        var canceled = false
        var onWritable: (@Sendable () -> Void)?
        /// How many times the loop was told to hold back (tests check flow control with it).
        var timesFull = 0
    }

    private let state = Mutex(State())
    private let handler: @Sendable (WatchUpdate) -> Void
    private let prevKV: Bool
    private let deliveryQueue: DispatchQueue
    /// Asks the loop to close this watch's session (client cancel, or after a terminal update).
    private let closeSession: @Sendable () -> Void

    init(prevKV: Bool, label: String, handler: @escaping @Sendable (WatchUpdate) -> Void,
         closeSession: @escaping @Sendable () -> Void) {
        self.prevKV = prevKV
        self.handler = handler
        self.closeSession = closeSession
        deliveryQueue = DispatchQueue(label: label)
    }

    // MARK: WatchSessionOutput (Raft loop thread)

    func send(_ notice: WatchNotice, header: ResponseHeader) -> HTTPWriteResult {
        switch notice {
        case .created, .canceled:
            return accepting { _ in }
        case .progress:
            return accepting { $0.queue.append(.progress(revision: header.revision)) }
        case .rejected(let reason):
            return accepting {
                $0.queue.append(.ended(compactRevision: 0, reason: reason))
                $0.finished = true
            }
        }
    }

    func send(_ batch: WatchBatch, header: ResponseHeader) -> HTTPWriteResult {
        if case .canceled(let compactRevision) = batch.kind {
            let result = accepting {
                $0.queue.append(.ended(compactRevision: compactRevision,
                                       reason: "required revision has been compacted (compact revision \(compactRevision))"))
                $0.finished = true
            }
            closeSession()  // the session has no watcher left
            return result
        }
        return accepting {
            $0.queue.append(.batch(batch))
            $0.queuedEvents += batch.events.count
        }
    }

    func setOnWritable(_ callback: @escaping @Sendable () -> Void) {
        state.withLock { $0.onWritable = callback }
    }

    func end() {
        _ = accepting {
            $0.queue.append(.ended(compactRevision: 0, reason: "watch stream ended: the member stopped"))
            $0.finished = true
        }
    }

    /// Applies `change` unless the watch is finished or canceled, schedules delivery, and reports the
    /// queue's state to the loop.
    private func accepting(_ change: (inout State) -> Void) -> HTTPWriteResult {
        let (result, schedule) = state.withLock { s -> (HTTPWriteResult, Bool) in
            if s.canceled || s.finished { return (.closed, false) }
            change(&s)
            let schedule = !s.delivering && s.head < s.queue.count
            if schedule { s.delivering = true }
            if s.queuedEvents > Self.highWaterEvents {
                if !s.full { s.timesFull += 1 }
                s.full = true
                return (.full, schedule)
            }
            return (.accepted, schedule)
        }
        if schedule { deliveryQueue.async { self.deliver() } }
        return result
    }

    // MARK: Delivery (delivery queue)

    private func deliver() {
        while true {
            let next = state.withLock { s -> Pending? in
                if s.canceled || s.head >= s.queue.count {
                    s.delivering = false
                    return nil
                }
                let item = s.queue[s.head]
                s.head += 1
                if s.head == s.queue.count {
                    s.queue.removeAll(keepingCapacity: true)
                    s.head = 0
                }
                return item
            }
            guard let next else { return }
            switch next {
            case .batch(let batch):
                handler(.events(batch.events.map { KVEvent($0.event, withPrevious: prevKV) }))
                let resume = state.withLock { s -> (@Sendable () -> Void)? in
                    s.queuedEvents -= batch.events.count
                    guard s.full && s.queuedEvents <= Self.lowWaterEvents else { return nil }
                    s.full = false
                    return s.onWritable
                }
                resume?()
            case .progress(let revision):
                handler(.progress(revision: revision))
            case .ended(let compactRevision, let reason):
                handler(.canceled(compactRevision: compactRevision, reason: reason))
            }
        }
    }

    /// How many times the sink has told the loop to hold back.
    var timesFull: Int { state.withLock { $0.timesFull } }

    // MARK: WatchHandle

    /// Stops delivery (a handler call already running finishes) and removes the watcher.
    func cancel() {
        let first = state.withLock { s -> Bool in
            defer { s.canceled = true }
            s.queue.removeAll()
            s.head = 0
            s.queuedEvents = 0
            return !s.canceled
        }
        if first { closeSession() }
    }
}
