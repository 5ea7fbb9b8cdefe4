/// One watch served from a ``WatchCache``: a bounded buffer the cache fills and the consumer
/// drains, with ``take(maxEvents:)`` (non-blocking, for event-loop threads told by the
/// ``setWakeup(_:)`` callback) or ``next()`` (async). A consumer too slow to keep the buffer below
/// its capacity is terminated: it receives what was buffered, then `.closed(.unavailable)`, and
/// should watch again from the last version it saw.
///
/// - Warning: Thread-safe. Lock order: the cache's lock, then the watcher's buffer lock.
public final class CacheWatcher<T: APIObject>: Sendable {
    let buffer: WatcherBuffer
    let filter: (@Sendable (T) -> Bool)?
    private let onCancel: @Sendable (Int) -> Void

    init(buffer: WatcherBuffer, filter: (@Sendable (T) -> Bool)?, onCancel: @escaping @Sendable (Int) -> Void) {
        self.buffer = buffer
        self.filter = filter
        self.onCancel = onCancel
    }

    /// The cache's id for this watcher.
    public var id: Int { buffer.id }

    /// Erases a typed event for the buffer.
    static func erase(_ event: CacheWatchEvent<T>) -> ErasedCacheEvent {
        switch event {
        case .added(let o): return .added(o)
        case .modified(let o): return .modified(o)
        case .deleted(let o): return .deleted(o)
        case .bookmark(let r): return .bookmark(r)
        case .closed(let e): return .closed(e)
        }
    }

    /// Restores the type of a buffered event (the buffer only ever holds `CachedObject<T>`).
    static func typed(_ event: ErasedCacheEvent) -> CacheWatchEvent<T> {
        switch event {
        case .added(let o): return .added(unsafeDowncast(o, to: CachedObject<T>.self))
        case .modified(let o): return .modified(unsafeDowncast(o, to: CachedObject<T>.self))
        case .deleted(let o): return .deleted(unsafeDowncast(o, to: CachedObject<T>.self))
        case .bookmark(let r): return .bookmark(revision: r)
        case .closed(let e): return .closed(e)
        }
    }

    /// Sets the callback run (on the cache's delivery thread) when events arrive in an empty buffer;
    /// runs it at once if events are already buffered.
    /// - Warning: The callback must not block and must not call back into the cache.
    public func setWakeup(_ wakeup: @escaping @Sendable () -> Void) { buffer.setWakeup(wakeup) }

    /// Takes up to `maxEvents` buffered events without waiting (empty when none). After the
    /// terminal `.closed` is taken, always empty.
    public func take(maxEvents: Int = .max) -> [CacheWatchEvent<T>] {
        buffer.take(maxEvents: maxEvents).map(Self.typed)
    }

    /// Waits for events and takes them all; empty once the watch is over.
    public func next() async -> [CacheWatchEvent<T>] {
        while true {
            let taken = take()
            if !taken.isEmpty { return taken }
            if buffer.isFinished { return [] }
            await buffer.waitForEvents()
        }
    }

    /// Events buffered and not yet taken.
    public var bufferedCount: Int { buffer.bufferedCount }

    /// Whether the watch has ended and everything was taken.
    public var isFinished: Bool { buffer.isFinished }

    /// Stops the watch: the cache forgets it; a pending ``next()`` returns empty.
    public func cancel() {
        onCancel(id)
        buffer.finish()
    }
}
