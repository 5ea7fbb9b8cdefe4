/// One key's current value and its revisions, as the store reports it (etcd's `mvccpb.KeyValue`).
public struct KVPair: Equatable, Sendable {
    public var key: [UInt8]
    public var value: [UInt8]
    /// Revision of the write that created the key (since its last deletion).
    public var createRevision: Int64
    /// Revision of the last write to the key; Kubernetes' `resourceVersion`.
    public var modRevision: Int64
    /// Writes since creation (1 for a new key).
    public var version: Int64
    /// Attached lease (0 = none).
    public var lease: Int64

    public init(key: [UInt8], value: [UInt8], createRevision: Int64, modRevision: Int64, version: Int64, lease: Int64 = 0) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }
}

/// Which keys a request touches: one key, a half-open interval, or everything under a prefix.
public struct KeyRange: Equatable, Sendable {
    public var key: [UInt8]
    /// Exclusive end; empty = only `key`; `[0]` = every key ≥ `key`.
    public var end: [UInt8]

    public init(key: [UInt8], end: [UInt8] = []) {
        self.key = key
        self.end = end
    }

    /// Every key starting with `prefix` (the end is the prefix with its last byte incremented).
    public static func prefix(_ prefix: [UInt8]) -> KeyRange {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.count - 1] = last + 1
                return KeyRange(key: prefix, end: end)
            }
            end.removeLast()
        }
        return KeyRange(key: prefix.isEmpty ? [0] : prefix, end: [0])
    }
}

/// A read of keys (etcd's `RangeRequest`, the options clients use).
public struct RangeQuery: Equatable, Sendable {
    public var range: KeyRange
    /// At most this many pairs (0 = no limit); `more` says whether more matched.
    public var limit: Int64 = 0
    /// Read at this revision (0 = the current one).
    public var revision: Int64 = 0
    /// Answer from the local member without a linearizability round (may be stale).
    public var serializable: Bool = false
    public var keysOnly: Bool = false
    public var countOnly: Bool = false

    public init(_ range: KeyRange, limit: Int64 = 0, revision: Int64 = 0, serializable: Bool = false,
                keysOnly: Bool = false, countOnly: Bool = false) {
        self.range = range
        self.limit = limit
        self.revision = revision
        self.serializable = serializable
        self.keysOnly = keysOnly
        self.countOnly = countOnly
    }
}

/// What a read returned, at which store revision.
public struct RangeResult: Equatable, Sendable {
    /// The store's revision the read saw (Kubernetes' list `resourceVersion`).
    public var revision: Int64
    public var pairs: [KVPair]
    /// More pairs matched than `limit` allowed.
    public var more: Bool
    /// How many keys matched in all.
    public var count: Int64

    public init(revision: Int64, pairs: [KVPair], more: Bool, count: Int64) {
        self.revision = revision
        self.pairs = pairs
        self.more = more
        self.count = count
    }
}

/// A write of one key (etcd's `PutRequest`).
public struct PutCommand: Equatable, Sendable {
    public var key: [UInt8]
    public var value: [UInt8]
    public var lease: Int64
    /// Return the previous pair in the result.
    public var prevKV: Bool

    public init(key: [UInt8], value: [UInt8], lease: Int64 = 0, prevKV: Bool = false) {
        self.key = key
        self.value = value
        self.lease = lease
        self.prevKV = prevKV
    }
}

/// A deletion of keys (etcd's `DeleteRangeRequest`).
public struct DeleteCommand: Equatable, Sendable {
    public var range: KeyRange
    /// Return the deleted pairs in the result.
    public var prevKV: Bool

    public init(_ range: KeyRange, prevKV: Bool = false) {
        self.range = range
        self.prevKV = prevKV
    }
}

/// A condition of a transaction (etcd's `Compare`), on every key of `range`.
public struct TxnCompare: Equatable, Sendable {
    /// What is compared, with the operand.
    public enum Target: Equatable, Sendable {
        case value([UInt8])
        /// Writes since creation; 0 means "the key does not exist".
        case version(Int64)
        /// 0 means "the key does not exist".
        case createRevision(Int64)
        case modRevision(Int64)
        case lease(Int64)
    }

    public enum Relation: Equatable, Sendable { case equal, notEqual, less, greater }

    public var range: KeyRange
    public var relation: Relation
    public var target: Target

    public init(_ range: KeyRange, _ relation: Relation, _ target: Target) {
        self.range = range
        self.relation = relation
        self.target = target
    }

    /// The key does not exist (create-if-absent).
    public static func absent(_ key: [UInt8]) -> TxnCompare { TxnCompare(KeyRange(key: key), .equal, .createRevision(0)) }

    /// The key was last written at `revision` (optimistic concurrency on resourceVersion).
    public static func modifiedAt(_ key: [UInt8], _ revision: Int64) -> TxnCompare {
        TxnCompare(KeyRange(key: key), .equal, .modRevision(revision))
    }
}

/// One operation of a transaction branch.
public enum TxnOperation: Equatable, Sendable {
    case range(RangeQuery)
    case put(PutCommand)
    case delete(DeleteCommand)
}

/// An atomic compare-then-act (etcd's `TxnRequest`): if every compare holds, `success` runs,
/// otherwise `failure`; both at one new revision.
public struct TxnCommand: Equatable, Sendable {
    public var compares: [TxnCompare]
    public var success: [TxnOperation]
    public var failure: [TxnOperation]

    public init(compares: [TxnCompare], success: [TxnOperation], failure: [TxnOperation] = []) {
        self.compares = compares
        self.success = success
        self.failure = failure
    }
}

/// The result of one transaction operation.
public enum TxnOperationResult: Equatable, Sendable {
    case range(RangeResult)
    /// The previous pair, when asked for and the key existed.
    case put(previous: KVPair?)
    /// How many keys were deleted, and the deleted pairs when asked for.
    case delete(deleted: Int64, previous: [KVPair])
}

/// What a write (put, delete or transaction) did, at which revision.
public struct WriteResult: Equatable, Sendable {
    /// The store's revision after the write (unchanged if it wrote nothing).
    public var revision: Int64
    /// For a transaction: whether the compares held; always true for a put or delete.
    public var succeeded: Bool
    /// One result per operation that ran (a put or delete has exactly one).
    public var results: [TxnOperationResult]

    public init(revision: Int64, succeeded: Bool, results: [TxnOperationResult]) {
        self.revision = revision
        self.succeeded = succeeded
        self.results = results
    }
}
