/// A request to follow changes of a key range from a revision on (etcd's `WatchCreateRequest`).
public struct WatchQuery: Equatable, Sendable {
    public var range: KeyRange
    /// First revision to deliver (0 = changes after the current revision).
    public var startRevision: Int64
    /// Deliver each event's previous pair (a deletion's last value, an update's old value).
    public var prevKV: Bool
    /// Ask for periodic progress notices when nothing changes (Kubernetes' bookmarks build on them).
    public var progressNotify: Bool

    public init(_ range: KeyRange, startRevision: Int64 = 0, prevKV: Bool = false, progressNotify: Bool = false) {
        self.range = range
        self.startRevision = startRevision
        self.prevKV = prevKV
        self.progressNotify = progressNotify
    }
}

/// One change of one key.
public struct KVEvent: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case put, delete }
    public var kind: Kind
    /// The pair after the change (for a delete: the key, an empty value, `modRevision` of the deletion).
    public var pair: KVPair
    /// The pair before the change, when asked for and it existed.
    public var previous: KVPair?

    public init(kind: Kind, pair: KVPair, previous: KVPair? = nil) {
        self.kind = kind
        self.pair = pair
        self.previous = previous
    }
}

/// What a watch delivers, in revision order.
public enum WatchUpdate: Equatable, Sendable {
    /// Events of one or more whole revisions (a transaction's events are never split across updates).
    case events([KVEvent])
    /// Nothing matched up to `revision` (a progress notice).
    case progress(revision: Int64)
    /// The watch ended: compacted (`compactRevision` > 0: events from `startRevision` are gone,
    /// restart from a list), or canceled for `reason` (the member stopped, the connection broke).
    /// Nothing follows it.
    case canceled(compactRevision: Int64, reason: String)
}

/// A running watch; cancel it when done (idempotent). After cancel returns, the handler may still
/// run at most once more with updates already in flight, then never again.
public protocol WatchHandle: Sendable {
    func cancel()
}
