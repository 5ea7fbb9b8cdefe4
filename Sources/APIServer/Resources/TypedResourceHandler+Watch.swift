import Objects
import Synchronization

extension TypedResourceHandler {
    /// Watches from the watch cache: events carry the cached object's JSON (encoded once for every
    /// watcher); a start version older than the cache's window is an in-stream 410.
    public func watch(namespace: String, options: WatchParameters,
                      sink: @escaping @Sendable (WatchStreamEvent) -> Bool) throws(APIStatus) -> any WatchStreamHandle {
        let filter = try SelectorFilter<T>(label: options.labelSelector, field: options.fieldSelector).predicate
        let watcher: CacheWatcher<T>
        do {
            watcher = try cache.watch(namespace: namespace,
                                      options: WatchOptions(resourceVersion: options.resourceVersion, allowBookmarks: options.allowBookmarks),
                                      filter: filter)
        } catch {
            throw APIStatus.from(error, kind: kind)
        }
        let pump = CacheWatchPump(watcher: watcher, kind: kind, sink: sink)
        watcher.setWakeup { pump.drain() }
        pump.drain()
        return pump
    }
}

/// Moves events from a cache watcher to an HTTP watch stream. Drains run one at a time (a drain
/// that finds another running leaves the work to it), so events keep their order.
final class CacheWatchPump<T: APIObject>: WatchStreamHandle, Sendable {
    private let watcher: CacheWatcher<T>
    private let kind: ResourceKind
    private let sink: @Sendable (WatchStreamEvent) -> Bool
    /// (draining, more work arrived while draining, finished)
    private let state = Mutex<(draining: Bool, again: Bool, finished: Bool)>((false, false, false))

    init(watcher: CacheWatcher<T>, kind: ResourceKind, sink: @escaping @Sendable (WatchStreamEvent) -> Bool) {
        self.watcher = watcher
        self.kind = kind
        self.sink = sink
    }

    func drain() {
        let mine = state.withLock { s -> Bool in
            if s.finished { return false }
            if s.draining {
                s.again = true
                return false
            }
            s.draining = true
            return true
        }
        guard mine else { return }
        while true {
            let events = watcher.take(maxEvents: 256)
            var stop = false
            for event in events {
                let out: WatchStreamEvent
                switch event {
                case .added(let o): out = .object(type: "ADDED", json: o.json)
                case .modified(let o): out = .object(type: "MODIFIED", json: o.json)
                case .deleted(let o): out = .object(type: "DELETED", json: o.json)
                case .bookmark(let revision): out = .bookmark(resourceVersion: String(revision))
                case .closed(let error):
                    // 410 for a start version older than the cache's window; otherwise the cache cut
                    // the watcher (too slow, or restarting) and the client watches again.
                    if case .gone = error { out = .error(APIStatus.expired(error.description)) } else { out = .error(APIStatus.from(error, kind: kind)) }
                }
                if !sink(out) {
                    stop = true
                    break
                }
            }
            if stop {
                cancel()
                return
            }
            let more = state.withLock { s -> Bool in
                if s.again || (!events.isEmpty && watcher.bufferedCount > 0) {
                    s.again = false
                    return true
                }
                s.draining = false
                return false
            }
            if !more { return }
        }
    }

    func cancel() {
        let first = state.withLock { s -> Bool in
            defer { s.finished = true }
            return !s.finished
        }
        if first { watcher.cancel() }
    }
}
