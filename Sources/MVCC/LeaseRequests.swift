/// etcd's `LeaseGrantRequest`.
public struct LeaseGrantRequest: Sendable, Equatable {
    /// Time to live in seconds.
    public var ttlSeconds: Int64
    /// Requested ID, or 0 to let the keyspace choose one.
    public var id: Int64

    /// A grant request.
    public init(ttlSeconds: Int64, id: Int64 = 0) {
        self.ttlSeconds = ttlSeconds
        self.id = id
    }
}

/// etcd's `LeaseRevokeRequest`.
public struct LeaseRevokeRequest: Sendable, Equatable {
    /// The lease to revoke.
    public var id: Int64

    /// A revoke request.
    public init(id: Int64) { self.id = id }
}

/// etcd's `LeaseCheckpointRequest`: the leader's view of remaining TTLs, replicated.
public struct LeaseCheckpointRequest: Sendable, Equatable {
    /// One lease's remaining TTL.
    public struct Checkpoint: Sendable, Equatable {
        /// The lease.
        public var id: Int64
        /// Seconds left.
        public var remainingTTLSeconds: Int64
        /// A checkpoint.
        public init(id: Int64, remainingTTLSeconds: Int64) {
            self.id = id
            self.remainingTTLSeconds = remainingTTLSeconds
        }
    }

    /// The checkpoints.
    public var checkpoints: [Checkpoint]

    /// A checkpoint request.
    public init(checkpoints: [Checkpoint]) { self.checkpoints = checkpoints }
}

/// etcd's `LeaseGrantResponse` (without the header).
public struct LeaseGrantResponse: Sendable, Equatable {
    /// The granted ID.
    public var id: Int64
    /// The granted TTL in seconds.
    public var ttlSeconds: Int64
}

/// etcd's `LeaseTimeToLiveResponse`; `ttlSeconds == -1` means the lease does not exist.
public struct LeaseTimeToLiveResponse: Sendable, Equatable {
    /// Current revision.
    public var header: ResponseHeader
    /// The lease asked about.
    public var id: Int64
    /// Seconds left (-1: no such lease).
    public var ttlSeconds: Int64
    /// The TTL it was granted with.
    public var grantedTTLSeconds: Int64
    /// Attached keys in key order (only when asked).
    public var keys: [[UInt8]]
}

/// etcd's `LeaseTimeToLiveRequest`.
public struct LeaseTimeToLiveRequest: Sendable, Equatable {
    /// The lease asked about.
    public var id: Int64
    /// Also list the attached keys.
    public var keys: Bool

    /// A time-to-live request.
    public init(id: Int64, keys: Bool = false) {
        self.id = id
        self.keys = keys
    }
}

/// etcd's `LeaseKeepAliveResponse`; `ttlSeconds == 0` means the lease does not exist (etcd omits TTL).
public struct LeaseKeepAliveResponse: Sendable, Equatable {
    /// Current revision.
    public var header: ResponseHeader
    /// The lease renewed.
    public var id: Int64
    /// The TTL it was renewed to, 0 when it does not exist.
    public var ttlSeconds: Int64
}

/// etcd's `LeaseLeasesResponse`.
public struct LeaseLeasesResponse: Sendable, Equatable {
    /// Current revision.
    public var header: ResponseHeader
    /// Every lease ID, ascending.
    public var leases: [Int64]
}
