/// etcd's `RangeRequest`: read one key, a prefix/interval, or everything from a key, at one revision.
public struct RangeRequest: Sendable, Equatable {
    /// Sort order of the result (`none` keeps key order).
    public enum SortOrder: Int, Sendable, Equatable { case none = 0, ascend = 1, descend = 2 }
    /// Field the result is sorted by.
    public enum SortTarget: Int, Sendable, Equatable { case key = 0, version = 1, create = 2, mod = 3, value = 4 }

    /// First key (inclusive). `[0]` with rangeEnd `[0]` means every key.
    public var key: [UInt8]
    /// End of the interval (exclusive); empty = only `key`; `[0]` = every key ≥ `key`.
    public var rangeEnd: [UInt8]
    /// At most this many kvs (0 = no limit); `more` tells whether more matched.
    public var limit: Int64
    /// Read at this revision (0 = current).
    public var revision: Int64
    /// Sort order.
    public var sortOrder: SortOrder
    /// Sort field.
    public var sortTarget: SortTarget
    /// Whether a stale read is acceptable (the replica's business; kept for encoding).
    public var serializable: Bool
    /// Omit values.
    public var keysOnly: Bool
    /// Return only the count.
    public var countOnly: Bool
    /// Keep only kvs with mod_revision ≥ this (0 = no bound).
    public var minModRevision: Int64
    /// Keep only kvs with mod_revision ≤ this (0 = no bound).
    public var maxModRevision: Int64
    /// Keep only kvs with create_revision ≥ this (0 = no bound).
    public var minCreateRevision: Int64
    /// Keep only kvs with create_revision ≤ this (0 = no bound).
    public var maxCreateRevision: Int64

    /// A range request; every field defaults to etcd's zero value.
    public init(
        key: [UInt8], rangeEnd: [UInt8] = [], limit: Int64 = 0, revision: Int64 = 0,
        sortOrder: SortOrder = .none, sortTarget: SortTarget = .key, serializable: Bool = false,
        keysOnly: Bool = false, countOnly: Bool = false, minModRevision: Int64 = 0, maxModRevision: Int64 = 0,
        minCreateRevision: Int64 = 0, maxCreateRevision: Int64 = 0
    ) {
        self.key = key
        self.rangeEnd = rangeEnd
        self.limit = limit
        self.revision = revision
        self.sortOrder = sortOrder
        self.sortTarget = sortTarget
        self.serializable = serializable
        self.keysOnly = keysOnly
        self.countOnly = countOnly
        self.minModRevision = minModRevision
        self.maxModRevision = maxModRevision
        self.minCreateRevision = minCreateRevision
        self.maxCreateRevision = maxCreateRevision
    }
}

/// etcd's `PutRequest`.
public struct PutRequest: Sendable, Equatable {
    /// The key to write (not empty).
    public var key: [UInt8]
    /// The value to write.
    public var value: [UInt8]
    /// Lease to attach (0 = none, detaching any previous lease).
    public var lease: Int64
    /// Return the previous key/value.
    public var prevKV: Bool
    /// Keep the current value (the key must exist).
    public var ignoreValue: Bool
    /// Keep the current lease.
    public var ignoreLease: Bool

    /// A put request; options default to off.
    public init(key: [UInt8], value: [UInt8] = [], lease: Int64 = 0, prevKV: Bool = false,
                ignoreValue: Bool = false, ignoreLease: Bool = false) {
        self.key = key
        self.value = value
        self.lease = lease
        self.prevKV = prevKV
        self.ignoreValue = ignoreValue
        self.ignoreLease = ignoreLease
    }
}

/// etcd's `DeleteRangeRequest`.
public struct DeleteRangeRequest: Sendable, Equatable {
    /// First key (inclusive).
    public var key: [UInt8]
    /// End (exclusive), with the same conventions as ``RangeRequest/rangeEnd``.
    public var rangeEnd: [UInt8]
    /// Return the deleted key/values.
    public var prevKV: Bool

    /// A delete request.
    public init(key: [UInt8], rangeEnd: [UInt8] = [], prevKV: Bool = false) {
        self.key = key
        self.rangeEnd = rangeEnd
        self.prevKV = prevKV
    }
}

/// etcd's `Compare`: one condition of a Txn, over one key or a range of keys.
public struct Compare: Sendable, Equatable {
    /// The comparison operator.
    public enum Result: Int, Sendable, Equatable { case equal = 0, greater = 1, less = 2, notEqual = 3 }
    /// The field compared and the operand.
    public enum Target: Sendable, Equatable {
        /// Compare the version.
        case version(Int64)
        /// Compare the create revision.
        case createRevision(Int64)
        /// Compare the mod revision.
        case modRevision(Int64)
        /// Compare the value bytes (always false on a missing key).
        case value([UInt8])
        /// Compare the attached lease.
        case lease(Int64)
    }

    /// The key compared.
    public var key: [UInt8]
    /// With a non-empty range end, every key in the range must satisfy the compare.
    public var rangeEnd: [UInt8]
    /// Operator.
    public var result: Result
    /// Field and operand.
    public var target: Target

    /// A compare.
    public init(key: [UInt8], rangeEnd: [UInt8] = [], result: Result, target: Target) {
        self.key = key
        self.rangeEnd = rangeEnd
        self.result = result
        self.target = target
    }
}

/// etcd's `RequestOp`: one operation of a Txn branch.
public indirect enum RequestOp: Sendable, Equatable {
    /// A read.
    case range(RangeRequest)
    /// A write.
    case put(PutRequest)
    /// A delete.
    case deleteRange(DeleteRangeRequest)
    /// A nested transaction.
    case txn(TxnRequest)
}

/// etcd's `TxnRequest`: if every compare holds run `success`, else `failure`, all at one revision.
public struct TxnRequest: Sendable, Equatable {
    /// Conditions (a conjunction).
    public var compare: [Compare]
    /// Operations run when every compare holds.
    public var success: [RequestOp]
    /// Operations run otherwise.
    public var failure: [RequestOp]

    /// A transaction.
    public init(compare: [Compare] = [], success: [RequestOp] = [], failure: [RequestOp] = []) {
        self.compare = compare
        self.success = success
        self.failure = failure
    }
}

/// etcd's `CompactionRequest`: drop history below `revision`.
public struct CompactionRequest: Sendable, Equatable {
    /// The new compact revision.
    public var revision: Int64
    /// Accepted for compatibility: compaction here is always complete when the call returns.
    public var physical: Bool

    /// A compaction request.
    public init(revision: Int64, physical: Bool = false) {
        self.revision = revision
        self.physical = physical
    }
}

/// Every request that changes replicated state; the replica puts these (encoded by
/// ``WriteRequestCodec``) in Raft entries and applies them in log order.
public enum WriteRequest: Sendable, Equatable {
    /// Put.
    case put(PutRequest)
    /// DeleteRange.
    case deleteRange(DeleteRangeRequest)
    /// Txn.
    case txn(TxnRequest)
    /// Compaction.
    case compaction(CompactionRequest)
    /// LeaseGrant (ID 0 = the keyspace picks one deterministically).
    case leaseGrant(LeaseGrantRequest)
    /// LeaseRevoke (deletes the attached keys at one revision).
    case leaseRevoke(LeaseRevokeRequest)
    /// Records leases' remaining TTLs so a new leader does not restart them from the granted TTL.
    case leaseCheckpoint(LeaseCheckpointRequest)
}
