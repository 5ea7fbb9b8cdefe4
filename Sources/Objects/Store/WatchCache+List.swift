import KVClient

/// A list answered from the watch cache: the shared cached objects (each encoded at most once).
public struct CachedList<T: APIObject>: Sendable {
    /// Matching objects in key order.
    public var items: [CachedObject<T>]
    /// The cache revision the list reflects.
    public var resourceVersion: String
}

extension WatchCache {
    /// Lists from memory when the cache can answer the request as the store would, else from the
    /// store. `resourceVersion` "0": the cache as it is. "": a consistent read — the store's current
    /// revision is read with a one-key range (the resource's prefix itself, never an object), and the cache answers once it has caught up
    /// with that revision (waiting at most ``catchUpWaitNanoseconds``; it only learns of revisions
    /// through its own resource's changes and progress notices, so on a timeout the store answers).
    /// "N" (not older than): the same wait for N. `limit`, `continue` and `Exact` go to the store.
    /// - Throws: as ``ObjectStore/list(namespace:options:filter:)``.
    public func list(namespace: String = "", options: ListOptions = ListOptions(),
                     filter: ((T) -> Bool)? = nil) async throws(StoreError) -> ObjectList<T> {
        if let cached = try await cachedList(namespace: namespace, options: options, filter: filter) {
            return ObjectList(items: cached.items.map(\.object), resourceVersion: cached.resourceVersion)
        }
        count(fromCache: false)
        return try await store.list(namespace: namespace, options: options, filter: filter)
    }

    /// The list from memory (the API server writes `items[i].json`), or nil when the request must
    /// go to the store (see ``list(namespace:options:filter:)``).
    public func cachedList(namespace: String = "", options: ListOptions = ListOptions(),
                           filter: ((T) -> Bool)? = nil) async throws(StoreError) -> CachedList<T>? {
        if options.limit > 0 || !(options.continueToken ?? "").isEmpty || options.resourceVersionMatch == .exact { return nil }
        var needed: Int64 = 0
        switch options.resourceVersion {
        case "0":
            needed = 0
        case "":
            let prefix = RegistryKey.prefix(store.kind, namespace: "")
            do {
                // One key that never holds an object: the answer carries the revision and nothing else.
                needed = try await store.client.range(RangeQuery(KeyRange(key: prefix))).revision
            } catch {
                throw StoreError.from(error, compactedMessage: error.description)
            }
        default:
            guard let n = Int64(options.resourceVersion), n > 0 else {
                throw .badRequest(message: "invalid resource version: \"\(options.resourceVersion)\"")
            }
            needed = n
        }
        guard await waitUntilCaughtUp(to: needed) else { return nil }
        let answer: CachedList<T>? = state.withLock { s in
            guard s.ready, s.revision >= needed else { return nil }
            let scope = store.kind.namespaced ? namespace : ""
            var items = Self.objects(in: &s, namespace: scope)
            if let filter { items.removeAll { !filter($0.object) } }
            return CachedList(items: items, resourceVersion: String(s.revision))
        }
        if answer != nil { count(fromCache: true) }
        return answer
    }

    /// Waits (bounded) until the cache is ready at `revision` or later.
    func waitUntilCaughtUp(to revision: Int64) async -> Bool {
        let start = ContinuousClock.now
        let limit = Duration.nanoseconds(Int64(catchUpWaitNanoseconds))
        while true {
            let (ready, current) = state.withLock { ($0.ready, $0.revision) }
            if ready && current >= revision { return true }
            if ContinuousClock.now - start >= limit { return false }
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
    }
}
