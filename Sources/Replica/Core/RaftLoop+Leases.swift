import Raft
import MVCC

extension RaftLoop {
    /// Only the leader expires leases; each expired lease gets one revoke proposal at a time.
    func expireLeases(now t: UInt64) {
        guard node.role == .leader else { return }
        let expired = keyspace.expiredLeases(nowNanoseconds: Int64(bitPattern: t))
        for id in expired {
            if let since = revoking[id], t &- since < options.requestTimeoutNanoseconds { continue }
            revoking[id] = t
            log.debug("lease \(id) expired; proposing its revoke")
            propose(.leaseRevoke(LeaseRevokeRequest(id: id)), completion: nil)
        }
    }

    /// Renews a lease on the leader; a follower forwards the request to the leader.
    func keepAlive(leaseID: Int64, completion: @escaping @Sendable (Result<Int64?, GatewayError>, HeaderContext) -> Void,
                   replyTo: (member: NodeID, sequence: UInt64)?, appliedThrough: Bool = false) {
        if node.role == .leader {
            if !appliedThrough, awaitApply(leaseID, .keepAlive(completion: completion, replyTo: replyTo)) { return }
            let ttl = keyspace.keepAlive(leaseID: leaseID, nowNanoseconds: Int64(bitPattern: now()))
            if let (peer, sequence) = replyTo {
                let answer = PeerEnvelope.leaseAnswer(sequence: sequence, ttlSeconds: ttl ?? -1)
                _ = transport?.send(to: peer, answer.encoded())
            } else {
                completion(.success(ttl), headerContext)
            }
            return
        }
        guard replyTo == nil else { return }  // a forwarded keep-alive reached a non-leader: the sender retries
        guard node.leader != noNode, let transport else {
            completion(.failure(.noLeader), headerContext)
            return
        }
        nextSequence &+= 1
        keepAlives[nextSequence] = PendingKeepAlive(completion: completion,
                                                    deadline: now() + options.requestTimeoutNanoseconds, replyTo: nil)
        _ = transport.send(to: node.leader, PeerEnvelope.keepAlive(sequence: nextSequence, leaseID: leaseID).encoded())
    }

    /// LeaseTimeToLive: keys come from the replicated state here; the remaining TTL from the leader,
    /// whose deadlines are the ones that expire leases. A follower asks the leader even for a lease
    /// it does not know: it may not have applied the grant yet. If the leader knows it, the follower
    /// asks again (until `deadline`) so that it answers once its own state has the lease's keys.
    func leaseTimeToLive(leaseID: Int64, keys: Bool,
                         completion: @escaping @Sendable (Result<LeaseTimeToLiveResponse, GatewayError>, HeaderContext) -> Void,
                         appliedThrough: Bool = false, deadline: UInt64? = nil) {
        if node.role == .leader, !appliedThrough, awaitApply(leaseID, .timeToLive(keys: keys, completion: completion)) { return }
        let local = keyspace.timeToLive(leaseID: leaseID, includeKeys: keys, nowNanoseconds: Int64(bitPattern: now()))
        if node.role == .leader {
            return completion(.success(local), headerContext)
        }
        guard node.leader != noNode, let transport else { return completion(.failure(.noLeader), headerContext) }
        let deadline = deadline ?? now() + options.requestTimeoutNanoseconds
        nextSequence &+= 1
        keepAlives[nextSequence] = PendingKeepAlive(completion: { [weak self] result, context in
            // Runs on the loop thread (the leader's answer is handled there).
            switch result {
            case .success(.some) where local.ttlSeconds < 0:
                // Granted, but not applied here yet: ask again after another round trip's worth of apply.
                guard let self else { return completion(.failure(.stopping), context) }
                self.leaseTimeToLive(leaseID: leaseID, keys: keys, completion: completion, deadline: deadline)
            case .success(let ttl):
                var answer = local
                answer.ttlSeconds = ttl ?? -1
                if ttl == nil { answer.grantedTTLSeconds = 0; answer.keys = [] }
                completion(.success(answer), context)
            case .failure(let error):
                completion(.failure(error), context)
            }
        }, deadline: deadline, replyTo: nil)
        _ = transport.send(to: node.leader, PeerEnvelope.leaseTTL(sequence: nextSequence, leaseID: leaseID).encoded())
    }
}

