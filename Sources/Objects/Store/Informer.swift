import Dispatch
import KVClient
import Synchronization

/// What an informer tells its handlers.
public struct InformerHandler<T: APIObject>: Sendable {
    /// A new object (or one the informer had not seen).
    public var onAdd: @Sendable (T) -> Void
    /// Old and new state; on resync both are the cached object.
    public var onUpdate: @Sendable (_ old: T, _ new: T) -> Void
    /// The last known state.
    public var onDelete: @Sendable (T) -> Void

    /// Handlers; omitted ones do nothing.
    public init(onAdd: @escaping @Sendable (T) -> Void = { _ in },
                onUpdate: @escaping @Sendable (_ old: T, _ new: T) -> Void = { _, _ in },
                onDelete: @escaping @Sendable (T) -> Void = { _ in }) {
        self.onAdd = onAdd
        self.onUpdate = onUpdate
        self.onDelete = onDelete
    }
}

/// client-go's shared informer, in small: lists, then watches from the list's resourceVersion,
/// keeping a local indexed copy; when the watch ends for any reason (410 Gone, store gone, too
/// slow) it lists again and tells its handlers the difference. Handlers run one at a time, in
/// order, on a dispatch queue the informer owns; optional periodic resync calls `onUpdate(o, o)`
/// for every cached object.
///
/// - Warning: Thread-safe. Handlers must not block for long (they hold up later notifications).
///   Reads (``get(namespace:name:)``, ``list()``, ``byIndex(_:_:)``) may run on any thread and see
///   the cache possibly slightly ahead of the notifications delivered so far.
public final class Informer<T: APIObject>: Sendable {
    private let source: any ObjectListWatcher<T>
    private let namespace: String
    private let filter: (@Sendable (T) -> Bool)?
    private let resyncNanoseconds: UInt64
    private let handlerQueue = DispatchQueue(label: "tern.informer.handlers")
    private let state: Mutex<State>
    private let synced = Atomic<Bool>(false)

    private struct State {
        var store: InformerStore<T>
        var handlers: [InformerHandler<T>] = []
        var lastResourceVersion = ""
        var running: Task<Void, Never>?
        var resync: Task<Void, Never>?
        var watch: (any WatchHandle)?
        var stopped = false
        var lists = 0
    }

    /// An informer of one namespace (or all) of `source`, keeping the objects `filter` accepts.
    /// - Parameters:
    ///   - resyncNanoseconds: period of resync notifications (0 = never).
    ///   - indexers: index name → the index values of an object (e.g. `["node": { [$0.spec.nodeName] }]`).
    public init(source: any ObjectListWatcher<T>, namespace: String = "", filter: (@Sendable (T) -> Bool)? = nil,
                resyncNanoseconds: UInt64 = 0, indexers: [String: @Sendable (T) -> [String]] = [:]) {
        self.source = source
        self.namespace = namespace
        self.filter = filter
        self.resyncNanoseconds = resyncNanoseconds
        self.state = Mutex(State(store: InformerStore(indexers: indexers)))
    }

    /// Adds handlers; an informer already started first replays its cache to them as adds.
    public func addHandler(_ handler: InformerHandler<T>) {
        // Notifications are queued while the state lock is held, so the queue's order is the
        // order of the cache's changes (this replay included).
        state.withLock { s in
            s.handlers.append(handler)
            let existing = s.running == nil ? [] : s.store.all()
            if !existing.isEmpty { handlerQueue.async { for object in existing { handler.onAdd(object) } } }
        }
    }

    /// Whether the first list has been delivered to the handlers.
    public var hasSynced: Bool { synced.load(ordering: .acquiring) }

    /// The resourceVersion of the last list or event the cache reflects.
    public var lastSyncResourceVersion: String { state.withLock { $0.lastResourceVersion } }

    /// How many times the informer has listed (1 after start, +1 per re-list).
    public var listCount: Int { state.withLock { $0.lists } }

    /// One cached object.
    public func get(namespace: String = "", name: String) -> T? {
        state.withLock { $0.store.objects[CachedObject<T>.cacheKey(namespace: namespace, name: name)] }
    }

    /// Every cached object, in namespace/name order.
    public func list() -> [T] { state.withLock { $0.store.all() } }

    /// The cached objects whose index `name` has `value`, in namespace/name order.
    public func byIndex(_ name: String, _ value: String) -> [T] { state.withLock { $0.store.byIndex(name, value) } }

    /// Starts listing and watching (idempotent).
    public func start() {
        state.withLock { s in
            guard s.running == nil, !s.stopped else { return }
            s.running = Task { [self] in await self.run() }
            if resyncNanoseconds > 0 { s.resync = Task { [self] in await self.resyncLoop() } }
        }
    }

