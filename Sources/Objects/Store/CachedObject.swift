import Synchronization

/// One object as the watch cache holds it: decoded once from the store, its JSON encoding produced
/// at most once (on first use) and shared by every watcher and list that sends it.
public final class CachedObject<T: APIObject>: Sendable {
    /// The decoded object, `resourceVersion` set.
    public let object: T
    private let encoding = Mutex<[UInt8]?>(nil)

    /// Wraps a decoded object.
    public init(_ object: T) {
        self.object = object
    }

    /// The object's JSON (as `T.encodeJSON()` writes it), computed on the first call only.
    public var json: [UInt8] {
        encoding.withLock { cached in
            if let bytes = cached { return bytes }
            let bytes = object.encodeJSON()
            cached = bytes
            return bytes
        }
    }

    /// The object's namespace and name, `namespace/name` (`name` for cluster-scoped kinds).
    var cacheKey: String { Self.cacheKey(namespace: object.metadata.namespace, name: object.metadata.name) }

    static func cacheKey(namespace: String, name: String) -> String {
        namespace.isEmpty ? name : namespace + "/" + name
    }
}

/// One change the watch cache saw: the object before and after, decoded once; shared by every
/// watcher, each of which derives its own event type from its filter.
final class CacheChange<T: APIObject>: Sendable {
    let revision: Int64
    /// The state after the change; nil for a deletion.
    let current: CachedObject<T>?
    /// The state before; nil for a creation (or when the cache never saw the object).
    let previous: CachedObject<T>?
    /// `previous` stamped with this change's version (what a DELETED event carries), made once.
    private let tombstoneSlot = Mutex<CachedObject<T>?>(nil)

    init(revision: Int64, current: CachedObject<T>?, previous: CachedObject<T>?) {
        self.revision = revision
        self.current = current
        self.previous = previous
    }

    var namespace: String { (current ?? previous)?.object.metadata.namespace ?? "" }

    /// The previous object with this change's `resourceVersion`.
    var tombstone: CachedObject<T>? {
        guard let previous else { return nil }
        return tombstoneSlot.withLock { slot in
            if let made = slot { return made }
            var object = previous.object
            object.metadata.resourceVersion = String(revision)
            let made = CachedObject(object)
            slot = made
            return made
        }
    }

    /// The event a watcher with `filter` receives for this change, or nil.
    func event(filter: ((T) -> Bool)?) -> CacheWatchEvent<T>? {
        let previousMatches = previous.map { filter?($0.object) ?? true } ?? false
        if let current {
            let currentMatches = filter?(current.object) ?? true
            switch (previousMatches, currentMatches) {
            case (false, true): return .added(current)
            case (true, true): return .modified(current)
            case (true, false): return tombstone.map { .deleted($0) }
            case (false, false): return nil
            }
        }
        return previousMatches ? tombstone.map { .deleted($0) } : nil
    }
}

/// An event of a watch served from the cache: the shared ``CachedObject`` (so the API server writes
/// bytes encoded once), or a bookmark, or the end of the watch.
public enum CacheWatchEvent<T: APIObject>: Sendable {
    case added(CachedObject<T>)
    case modified(CachedObject<T>)
    case deleted(CachedObject<T>)
    /// Nothing more for this watcher up to `revision`.
    case bookmark(revision: Int64)
    /// The watch ended (410 `.gone` for a start version older than the window; `.unavailable` when
    /// the watcher was too slow or the cache restarted). Nothing follows.
    case closed(StoreError)

    /// The same event with plain objects.
    public var objectEvent: ObjectWatchEvent<T> {
        switch self {
        case .added(let o): return .added(o.object)
        case .modified(let o): return .modified(o.object)
        case .deleted(let o): return .deleted(o.object)
        case .bookmark(let revision): return .bookmark(resourceVersion: String(revision))
        case .closed(let error): return .closed(error)
        }
    }
}
