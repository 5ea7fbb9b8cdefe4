import Raft
import Wire

extension RaftLoop {
    /// Proposes a membership change; the client is answered when this member applies it.
    func proposeMemberChange(_ change: MemberChange,
                             completion: @escaping @Sendable (Result<MembershipView, GatewayError>, HeaderContext) -> Void) {
        nextSequence &+= 1
        let request = RequestID(origin: member.id, sequence: nextSequence)
        let conf = node.conf
        let confChange: ConfChange
        switch change {
        case .add(var m, let learner):
            let current = registry.sorted.filter { conf.members.contains($0.id) }
            if current.contains(where: { $0.name == m.name }) { return completion(.failure(.memberNameExists), headerContext) }
            if current.contains(where: { $0.peer == m.peer }) { return completion(.failure(.peerURLExists), headerContext) }
            // A fresh random id (as etcd gives): a wiped member added back under its old
            // name must not replay its own removal, nor reuse votes it cast under that id.
            repeat { m.id = NodeID.random(in: 1...NodeID.max) } while registry[m.id] != nil || conf.members.contains(m.id)
            confChange = ConfChange(kind: learner ? .addLearner : .addVoter, nodeID: m.id,
                                    context: MemberChangeContext(request: request, member: m).encoded())
            ensurePeer(m)
        case .remove(let id):
            guard conf.members.contains(id) else { return completion(.failure(.memberNotFound), headerContext) }
            confChange = ConfChange(kind: .removeNode, nodeID: id, context: MemberChangeContext(request: request, member: nil).encoded())
        case .promote(let id):
            guard conf.learners.contains(id) else {
                return completion(.failure(conf.voters.contains(id) ? .memberNotLearner : .memberNotFound), headerContext)
            }
            if node.role == .leader, let match = node.matchIndex(of: id), match + 1000 < node.commitIndex {
                return completion(.failure(.learnerNotReady), headerContext)
            }
            confChange = ConfChange(kind: .addVoter, nodeID: id, context: MemberChangeContext(request: request, member: nil).encoded())
        }
        do {
            try node.proposeConfChange(confChange)
        } catch {
            switch error {
            case .noLeader: completion(.failure(.noLeader), headerContext)
            case .confChangePending: completion(.failure(.memberChangePending), headerContext)
            default: completion(.failure(.invalid("etcdserver: \(error)")), headerContext)
            }
            return
        }
        pendingMemberChanges[request.sequence] = PendingMemberChange(completion: completion,
                                                                      deadline: now() + options.requestTimeoutNanoseconds)
    }

    /// Makes sure the transport can reach `m` (called as soon as a membership entry is seen).
    func ensurePeer(_ m: MemberConfig) {
        guard m.id != member.id, let transport else { return }
        transport.addPeer(m.id, address: m.peer.socketAddress)
    }

    /// Membership entries appended to our log: learn new members' addresses at once (a leader must
    /// reach a member it has just added, before the entry commits).
    func noteAppendedMembership(_ entries: [Entry]) {
        for e in entries where e.kind == .confChange {
            for change in (try? ConfChange.decode(e.data)) ?? [] {
                if let m = MemberChangeContext(decoding: change.context)?.member { ensurePeer(m) }
            }
        }
    }

    /// A committed membership entry: update the registry and the transport, answer the client.
    func applyMembership(_ entry: Entry) {
        let changes = (try? ConfChange.decode(entry.data)) ?? []
        for change in changes {
            let context = MemberChangeContext(decoding: change.context)
            switch change.kind {
            case .addVoter, .addLearner:
                if let m = context?.member {
                    registry.add(m)
                    ensurePeer(m)
                }
            case .removeNode:
                registry.remove(change.nodeID)
                ledger.forget(change.nodeID)
                if change.nodeID != member.id { transport?.removePeer(change.nodeID) }
            }
            guard let context, context.request.origin == member.id,
                  let pending = pendingMemberChanges.removeValue(forKey: context.request.sequence) else { continue }
            pending.completion(.success(membershipView(added: change.kind == .removeNode ? nil : context.member)), headerContext)
        }
        log.info("membership now \(node.confState(at: entry.index))")
        if changes.contains(where: { $0.kind == .removeNode && $0.nodeID == member.id }) {
            log.warning("this member was removed from the cluster; stopping")
            beginStop()
        }
    }

    func membershipView(added: MemberConfig? = nil) -> MembershipView {
        let conf = node.conf
        let known = registry.sorted.filter { conf.members.contains($0.id) }
        return MembershipView(members: known, learners: Set(conf.learners), added: added)
    }
}
