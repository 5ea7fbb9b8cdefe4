/// etcd's `ResponseHeader`. The keyspace fills `revision`; the replica fills the cluster fields.
public struct ResponseHeader: Sendable, Equatable {
    /// The cluster's ID (set by the replica).
    public var clusterID: UInt64
    /// The answering member's ID (set by the replica).
    public var memberID: UInt64
    /// The keyspace revision the response reflects.
    public var revision: Int64
    /// The Raft term (set by the replica).
    public var raftTerm: UInt64

    /// A header; only `revision` is known to the keyspace.
    public init(revision: Int64, clusterID: UInt64 = 0, memberID: UInt64 = 0, raftTerm: UInt64 = 0) {
        self.clusterID = clusterID
        self.memberID = memberID
        self.revision = revision
        self.raftTerm = raftTerm
    }
}

/// etcd's `RangeResponse`.
public struct RangeResponse: Sendable, Equatable {
    /// The revision read at (the current revision when the request said 0).
    public var header: ResponseHeader
    /// The matching key/values after filters, sort and limit (empty with count_only).
    public var kvs: [KeyValue]
    /// Whether `limit` cut the result.
    public var more: Bool
    /// Keys in the range at that revision, ignoring limit and the min/max filters.
    public var count: Int64
}

/// etcd's `PutResponse`.
public struct PutResponse: Sendable, Equatable {
    /// The revision of the write.
    public var header: ResponseHeader
    /// The previous key/value, when asked and the key existed.
    public var prevKV: KeyValue?
}

/// etcd's `DeleteRangeResponse`.
public struct DeleteRangeResponse: Sendable, Equatable {
    /// The revision after the delete (unchanged when nothing was deleted).
    public var header: ResponseHeader
    /// How many keys were deleted.
    public var deleted: Int64
    /// The deleted key/values, when asked.
    public var prevKVs: [KeyValue]
}

/// etcd's `ResponseOp`: the result of one Txn operation.
public indirect enum ResponseOp: Sendable, Equatable {
    /// From a range.
    case range(RangeResponse)
    /// From a put.
    case put(PutResponse)
    /// From a delete.
    case deleteRange(DeleteRangeResponse)
    /// From a nested txn.
    case txn(TxnResponse)
}

/// etcd's `TxnResponse`.
public struct TxnResponse: Sendable, Equatable {
    /// The revision after the txn.
    public var header: ResponseHeader
    /// Whether the compares held (the success branch ran).
    public var succeeded: Bool
    /// One response per operation of the branch that ran.
    public var responses: [ResponseOp]
}

/// The answer to a ``WriteRequest``.
public enum WriteResponse: Sendable, Equatable {
    /// Answer to a put.
    case put(PutResponse)
    /// Answer to a delete.
    case deleteRange(DeleteRangeResponse)
    /// Answer to a txn.
    case txn(TxnResponse)
    /// Answer to a compaction.
    case compaction(ResponseHeader)
    /// Answer to a lease grant.
    case leaseGrant(ResponseHeader, LeaseGrantResponse)
    /// Answer to a lease revoke.
    case leaseRevoke(ResponseHeader)
    /// Answer to a lease checkpoint.
    case leaseCheckpoint(ResponseHeader)

    /// The header of whichever response this is.
    public var header: ResponseHeader {
        switch self {
        case .put(let response): return response.header
        case .deleteRange(let response): return response.header
        case .txn(let response): return response.header
        case .compaction(let header), .leaseRevoke(let header), .leaseCheckpoint(let header): return header
        case .leaseGrant(let header, _): return header
        }
    }
}
