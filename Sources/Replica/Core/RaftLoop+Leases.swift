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
                   replyTo: (member: NodeID, sequence: UInt64)?) {
        if node.role == .leader {
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
    /// whose deadlines are the ones that expire leases.
    func leaseTimeToLive(leaseID: Int64, keys: Bool,
                         completion: @escaping @Sendable (Result<LeaseTimeToLiveResponse, GatewayError>, HeaderContext) -> Void) {
        let local = keyspace.timeToLive(leaseID: leaseID, includeKeys: keys, nowNanoseconds: Int64(bitPattern: now()))
        if node.role == .leader || local.ttlSeconds < 0 {
            return completion(.success(local), headerContext)
        }
        guard node.leader != noNode, let transport else { return completion(.failure(.noLeader), headerContext) }
        nextSequence &+= 1
        keepAlives[nextSequence] = PendingKeepAlive(completion: { result, context in
            switch result {
            case .success(let ttl):
                var answer = local
                answer.ttlSeconds = ttl ?? -1
                if ttl == nil { answer.grantedTTLSeconds = 0; answer.keys = [] }
                completion(.success(answer), context)
            case .failure(let error):
                completion(.failure(error), context)
            }
        }, deadline: now() + options.requestTimeoutNanoseconds, replyTo: nil)
        _ = transport.send(to: node.leader, PeerEnvelope.leaseTTL(sequence: nextSequence, leaseID: leaseID).encoded())
    }
}
