/// What one event of a revision did (the watch API's event types).
public enum EventKind: String, Hashable, Sendable {
    /// A key was created or changed.
    case put
    /// A key was deleted.
    case delete
}

/// One change to one key, as the committed log and watch streams report it.
public struct WatchEvent: Hashable, Sendable, CustomStringConvertible {
    /// Put or delete.
    public var kind: EventKind
    /// The new record; for a delete only `key` and `modRevision` (the deleting revision) are set.
    public var kv: KeyValue
    /// The record before the change, when the watcher asked for it.
    public var prevKV: KeyValue?

    /// Creates an event.
    public init(kind: EventKind, kv: KeyValue, prevKV: KeyValue? = nil) {
        self.kind = kind
        self.kv = kv
        self.prevKV = prevKV
    }

    /// A delete event of `key` at `revision`.
    public static func delete(key: String, revision: Int64, prevKV: KeyValue? = nil) -> WatchEvent {
        WatchEvent(kind: .delete, kv: KeyValue(key: key, value: "", createRevision: 0, modRevision: revision, version: 0), prevKV: prevKV)
    }

    /// The revision of the change.
    public var revision: Int64 { kv.modRevision }

    /// The same event without its prev_kv (to compare content only).
    public var withoutPrevious: WatchEvent { WatchEvent(kind: kind, kv: kv, prevKV: nil) }

    /// `PUT a="v" ...@7` or `DELETE a@7`.
    public var description: String {
        kind == .put ? "PUT \(kv)" : "DELETE \(kv.key)@\(kv.modRevision)"
    }
}
