extension Keyspace {
    /// Grants a lease (replicated). ID 0 picks the next ID of the deterministic generator.
    /// The local deadline is `now + TTL`.
    /// - Throws: ``MVCCError/leaseExists(_:)``, ``MVCCError/leaseTTLTooLarge(_:)``.
    public func grantLease(_ request: LeaseGrantRequest, nowNanoseconds: Int64) throws(MVCCError) -> LeaseGrantResponse {
        if request.ttlSeconds > Self.maxLeaseTTLSeconds { throw .leaseTTLTooLarge(request.ttlSeconds) }
        if request.id != 0 && state.leases[request.id] != nil { throw .leaseExists(request.id) }
        let ttl = Swift.max(request.ttlSeconds, minLeaseTTLSeconds)
        var id = request.id
        if id == 0 {
            repeat {
                state.leaseIDSequence = SplitMix64.next(state.leaseIDSequence)
                id = Int64(bitPattern: SplitMix64.mix(state.leaseIDSequence) & UInt64(Int64.max))
            } while id == 0 || state.leases[id] != nil
        }
        state.leases[id] = Lease(id: id, grantedTTLSeconds: ttl)
        leaseDeadlines[id] = Self.deadline(now: nowNanoseconds, plusSeconds: ttl)
        return LeaseGrantResponse(id: id, ttlSeconds: ttl)
    }

    /// Revokes a lease, deleting its keys at one revision (no new revision when it had none).
    /// - Throws: ``MVCCError/leaseNotFound(_:)``.
    public func revokeLease(_ request: LeaseRevokeRequest) throws(MVCCError) -> ResponseHeader {
        guard let lease = state.leases[request.id] else { throw .leaseNotFound(request.id) }
        var batch = WriteBatch(main: state.currentRevision + 1, collectEvents: !watchers.isEmpty)
        for key in lease.sortedKeys {
            let interval = try KeyInterval(key: key.bytes, rangeEnd: [])
            _ = state.applyDelete(interval, batch: &batch)
        }
        state.leases[request.id] = nil
        leaseDeadlines[request.id] = nil
        finish(batch)
        return ResponseHeader(revision: state.currentRevision)
    }

    /// Records remaining TTLs (replicated) so a future leader restarts leases from them; unknown IDs are ignored.
    public func checkpointLeases(_ request: LeaseCheckpointRequest) -> ResponseHeader {
        for checkpoint in request.checkpoints where state.leases[checkpoint.id] != nil {
            state.leases[checkpoint.id]?.checkpointedTTLSeconds = Swift.max(0, checkpoint.remainingTTLSeconds)
        }
        return ResponseHeader(revision: state.currentRevision)
    }

    /// Renews a lease's local deadline to `now + granted TTL` (the leader serves keepalives).
    /// - Returns: the TTL granted, or nil when the lease does not exist (etcd's keepalive omits TTL then).
    public func keepAlive(leaseID: Int64, nowNanoseconds: Int64) -> Int64? {
        guard let lease = state.leases[leaseID] else { return nil }
        leaseDeadlines[leaseID] = Self.deadline(now: nowNanoseconds, plusSeconds: lease.grantedTTLSeconds)
        return lease.grantedTTLSeconds
    }

    /// etcd's LeaseTimeToLive: remaining seconds by the local deadline (-1 when the lease does not exist).
    public func timeToLive(leaseID: Int64, includeKeys: Bool, nowNanoseconds: Int64) -> LeaseTimeToLiveResponse {
        let header = ResponseHeader(revision: state.currentRevision)
        guard let lease = state.leases[leaseID] else {
            return LeaseTimeToLiveResponse(header: header, id: leaseID, ttlSeconds: -1, grantedTTLSeconds: 0, keys: [])
        }
        var remaining = lease.effectiveTTLSeconds
        if let deadline = leaseDeadlines[leaseID] {
            let left = deadline &- nowNanoseconds
            remaining = left <= 0 ? 0 : left / 1_000_000_000 + (left % 1_000_000_000 == 0 ? 0 : 1)
        }
        return LeaseTimeToLiveResponse(header: header, id: leaseID, ttlSeconds: remaining,
                                       grantedTTLSeconds: lease.grantedTTLSeconds,
                                       keys: includeKeys ? lease.sortedKeys.map(\.bytes) : [])
    }

    /// Every lease ID, ascending (etcd's LeaseLeases).
    public func leaseIDs() -> [Int64] { state.leases.keys.sorted() }

    /// etcd's LeaseTimeToLive in message form.
    public func timeToLive(_ request: LeaseTimeToLiveRequest, nowNanoseconds: Int64) -> LeaseTimeToLiveResponse {
        timeToLive(leaseID: request.id, includeKeys: request.keys, nowNanoseconds: nowNanoseconds)
    }

    /// etcd's LeaseKeepAlive in message form (served by the leader; not replicated).
    public func keepAlive(_ id: Int64, nowNanoseconds: Int64) -> LeaseKeepAliveResponse {
        LeaseKeepAliveResponse(header: ResponseHeader(revision: state.currentRevision), id: id,
                               ttlSeconds: keepAlive(leaseID: id, nowNanoseconds: nowNanoseconds) ?? 0)
    }

    /// etcd's LeaseLeases in message form.
    public func leases() -> LeaseLeasesResponse {
        LeaseLeasesResponse(header: ResponseHeader(revision: state.currentRevision), leases: leaseIDs())
    }

    /// The leases whose local deadline is at or before `now`, ascending. Only the Raft leader should act
    /// on this, by proposing a ``LeaseRevokeRequest`` for each.
    public func expiredLeases(nowNanoseconds: Int64) -> [Int64] {
        leaseDeadlines.filter { $0.value <= nowNanoseconds }.map(\.key).sorted()
    }

    /// On becoming leader: every lease gets a fresh local deadline of `now + extend + its TTL`
    /// (the checkpointed remainder when there is one), so no lease expires early across a leader change.
    public func promoteAll(nowNanoseconds: Int64, extendBySeconds: Int64) {
        for (id, lease) in state.leases {
            let (seconds, overflow) = extendBySeconds.addingReportingOverflow(lease.effectiveTTLSeconds)
            leaseDeadlines[id] = Self.deadline(now: nowNanoseconds, plusSeconds: overflow ? Int64.max : seconds)
        }
    }

    /// On losing leadership: no lease expires here until the next promotion.
    public func demoteAll() {
        leaseDeadlines.removeAll()
    }

    static func deadline(now: Int64, plusSeconds seconds: Int64) -> Int64 {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return Int64.max }
        let (sum, overflowSum) = now.addingReportingOverflow(product)
        return overflowSum ? Int64.max : sum
    }
}

/// The SplitMix64 generator: a deterministic 64-bit sequence from a seed (no global random source).
enum SplitMix64 {
    static func next(_ state: UInt64) -> UInt64 { state &+ 0x9E37_79B9_7F4A_7C15 }

    static func mix(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
