import KVClient

/// Where an ``Informer`` lists and watches: the store directly (``ObjectStore``) or a
/// ``WatchCache`` (as the API server serves clients).
public protocol ObjectListWatcher<Object>: Sendable {
    associatedtype Object: APIObject
    /// Lists objects (see ``ObjectStore/list(namespace:options:filter:)``).
    func list(namespace: String, options: ListOptions, filter: ((Object) -> Bool)?) async throws(StoreError) -> ObjectList<Object>
    /// Watches objects, calling `handler` one event at a time, in order, until `.closed` or cancel.
    func watch(namespace: String, options: WatchOptions, filter: (@Sendable (Object) -> Bool)?,
               handler: @escaping @Sendable (ObjectWatchEvent<Object>) -> Void) async throws(StoreError) -> any WatchHandle
}

extension ObjectStore: ObjectListWatcher {
    public typealias Object = T
}

extension WatchCache: ObjectListWatcher {
    public typealias Object = T

    /// Watches from the cache with a handler: a task drains the watcher and calls `handler` for each
    /// event, in order, one at a time.
    /// - Warning: `handler` runs on Swift concurrency's pool: it must not block.
    public func watch(namespace: String, options: WatchOptions, filter: (@Sendable (T) -> Bool)?,
                      handler: @escaping @Sendable (ObjectWatchEvent<T>) -> Void) async throws(StoreError) -> any WatchHandle {
        let watcher: CacheWatcher<T> = try watch(namespace: namespace, options: options, filter: filter, bufferCapacity: nil)
        let pump = Task {
            while true {
                let batch = await watcher.next()
                if batch.isEmpty { return }
                for event in batch { handler(event.objectEvent) }
            }
        }
        return CacheWatchHandle(watcher: watcher, pump: pump)
    }
}

/// Stops a handler-style cache watch: the watcher and the task that drains it.
struct CacheWatchHandle<T: APIObject>: WatchHandle {
    let watcher: CacheWatcher<T>
    let pump: Task<Void, Never>

    func cancel() {
        watcher.cancel()
        pump.cancel()
    }
}
