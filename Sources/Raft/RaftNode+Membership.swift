extension RaftNode {
    /// Puts appended (or replacing) entries' membership changes into effect at once, and keeps the
    /// leader's progress map in step with the membership.
    mutating func applyMembershipChanges(_ entries: [Entry]) {
        let before = conf
        membership.appended(entries)
        let after = conf
        guard before != after, role == .leader else { return }
        for member in after.members where progress[member] == nil {
            var pr = Progress(next: log.lastIndex + 1, maxInflight: config.maxInflightMessages)
            pr.recentActive = true
            progress[member] = pr
        }
        for member in before.members where !after.members.contains(member) && member != id {
            progress[member] = nil
        }
    }

    /// Rejects a change the leader must not start now: one is already pending, the leader has not
    /// committed in its term yet (the single-server-change bug), or it makes no sense.
    func validateConfChange(_ change: ConfChange) throws(ProposalError) {
        guard log.term(at: log.committed) == term else { throw .confChangePending }
        guard membership.lastChangeIndex <= log.committed else { throw .confChangePending }
        let voters = conf.voters
        let learners = conf.learners
        switch change.kind {
        case .addVoter:
            guard change.nodeID != noNode, !voters.contains(change.nodeID) else {
                throw .invalidConfChange("\(change.nodeID) is already a voter")
            }
        case .addLearner:
            guard change.nodeID != noNode, !voters.contains(change.nodeID), !learners.contains(change.nodeID) else {
                throw .invalidConfChange("\(change.nodeID) is already a member")
            }
        case .removeNode:
            guard voters.contains(change.nodeID) || learners.contains(change.nodeID) else {
                throw .invalidConfChange("\(change.nodeID) is not a member")
            }
            guard !(voters == [change.nodeID]) else { throw .invalidConfChange("cannot remove the last voter") }
        }
    }

    /// Called when the leader's commit index moves within its term.
    mutating func committedInCurrentTerm() {
        if !readsAwaitingTermCommit.isEmpty {
            let waiting = readsAwaitingTermCommit
            readsAwaitingTermCommit = []
            for request in waiting { handleReadIndex(request) }
        }
        // A leader removed from the group leads until its removal commits, then steps down.
        if !conf.voters.contains(id) && membership.lastChangeIndex <= log.committed {
            broadcastAppend()
            becomeFollower(term: term, leader: noNode)
        }
    }

    mutating func handleTransferLeader(target: NodeID) {
        guard role == .leader, target != id, target != transferTarget, conf.voters.contains(target) else { return }
        transferTarget = target
        electionElapsed = 0
        if progress[target]?.match == log.lastIndex {
            send(Message(kind: .timeoutNow, from: id, to: target, term: term))
        } else {
            sendAppend(to: target, evenIfEmpty: true)
        }
    }
}