    /// Stops watching; no handler is called for changes after this returns (already queued ones may).
    public func stop() {
        let (running, resync, watch) = state.withLock { s -> (Task<Void, Never>?, Task<Void, Never>?, (any WatchHandle)?) in
            s.stopped = true
            let w = s.watch
            s.watch = nil
            return (s.running, s.resync, w)
        }
        watch?.cancel()
        running?.cancel()
        resync?.cancel()
    }

    /// Waits until every handler call queued so far has run.
    public func waitForHandlers() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in handlerQueue.async { c.resume() } }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } || Task.isCancelled }

    /// List, watch until the watch ends, repeat.
    private func run() async {
        var backoff: UInt64 = 10_000_000
        while !isStopped {
            let list: ObjectList<T>
            do throws(StoreError) {
                list = try await source.list(namespace: namespace, options: ListOptions(), filter: filter)
            } catch {
                try? await Task.sleep(nanoseconds: backoff)
                backoff = min(backoff * 2, 1_000_000_000)
                continue
            }
            replace(with: list)
            let (stream, continuation) = AsyncStream<ObjectWatchEvent<T>>.makeStream()
            let watch: any WatchHandle
            do throws(StoreError) {
                watch = try await source.watch(namespace: namespace,
                                               options: WatchOptions(resourceVersion: list.resourceVersion, allowBookmarks: true),
                                               filter: filter) { continuation.yield($0) }
            } catch {
                try? await Task.sleep(nanoseconds: backoff)
                backoff = min(backoff * 2, 1_000_000_000)
                continue
            }
            let stale = state.withLock { s -> Bool in
                if s.stopped { return true }
                s.watch = watch
                return false
            }
            if stale { watch.cancel(); return }
            backoff = 10_000_000
            for await event in stream {
                if case .closed = event { break }
                apply(event)
            }
            watch.cancel()
            continuation.finish()
            state.withLock { $0.watch = nil }
        }
    }

    /// One handler call to make.
    private enum Notification: Sendable {
        case add(T)
        case update(T, T)
        case delete(T)

        func deliver(to handler: InformerHandler<T>) {
            switch self {
            case .add(let o): handler.onAdd(o)
            case .update(let old, let new): handler.onUpdate(old, new)
            case .delete(let o): handler.onDelete(o)
            }
        }
    }

    /// Installs a (re-)list: the cache becomes exactly the list; handlers get the difference.
    private func replace(with list: ObjectList<T>) {
        var notifications: [Notification] = []
        state.withLock { s in
            s.lists += 1
            var fresh = Set<String>()
            for object in list.items {
                let key = InformerStore<T>.key(object)
                fresh.insert(key)
                if let old = s.store.objects[key] {
                    if old.metadata.resourceVersion != object.metadata.resourceVersion || old != object {
                        s.store.upsert(object)
                        notifications.append(.update(old, object))
                    }
                } else {
                    s.store.upsert(object)
                    notifications.append(.add(object))
                }
            }
            for key in s.store.objects.keys.sorted() where !fresh.contains(key) {
                if let old = s.store.remove(key: key) { notifications.append(.delete(old)) }
            }
            s.lastResourceVersion = list.resourceVersion
            let handlers = s.handlers
            let batch = notifications
            handlerQueue.async { [self] in
                for notification in batch { for handler in handlers { notification.deliver(to: handler) } }
                self.synced.store(true, ordering: .releasing)
            }
        }
    }

    /// Applies one watch event to the cache and queues the notification.
    private func apply(_ event: ObjectWatchEvent<T>) {
        state.withLock { s in
            let notification: Notification
            switch event {
            case .added(let object), .modified(let object):
                s.lastResourceVersion = object.metadata.resourceVersion
                if let old = s.store.upsert(object) { notification = .update(old, object) } else { notification = .add(object) }
            case .deleted(let object):
                s.lastResourceVersion = object.metadata.resourceVersion
                let old = s.store.remove(key: InformerStore<T>.key(object)) ?? object
                notification = .delete(old)
            case .bookmark(let version):
                s.lastResourceVersion = version
                return
            case .closed:
                return
            }
            let handlers = s.handlers
            handlerQueue.async { for handler in handlers { notification.deliver(to: handler) } }
        }
    }

    private func resyncLoop() async {
        while !isStopped {
            try? await Task.sleep(nanoseconds: resyncNanoseconds)
            if isStopped { return }
            state.withLock { s in
                let (objects, handlers) = (s.store.all(), s.handlers)
                handlerQueue.async { for object in objects { for handler in handlers { handler.onUpdate(object, object) } } }
            }
        }
    }
}
