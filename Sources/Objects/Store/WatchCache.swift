import KVClient
import Synchronization

/// The API server's cache of one resource: ONE store watch feeds an in-memory copy of every object
/// and a bounded window of recent changes, from which any number of watchers are served (each change
/// decoded once, each object encoded once) and lists are answered at a consistent revision.
///
/// Worked example: the cache listed at revision 100 and then saw changes at 101..160 with a window
/// of 50 changes, so it holds 111..160 and its floor is 110. A watch from "120" gets 121..160 from
/// memory, then live changes; a watch from "105" gets `.closed(.gone)` (410); a watch from "" or "0"
/// gets an ADDED per current object, then live changes.
///
/// - Warning: Thread-safe. Store updates are applied on the store client's delivery thread; fan-out
///   to watchers happens there too (each watcher is an append under its own lock). Lock order: the
///   cache's state lock, then a watcher's lock.
public final class WatchCache<T: APIObject>: Sendable {
    /// The store the cache follows (lists it cannot serve go there).
    public let store: ObjectStore<T>
    /// How many recent changes are kept for watchers that start at a recent version.
    public let windowCapacity: Int
    /// Default bound of each watcher's buffer.
    public let watcherBufferCapacity: Int
    /// How long a list waits for the cache to catch up with the store before going to the store.
    public let catchUpWaitNanoseconds: UInt64
    /// Watch every key under `/registry/` (not just this resource's): other resources' changes are
    /// dropped after a key comparison, but their revisions tell the cache it is caught up, so
    /// consistent lists are answered from memory without waiting for a progress notice.
    public let followWholeRegistry: Bool

    let state = Mutex(CacheState())
    private let counterState = Mutex(Counters())

    struct CacheState {
        var objects: [String: CachedObject<T>] = [:]
        /// The keys of `objects` in order, rebuilt only after a key is added or removed (most changes
        /// modify existing objects).
        var sortedKeysCache: [String]? = nil
        /// The revision up to which the cache has seen everything (0 before the first list).
        var revision: Int64 = 0
        /// Changes with revision > `floor` are all in the window.
        var floor: Int64 = 0
        var window: [CacheChange<T>] = []
        var windowHead = 0
        var watchers: [Int: CacheWatcher<T>] = [:]
        /// The watchers' buffers in id order (the fan-out order; ids ascend), not generic so the
        /// fan-out loop runs without generic metadata lookups.
        var buffers: [WatcherBuffer] = []
        /// The same buffers by scope: all namespaces (""), or one namespace; the fan-out of a change
        /// in namespace N visits `byNamespace[""]` and `byNamespace[N]` only.
        var byNamespace: [String: [WatcherBuffer]] = [:]
        var nextWatcherID = 1
        var ready = false
        var stopped = false
        var storeWatch: (any WatchHandle)?
        var generation = 0
    }

    /// How lists were answered (for tests and metrics).
    public struct Counters: Equatable, Sendable {
        /// Lists answered from memory.
        public var listsFromCache = 0
        /// Lists passed to the store (pages, exact versions, or the cache not caught up in time).
        public var listsFromStore = 0
        /// Store events received.
        public var changesApplied = 0
        /// Times the store watch ended and the cache listed again.
        public var reinitializations = 0
    }

    /// A cache over `store`; call ``start()`` before use.
    public init(store: ObjectStore<T>, windowCapacity: Int = 1_000, watcherBufferCapacity: Int = 1_000,
                catchUpWaitNanoseconds: UInt64 = 200_000_000, followWholeRegistry: Bool = true) {
        self.followWholeRegistry = followWholeRegistry
        self.store = store
        self.windowCapacity = max(1, windowCapacity)
        self.watcherBufferCapacity = max(1, watcherBufferCapacity)
        self.catchUpWaitNanoseconds = catchUpWaitNanoseconds
    }

    /// The counters so far.
    public var counters: Counters { counterState.withLock { $0 } }

    /// The revision the cache has caught up to.
    public var revision: Int64 { state.withLock { $0.revision } }

    /// Whether the cache holds a complete state and follows the store.
    public var isReady: Bool { state.withLock { $0.ready } }

    /// Lists the store and starts following it. Restarts by itself (re-list, watchers closed) when
    /// its store watch ends.
    /// - Throws: what the initial list throws.
    public func start() async throws(StoreError) {
        let list = try await store.list()
        try install(list)
    }

    /// Stops following the store and closes every watcher.
    public func stop() {
        let (handle, watchers) = state.withLock { s -> ((any WatchHandle)?, [WatcherBuffer]) in
            s.stopped = true
            s.ready = false
            let w = s.buffers
            s.watchers.removeAll()
            s.buffers.removeAll()
            s.byNamespace.removeAll()
            let h = s.storeWatch
            s.storeWatch = nil
            return (h, w)
        }
        handle?.cancel()
        for watcher in watchers where watcher.enqueue(.closed(.unavailable(message: "watch cache stopped"))) { watcher.wake() }
    }