/// A lease query (keep-alive, time-to-live) that reached the leader while it had entries committed
/// but not yet applied (the leader tells followers the commit index before it applies, so a
/// follower can answer a grant first). It waits until the leader has applied that far, so a lease a
/// client has seen granted is never "not found" at the leader. etcd's leader waits likewise.
struct LeaseQueryAwaitingApply {
    enum Kind {
        case keepAlive(completion: @Sendable (Result<Int64?, GatewayError>, HeaderContext) -> Void,
                       replyTo: (member: NodeID, sequence: UInt64)?)
        case timeToLive(keys: Bool, completion: @Sendable (Result<LeaseTimeToLiveResponse, GatewayError>, HeaderContext) -> Void)
        /// A follower's forwarded time-to-live question.
        case forwardedTimeToLive(from: NodeID, sequence: UInt64)
    }
    var index: UInt64
    var leaseID: Int64
    var kind: Kind
}

extension RaftLoop {
    /// On the leader: true if the query must wait for the apply of everything committed (it is queued).
    func awaitApply(_ leaseID: Int64, _ kind: LeaseQueryAwaitingApply.Kind) -> Bool {
        guard node.appliedIndex < node.commitIndex else { return false }
        leaseQueriesAwaitingApply.append(LeaseQueryAwaitingApply(index: node.commitIndex, leaseID: leaseID, kind: kind))
        return true
    }

    /// A follower asks the leader for a lease's remaining TTL.
    func answerLeaseTTL(leaseID: Int64, to from: NodeID, sequence: UInt64, appliedThrough: Bool = false) {
        guard node.role == .leader else { return }  // the asker times out and the client retries
        if !appliedThrough, awaitApply(leaseID, .forwardedTimeToLive(from: from, sequence: sequence)) { return }
        let ttl = keyspace.timeToLive(leaseID: leaseID, includeKeys: false, nowNanoseconds: Int64(bitPattern: now())).ttlSeconds
        _ = transport?.send(to: from, PeerEnvelope.leaseAnswer(sequence: sequence, ttlSeconds: ttl).encoded())
    }

    /// Answers the queued lease queries the applied index has reached (after each Ready), without a
    /// second wait (under steady writes the commit index is usually ahead again). A query asked
    /// again may find this member no longer leader and take the follower's path.
    func answerLeaseQueriesAwaitingApply() {
        guard !leaseQueriesAwaitingApply.isEmpty else { return }
        let applied = node.appliedIndex
        let due = leaseQueriesAwaitingApply.filter { $0.index <= applied }
        guard !due.isEmpty else { return }
        leaseQueriesAwaitingApply.removeAll { $0.index <= applied }
        for query in due {
            switch query.kind {
            case .keepAlive(let completion, let replyTo):
                keepAlive(leaseID: query.leaseID, completion: completion, replyTo: replyTo, appliedThrough: true)
            case .timeToLive(let keys, let completion):
                leaseTimeToLive(leaseID: query.leaseID, keys: keys, completion: completion, appliedThrough: true)
            case .forwardedTimeToLive(let from, let sequence):
                answerLeaseTTL(leaseID: query.leaseID, to: from, sequence: sequence, appliedThrough: true)
            }
        }
    }

    /// The member stops: local clients hear so; forwarded questions are left to time out.
    func failLeaseQueriesAwaitingApply() {
        for query in leaseQueriesAwaitingApply {
            switch query.kind {
            case .keepAlive(let completion, nil): completion(.failure(.stopping), headerContext)
            case .timeToLive(_, let completion): completion(.failure(.stopping), headerContext)
            case .keepAlive, .forwardedTimeToLive: break
            }
        }
        leaseQueriesAwaitingApply.removeAll()
    }
}
