/// One event of an object watch, as Kubernetes streams them.
public enum ObjectWatchEvent<T: APIObject>: Equatable, Sendable {
    /// The object appeared (created, or changed so that it now matches the filter).
    case added(T)
    /// The object changed and matched before and after.
    case modified(T)
    /// The object was deleted, or changed so that it no longer matches: its last matching state,
    /// with the `resourceVersion` of the change.
    case deleted(T)
    /// Nothing for this watcher up to `resourceVersion` (only when bookmarks were asked for).
    case bookmark(resourceVersion: String)
    /// The watch ended; nothing follows. `.gone` (410) when the start version was compacted: list
    /// again. `.unavailable` when the store went away: watch again from the last version seen.
    case closed(StoreError)

    /// Kubernetes' event `type`: `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`, `ERROR`.
    public var typeName: String {
        switch self {
        case .added: return "ADDED"
        case .modified: return "MODIFIED"
        case .deleted: return "DELETED"
        case .bookmark: return "BOOKMARK"
        case .closed: return "ERROR"
        }
    }

    /// The object, for the three object events.
    public var object: T? {
        switch self {
        case .added(let o), .modified(let o), .deleted(let o): return o
        case .bookmark, .closed: return nil
        }
    }

    /// The event for one change of one object as a watcher with `filter` sees it: `previous` is the
    /// state before (nil when created), `current` the state after (nil when deleted); nil when the
    /// watcher sees nothing. An object that starts matching is ADDED, one that stops is DELETED with
    /// its previous content and the change's `resourceVersion`.
    public static func transition(previous: T?, current: T?, resourceVersion: String,
                                  filter: ((T) -> Bool)?) -> ObjectWatchEvent<T>? {
        let previousMatches = previous.map { filter?($0) ?? true } ?? false
        if let current {
            let currentMatches = filter?(current) ?? true
            switch (previousMatches, currentMatches) {
            case (false, true): return .added(current)
            case (true, true): return .modified(current)
            case (true, false):
                var last = previous!
                last.metadata.resourceVersion = resourceVersion
                return .deleted(last)
            case (false, false): return nil
            }
        }
        guard previousMatches, var last = previous else { return nil }
        last.metadata.resourceVersion = resourceVersion
        return .deleted(last)
    }
}

/// The options of a watch (query parameters `resourceVersion`, `allowWatchBookmarks`).
public struct WatchOptions: Equatable, Sendable {
    /// "" or "0": first an ADDED for every matching object, then changes; "N": every change after N.
    public var resourceVersion: String
    /// Send BOOKMARK events carrying the latest version when nothing else happens.
    public var allowBookmarks: Bool

    /// Options.
    public init(resourceVersion: String = "", allowBookmarks: Bool = false) {
        self.resourceVersion = resourceVersion
        self.allowBookmarks = allowBookmarks
    }

    /// The version to start after, or nil for "now, with initial ADDED events".
    /// - Throws: `.badRequest` for a malformed version.
    func startAfter() throws(StoreError) -> Int64? {
        if resourceVersion.isEmpty || resourceVersion == "0" { return nil }
        guard let n = Int64(resourceVersion), n > 0 else {
            throw .badRequest(message: "invalid resource version: \"\(resourceVersion)\"")
        }
        return n
    }
}