    /// Replaces the state with a fresh list and watches the store from just after it; watchers of
    /// the previous state are closed (they watch again and, if too old, list again).
    private func install(_ list: ObjectList<T>) throws(StoreError) {
        let listRevision = Int64(list.resourceVersion) ?? 0
        let installed = state.withLock { s -> ([WatcherBuffer], Int)? in
            if s.stopped { return nil }
            s.objects.removeAll(keepingCapacity: true)
            for object in list.items {
                let cached = CachedObject(object)
                s.objects[cached.cacheKey] = cached
            }
            s.sortedKeysCache = nil
            s.revision = listRevision
            s.floor = listRevision
            s.window.removeAll()
            s.windowHead = 0
            let closing = s.buffers
            s.watchers.removeAll()
            s.buffers.removeAll()
            s.byNamespace.removeAll()
            s.generation += 1
            s.ready = true
            return (closing, s.generation)
        }
        guard let (closing, generation) = installed else { return }
        for watcher in closing where watcher.enqueue(.closed(.unavailable(message: "watch cache reinitialized"))) { watcher.wake() }
        let prefix = followWholeRegistry ? Array(RegistryKey.root.utf8) : RegistryKey.prefix(store.kind, namespace: "")
        let query = WatchQuery(KeyRange.prefix(prefix), startRevision: listRevision + 1, prevKV: false, progressNotify: true)
        let handle: any WatchHandle
        do {
            handle = try store.client.watch(query) { [weak self] update in self?.receive(update, generation: generation) }
        } catch {
            state.withLock { $0.ready = false }
            throw StoreError.from(error, compactedMessage: error.description)
        }
        let stale = state.withLock { s -> Bool in
            if s.stopped || s.generation != generation { return true }
            s.storeWatch = handle
            return false
        }
        if stale { handle.cancel() }
    }

    /// One update of the store watch.
    private func receive(_ update: WatchUpdate, generation: Int) {
        switch update {
        case .events(let events):
            apply(events, generation: generation)
        case .progress(let revision):
            advance(to: revision, generation: generation)
        case .canceled:
            let restart = state.withLock { s -> Bool in
                guard s.generation == generation, !s.stopped else { return false }
                s.ready = false
                s.storeWatch = nil
                return true
            }
            if restart { scheduleRestart() }
        }
    }

    /// Re-lists and re-watches until it works or the cache is stopped (bounded backoff).
    private func scheduleRestart() {
        counterState.withLock { $0.reinitializations += 1 }
        Task { [weak self] in
            var delay: UInt64 = 10_000_000
            while let cache = self, !cache.state.withLock({ $0.stopped }) {
                do throws(StoreError) {
                    let list = try await cache.store.list()
                    try cache.install(list)
                    return
                } catch {
                    try? await Task.sleep(nanoseconds: delay)
                    delay = min(delay * 2, 1_000_000_000)
                }
            }
        }
    }

    /// Applies store events (whole revisions, in order) and fans them out.
    private func apply(_ events: [KVEvent], generation: Int) {
        // Decode before taking the lock (lists and new watchers do not wait for the decoder). A value
        // that does not decode is not an object of this kind: it counts as absent.
        var decoded: [(key: String, revision: Int64, current: CachedObject<T>?)] = []
        decoded.reserveCapacity(events.count)
        var lastRevision: Int64 = 0
        for event in events {
            lastRevision = max(lastRevision, event.pair.modRevision)
            guard let (namespace, name) = RegistryKey.parse(event.pair.key, kind: store.kind) else { continue }
            let current = event.kind == .put ? (try? store.decode(event.pair)).map { CachedObject($0) } : nil
            decoded.append((CachedObject<T>.cacheKey(namespace: namespace, name: name), event.pair.modRevision, current))
        }
        var toWake: [WatcherBuffer] = []
        state.withLock { s in
            guard s.generation == generation, s.ready else { return }
            // The store delivers each revision once, in order (KVClient's contract).
            for (key, revision, current) in decoded {
                let previous = s.objects[key]
                if current == nil && previous == nil { continue }
                if (previous == nil) != (current == nil) { s.sortedKeysCache = nil }
                s.objects[key] = current
                let change = CacheChange(revision: revision, current: current, previous: previous)
                s.window.append(change)
                s.revision = max(s.revision, revision)
                // Watchers without a filter all get the same event: derive it once.
                let unfiltered = change.event(filter: nil).map(CacheWatcher<T>.erase)
                let changeNamespace = change.namespace
                for scope in changeNamespace.isEmpty ? [""] : ["", changeNamespace] {
                    guard let scoped = s.byNamespace[scope] else { continue }
                    for buffer in scoped {
                        let e = buffer.hasFilter
                            ? s.watchers[buffer.id].flatMap { change.event(filter: $0.filter) }.map(CacheWatcher<T>.erase)
                            : unfiltered
                        if let e, buffer.enqueue(e) { toWake.append(buffer) }
                    }
                }
            }
            trimWindow(&s)
            // Other resources' revisions (whole-registry watch) move the cache forward too.
            s.revision = max(s.revision, lastRevision)
        }
        counterState.withLock { $0.changesApplied += events.count }
        for watcher in toWake { watcher.wake() }
    }

