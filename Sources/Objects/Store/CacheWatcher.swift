import Synchronization

/// One watch served from a ``WatchCache``: a bounded buffer the cache fills and the consumer
/// drains, with ``take(maxEvents:)`` (non-blocking, for event-loop threads told by a wake-up
/// callback) or ``next()`` (async). A consumer too slow to keep the buffer below its capacity is
/// terminated: it receives what was buffered, then `.closed(.unavailable)`, and should watch again
/// from the last version it saw.
///
/// - Warning: Lock order: the cache's lock, then a watcher's lock; a watcher never calls into the
///   cache while holding its own lock.
public final class CacheWatcher<T: APIObject>: Sendable {
    /// The cache's id for this watcher.
    public let id: Int
    let namespace: String
    let filter: (@Sendable (T) -> Bool)?
    let allowBookmarks: Bool
    let capacity: Int
    private let state = Mutex(Buffer())
    private let onCancel: @Sendable (Int) -> Void

    private struct Buffer {
        var events: [CacheWatchEvent<T>] = []
        var head = 0
        /// A terminal event was appended: nothing more is accepted.
        var closed = false
        /// The terminal event was taken: the watch is over.
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        var wakeup: (@Sendable () -> Void)?
        var count: Int { events.count - head }
    }

    init(id: Int, namespace: String, filter: (@Sendable (T) -> Bool)?, allowBookmarks: Bool, capacity: Int,
         onCancel: @escaping @Sendable (Int) -> Void) {
        self.id = id
        self.namespace = namespace
        self.filter = filter
        self.allowBookmarks = allowBookmarks
        self.capacity = max(1, capacity)
        self.onCancel = onCancel
    }

    /// Whether an object of `namespace` is in this watcher's scope (before its filter).
    func covers(namespace objectNamespace: String) -> Bool {
        namespace.isEmpty || namespace == objectNamespace
    }

    /// Appends an event; on overflow appends the termination instead. Returns whether the consumer
    /// must be woken (the buffer was empty). `force` ignores the capacity (initial events).
    func enqueue(_ event: CacheWatchEvent<T>, force: Bool = false) -> Bool {
        state.withLock { b in
            guard !b.closed else { return false }
            let wasEmpty = b.count == 0
            if case .closed = event {
                b.closed = true
                b.events.append(event)
            } else if !force && b.count >= capacity {
                b.closed = true
                b.events.append(.closed(.unavailable(message: "watcher too slow: its buffer of \(capacity) events overflowed; watch again from the last resourceVersion seen")))
            } else {
                b.events.append(event)
            }
            return wasEmpty
        }
    }

    /// Runs the consumer's wake-up: resumes a pending ``next()`` and calls the wake-up callback.
    func wake() {
        let (waiter, wakeup) = state.withLock { b -> (CheckedContinuation<Void, Never>?, (@Sendable () -> Void)?) in
            let w = b.waiter
            b.waiter = nil
            return (w, b.wakeup)
        }
        waiter?.resume()
        wakeup?()
    }

    /// Sets the callback run (on the cache's delivery thread) when events arrive in an empty buffer.
    /// - Warning: The callback must not block and must not call back into the cache.
    public func setWakeup(_ wakeup: @escaping @Sendable () -> Void) {
        let pending = state.withLock { b -> Bool in
            b.wakeup = wakeup
            return b.count > 0
        }
        if pending { wakeup() }
    }

    /// Takes up to `maxEvents` buffered events without waiting (empty when none). After the
    /// terminal `.closed` is taken, always empty.
    public func take(maxEvents: Int = .max) -> [CacheWatchEvent<T>] {
        state.withLock { b in
            let n = min(max(0, maxEvents), b.count)
            if n == 0 { return [] }
            let taken = Array(b.events[b.head..<b.head + n])
            b.head += n
            if b.head == b.events.count {
                b.events.removeAll(keepingCapacity: true)
                b.head = 0
            } else if b.head > 1024 && b.head * 2 > b.events.count {
                b.events.removeFirst(b.head)
                b.head = 0
            }
            if b.closed && b.count == 0 { b.finished = true }
            return taken
        }
    }

    /// Waits for events and takes them all; empty once the watch is over.
    public func next() async -> [CacheWatchEvent<T>] {
        while true {
            let taken = take()
            if !taken.isEmpty { return taken }
            if state.withLock({ $0.finished }) { return [] }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { b -> Bool in
                    if b.count > 0 || b.finished { return true }
                    b.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Events buffered and not yet taken.
    public var bufferedCount: Int { state.withLock { $0.count } }

    /// Whether the watch has ended and everything was taken.
    public var isFinished: Bool { state.withLock { $0.finished } }

    /// Stops the watch: the cache forgets it; a pending ``next()`` returns empty.
    public func cancel() {
        onCancel(id)
        state.withLock { b in
            b.closed = true
            b.finished = true
            b.events.removeAll()
            b.head = 0
        }
        wake()
    }
}
