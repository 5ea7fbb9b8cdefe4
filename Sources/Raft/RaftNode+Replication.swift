extension RaftNode {
    // MARK: Proposals

    mutating func proposeEntries(_ entries: [Entry]) throws(ProposalError) {
        guard !entries.isEmpty else { return }
        switch role {
        case .leader:
            guard progress[id] != nil || isVoter else { throw .notMember }
            guard transferTarget == noNode else { throw .transferInProgress }
            for e in entries where e.kind == .confChange {
                guard entries.count == 1 else { throw .invalidConfChange("a conf change must be proposed alone") }
                let changes: [ConfChange]
                do { changes = try ConfChange.decode(e.data) } catch {
                    throw .invalidConfChange("undecodable conf change")
                }
                guard changes.count == 1 else { throw .invalidConfChange("one change at a time") }
                try validateConfChange(changes[0])
            }
            appendAsLeader(entries)
        case .follower, .candidate, .preCandidate:
            guard leader != noNode else { throw .noLeader }
            send(Message(kind: .propose, from: id, to: leader, term: term, entries: entries))
        }
    }

    /// Appends entries at the end of the leader's log, stamping term and index.
    mutating func appendAsLeader(_ entries: [Entry]) {
        var next = log.lastIndex + 1
        let stamped = entries.map { e -> Entry in
            var e = e
            e.term = term
            e.index = next
            next += 1
            return e
        }
        log.append(stamped)
        applyMembershipChanges(stamped)
        broadcastPending = true
    }

    // MARK: Leader: sending

    /// Sends every follower what it is missing (or an empty append carrying the commit index).
    mutating func broadcastAppend() {
        for member in conf.members where member != id {
            sendAppend(to: member, evenIfEmpty: true)
        }
    }

    /// Sends `to` the next append (or a snapshot, if the entries it needs are compacted away).
    /// Returns true if a message was sent.
    @discardableResult
    mutating func sendAppend(to follower: NodeID, evenIfEmpty: Bool) -> Bool {
        guard var pr = progress[follower], !pr.isPaused else { return false }
        let prevIndex = pr.next - 1
        guard let prevTerm = log.term(at: prevIndex) else {
            return sendSnapshot(to: follower)
        }
        let entries = log.slice(from: pr.next, through: log.lastIndex, maxBytes: config.maxMessageBytes)
        if entries.isEmpty && !evenIfEmpty { return false }
        send(Message(kind: .append, from: id, to: follower, term: term, logTerm: prevTerm, index: prevIndex,
                     entries: entries, commit: log.committed))
        pr.sent(entriesThrough: entries.last?.index)
        progress[follower] = pr
        return true
    }

    /// Sends `follower` the metadata of the latest snapshot; the caller attaches the bytes.
    mutating func sendSnapshot(to follower: NodeID) -> Bool {
        guard var pr = progress[follower], let metadata = latestSnapshot, pr.recentActive else { return false }
        send(Message(kind: .snapshot, from: id, to: follower, term: term, snapshot: Snapshot(metadata: metadata)))
        pr.becomeSnapshot(index: metadata.index)
        progress[follower] = pr
        return true
    }

    mutating func sendHeartbeats(context: [UInt8]) {
        for member in conf.members where member != id {
            let match = progress[member]?.match ?? 0
            send(Message(kind: .heartbeat, from: id, to: member, term: term,
                         commit: min(match, log.committed), context: context))
        }
    }

    mutating func tickLeader() {
        heartbeatElapsed += 1
        electionElapsed += 1
        if electionElapsed >= config.electionTicks {
            electionElapsed = 0
            if config.checkQuorum {
                let active = conf.voters.filter { $0 == id || progress[$0]?.recentActive == true }
                if active.count < Quorum.size(of: conf.voters.count) {
                    becomeFollower(term: term, leader: noNode)
                    return
                }
                for member in conf.members where member != id { progress[member]?.recentActive = false }
            }
            // A transfer that has not finished within an election timeout is abandoned.
            transferTarget = noNode
        }
        for member in conf.members where member != id {
            guard var pr = progress[member], pr.state == .snapshot else { continue }
            pr.snapshotTicks += 1
            if pr.snapshotTicks >= 2 * config.electionTicks { pr.becomeProbe() }  // the snapshot was lost
            progress[member] = pr
        }
        if heartbeatElapsed >= config.heartbeatTicks {
            heartbeatElapsed = 0
            sendHeartbeats(context: readOnly.lastContext ?? [])
        }
    }

    // MARK: Leader: receiving

    mutating func stepLeader(_ m: Message) {
        guard var pr = progress[m.from] else { return }
        switch m.kind {
        case .appendResponse:
            pr.recentActive = true
            if m.reject {
                var hint = m.rejectHint
                if m.logTerm > 0 { hint = log.lastIndex(atOrBefore: m.rejectHint, withTermAtMost: m.logTerm) }
                if pr.rejected(m.index, hint: hint) {
                    if pr.state == .replicate { pr.becomeProbe() }
                    progress[m.from] = pr
                    sendAppend(to: m.from, evenIfEmpty: true)
                } else {
                    progress[m.from] = pr
                }
                return
            }
            let wasPaused = pr.isPaused
            guard pr.acknowledge(m.index) else {
                progress[m.from] = pr
                return
            }
            switch pr.state {
            case .probe:
                pr.becomeReplicate()
            case .snapshot where pr.match >= pr.pendingSnapshot:
                pr.becomeProbe()
                pr.becomeReplicate()
            case .replicate:
                pr.inflight.free(through: m.index)
            default:
                break
            }
            progress[m.from] = pr
            if maybeCommit() {
                broadcastPending = true
            } else if wasPaused || pr.match < log.lastIndex {
                while sendAppend(to: m.from, evenIfEmpty: false) {}
            }
            if m.from == transferTarget && pr.match == log.lastIndex {
                send(Message(kind: .timeoutNow, from: id, to: m.from, term: term))
            }
        case .heartbeatResponse:
            pr.recentActive = true
            pr.probeSent = false
            if pr.state == .replicate && pr.inflight.isFull {
                pr.inflight.freeOldest()
            }
            progress[m.from] = pr
            if pr.match < log.lastIndex { sendAppend(to: m.from, evenIfEmpty: true) }
            if !m.context.isEmpty { acknowledgeReadRound(context: m.context, from: m.from) }
        default:
            break
        }
    }

    /// Moves the commit index to what a majority of voters hold, for entries of this term only
    /// (thesis §3.6, Figure 8). Returns true if it moved.
    mutating func maybeCommit() -> Bool {
        let matches = conf.voters.map { progress[$0]?.match ?? 0 }
        let candidate = Quorum.committedIndex(matches)
        guard candidate > log.committed, log.term(at: candidate) == term else { return false }
        log.commit(to: candidate)
        committedInCurrentTerm()
        return true
    }

    // MARK: Follower: receiving

    mutating func handleAppend(_ m: Message) {
        if m.index < log.committed {
            send(Message(kind: .appendResponse, from: id, to: m.from, term: term, index: log.committed))
            return
        }
        if log.matchTerm(m.index, m.logTerm) {
            // Skip what we already hold: truncate only at a real conflict, never on a stale append.
            if let conflict = log.firstConflict(in: m.entries) {
                let fresh = Array(m.entries[Int(conflict - m.index - 1)...])
                log.append(fresh)
                applyMembershipChanges(fresh)
            }
            let lastNew = m.index + UInt64(m.entries.count)
            log.commit(to: min(m.commit, lastNew))
            send(Message(kind: .appendResponse, from: id, to: m.from, term: term, index: lastNew))
        } else {
            let hintIndex = log.lastIndex(atOrBefore: min(m.index, log.lastIndex), withTermAtMost: m.logTerm)
            send(Message(kind: .appendResponse, from: id, to: m.from, term: term, logTerm: log.term(at: hintIndex) ?? 0,
                         index: m.index, reject: true, rejectHint: hintIndex))
        }
    }

    mutating func handleSnapshot(_ m: Message) {
        guard let snapshot = m.snapshot else { return }
        let meta = snapshot.metadata
        if meta.index <= log.committed {
            // Stale: we already hold everything it covers.
        } else if log.matchTerm(meta.index, meta.term) {
            // We hold the entry the snapshot ends at: keep our suffix and just commit.
            log.commit(to: meta.index)
        } else {
            log.restore(snapshot)
            membership.restore(meta)
        }
        // Only the committed prefix is known to match the leader's log: acknowledge that, no more.
        send(Message(kind: .appendResponse, from: id, to: m.from, term: term, index: log.committed))
    }
}