    /// Drops the oldest whole revisions beyond the window's capacity, raising the floor.
    private func trimWindow(_ s: inout CacheState) {
        while s.window.count - s.windowHead > windowCapacity {
            let oldest = s.window[s.windowHead].revision
            while s.windowHead < s.window.count && s.window[s.windowHead].revision == oldest { s.windowHead += 1 }
            s.floor = oldest
        }
        if s.windowHead > 1024 && s.windowHead * 2 > s.window.count {
            s.window.removeFirst(s.windowHead)
            s.windowHead = 0
        }
    }

    /// A progress notice: nothing for this resource up to `revision`; bookmarks go to the watchers
    /// that asked for them.
    private func advance(to revision: Int64, generation: Int) {
        var toWake: [WatcherBuffer] = []
        state.withLock { s in
            guard s.generation == generation, s.ready, revision > s.revision else { return }
            s.revision = revision
            for buffer in s.buffers where buffer.allowBookmarks {
                if buffer.enqueue(.bookmark(revision)) { toWake.append(buffer) }
            }
        }
        for watcher in toWake { watcher.wake() }
    }

    /// Starts a watcher of one namespace (or all) from `options.resourceVersion`: "" or "0" begins
    /// with an ADDED per matching object; "N" replays the changes after N from the window, or ends
    /// at once with `.closed(.gone)` when N is older than the window.
    /// - Throws: `.badRequest` for a malformed version, `.unavailable` while the cache (re)initializes.
    public func watch(namespace: String = "", options: WatchOptions = WatchOptions(),
                      filter: (@Sendable (T) -> Bool)? = nil, bufferCapacity: Int? = nil) throws(StoreError) -> CacheWatcher<T> {
        let startAfter = try options.startAfter()
        let namespace = store.kind.namespaced ? namespace : ""
        let capacity = bufferCapacity ?? watcherBufferCapacity
        let result: Result<CacheWatcher<T>, StoreError> = state.withLock { s in
            guard s.ready else { return .failure(.unavailable(message: "watch cache of \(store.kind.qualifiedResource) is initializing")) }
            let id = s.nextWatcherID
            s.nextWatcherID += 1
            let buffer = WatcherBuffer(id: id, namespace: namespace, hasFilter: filter != nil,
                                       allowBookmarks: options.allowBookmarks, capacity: capacity)
            let watcher = CacheWatcher<T>(buffer: buffer, filter: filter, onCancel: { [weak self] id in self?.remove(id) })
            if let after = startAfter {
                if after < s.floor {
                    _ = buffer.enqueue(.closed(.gone(message: "too old resource version: \(after) (\(s.floor))")))
                    return .success(watcher)
                }
                for change in s.window[s.windowHead...] where change.revision > after && buffer.covers(namespace: change.namespace) {
                    if let e = change.event(filter: filter) { _ = buffer.enqueue(CacheWatcher<T>.erase(e), force: true) }
                }
            } else {
                for cached in Self.objects(in: &s, namespace: namespace) where filter?(cached.object) ?? true {
                    _ = buffer.enqueue(.added(cached), force: true)
                }
            }
            s.watchers[id] = watcher
            s.buffers.append(buffer)
            s.byNamespace[namespace, default: []].append(buffer)
            return .success(watcher)
        }
        switch result {
        case .success(let watcher): return watcher
        case .failure(let error): throw error
        }
    }

    /// The cached objects of one namespace (or all with ""), in key order: a binary search of the
    /// sorted keys for the namespace's range.
    static func objects(in s: inout CacheState, namespace: String) -> [CachedObject<T>] {
        if s.sortedKeysCache == nil { s.sortedKeysCache = s.objects.keys.sorted() }
        let keys = s.sortedKeysCache!
        var lower = 0, upper = keys.count
        if !namespace.isEmpty {
            let prefix = namespace + "/"
            // First key ≥ prefix; the namespace's keys follow until one does not start with it.
            var low = 0, high = keys.count
            while low < high {
                let mid = (low + high) / 2
                if keys[mid] < prefix { low = mid + 1 } else { high = mid }
            }
            lower = low
            upper = low
            while upper < keys.count && keys[upper].hasPrefix(prefix) { upper += 1 }
        }
        return keys[lower..<upper].map { s.objects[$0]! }
    }

    /// The number of live watchers.
    public var watcherCount: Int { state.withLock { $0.watchers.count } }

    private func remove(_ id: Int) {
        state.withLock { s in
            guard let watcher = s.watchers.removeValue(forKey: id) else { return }
            s.buffers.removeAll { $0.id == id }
            let scope = watcher.buffer.namespace
            s.byNamespace[scope]?.removeAll { $0.id == id }
            if s.byNamespace[scope]?.isEmpty == true { s.byNamespace[scope] = nil }
        }
    }

    func count(fromCache: Bool) {
        counterState.withLock { c in if fromCache { c.listsFromCache += 1 } else { c.listsFromStore += 1 } }
    }
}
