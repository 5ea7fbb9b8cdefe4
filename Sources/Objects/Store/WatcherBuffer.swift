import Synchronization

/// A cache watch event without its object type: the fan-out loop works on these so that it runs
/// without generic metadata lookups (unspecialized generic code costs ~100 ns a call across
/// modules). The payload of the object cases is a ``CachedObject`` of the cache's kind.
enum ErasedCacheEvent: Sendable {
    case added(AnyObject & Sendable)
    case modified(AnyObject & Sendable)
    case deleted(AnyObject & Sendable)
    case bookmark(Int64)
    case closed(StoreError)
}

/// The bounded buffer of one cache watcher (see ``CacheWatcher``), not generic.
///
/// - Warning: Lock order: the cache's lock, then a buffer's lock; a buffer never calls into the
///   cache while holding its own lock.
final class WatcherBuffer: Sendable {
    let id: Int
    /// "" = every namespace.
    let namespace: String
    let hasFilter: Bool
    let allowBookmarks: Bool
    let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var events: [ErasedCacheEvent] = []
        var head = 0
        /// A terminal event was appended: nothing more is accepted.
        var closed = false
        /// The terminal event was taken (or the watch cancelled): the watch is over.
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        var wakeup: (@Sendable () -> Void)?
        var count: Int { events.count - head }
    }

    init(id: Int, namespace: String, hasFilter: Bool, allowBookmarks: Bool, capacity: Int) {
        self.id = id
        self.namespace = namespace
        self.hasFilter = hasFilter
        self.allowBookmarks = allowBookmarks
        self.capacity = max(1, capacity)
    }

    /// Whether an object of `objectNamespace` is in this watcher's scope (before its filter).
    @inline(__always)
    func covers(namespace objectNamespace: String) -> Bool {
        namespace.isEmpty || namespace == objectNamespace
    }

    /// Appends an event; on overflow appends the termination instead. Returns whether the consumer
    /// must be woken (the buffer was empty). `force` ignores the capacity (replayed events).
    func enqueue(_ event: ErasedCacheEvent, force: Bool = false) -> Bool {
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

    /// Resumes a pending ``next()`` and calls the wake-up callback.
    func wake() {
        let (waiter, wakeup) = state.withLock { b -> (CheckedContinuation<Void, Never>?, (@Sendable () -> Void)?) in
            let w = b.waiter
            b.waiter = nil
            return (w, b.wakeup)
        }
        waiter?.resume()
        wakeup?()
    }

    func setWakeup(_ wakeup: @escaping @Sendable () -> Void) {
        let pending = state.withLock { b -> Bool in
            b.wakeup = wakeup
            return b.count > 0
        }
        if pending { wakeup() }
    }

    func take(maxEvents: Int) -> [ErasedCacheEvent] {
        state.withLock { b in
            let n = min(max(0, maxEvents), b.count)
            if n == 0 { return [] }
            let taken: [ErasedCacheEvent]
            if b.head == 0 && n == b.events.count {
                taken = b.events
                b.events = []
            } else {
                taken = Array(b.events[b.head..<b.head + n])
                b.head += n
                if b.head == b.events.count {
                    b.events.removeAll(keepingCapacity: true)
                    b.head = 0
                } else if b.head > 1024 && b.head * 2 > b.events.count {
                    b.events.removeFirst(b.head)
                    b.head = 0
                }
            }
            if b.closed && b.count == 0 { b.finished = true }
            return taken
        }
    }

    /// Waits until there are events or the watch is over.
    func waitForEvents() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { b -> Bool in
                if b.count > 0 || b.finished { return true }
                b.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    var bufferedCount: Int { state.withLock { $0.count } }
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Ends the watch at once, dropping what is buffered.
    func finish() {
        state.withLock { b in
            b.closed = true
            b.finished = true
            b.events.removeAll()
            b.head = 0
        }
        wake()
    }
}
