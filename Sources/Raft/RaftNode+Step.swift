extension RaftNode {
    /// Feeds a message from another node. Stale, unknown or misaddressed messages are dropped;
    /// the core never throws or crashes on what a peer sends.
    public mutating func step(_ m: Message) {
        guard m.to == id, m.from != noNode else { return }
        if m.term > term {
            if m.kind == .vote || m.kind == .preVote {
                let transfer = m.context == campaignTransferContext
                let inLease = config.checkQuorum && leader != noNode && electionElapsed < config.electionTicks
                // A voter with a live leader ignores campaigns (unless the leader asked for it).
                if inLease && !transfer { return }
            }
            switch m.kind {
            case .preVote:
                break  // a pre-vote never changes our term
            case .preVoteResponse where !m.reject:
                break  // granted pre-votes carry the term we would campaign in
            case .append, .heartbeat, .snapshot:
                becomeFollower(term: m.term, leader: m.from)
            default:
                becomeFollower(term: m.term, leader: noNode)
            }
        } else if m.term < term {
            if (config.checkQuorum || config.preVote) && (m.kind == .append || m.kind == .heartbeat) {
                // A stale leader (e.g. after a partition) learns our term and steps down.
                send(Message(kind: .appendResponse, from: id, to: m.from, term: term))
            } else if m.kind == .preVote {
                send(Message(kind: .preVoteResponse, from: id, to: m.from, term: term, reject: true))
            } else if m.kind == .vote {
                // A candidate behind in terms learns ours and can campaign above it; otherwise a
                // node that only ever hears stale candidates (e.g. one with an outdated view of
                // the membership) can keep two others from ever meeting in one term.
                send(Message(kind: .voteResponse, from: id, to: m.from, term: term, reject: true))
            }
            return
        }

        switch m.kind {
        case .vote, .preVote:
            handleVoteRequest(m)
        case .propose:
            if role == .leader { try? proposeEntries(m.entries) }
        case .readIndex:
            handleReadIndex(m)
        case .transferLeader:
            if role == .leader { handleTransferLeader(target: m.index) }
        default:
            switch role {
            case .leader: stepLeader(m)
            case .candidate, .preCandidate: stepCandidate(m)
            case .follower: stepFollower(m)
            }
        }
    }

    mutating func stepCandidate(_ m: Message) {
        switch m.kind {
        case .append, .heartbeat, .snapshot:
            becomeFollower(term: m.term, leader: m.from)
            stepFollower(m)
        case .voteResponse where role == .candidate, .preVoteResponse where role == .preCandidate:
            votes[m.from] = !m.reject
            switch Quorum.tally(voters: conf.voters, votes: votes) {
            case .won:
                if role == .preCandidate {
                    campaign(preVote: false, transfer: false)
                } else {
                    becomeLeader()
                }
            case .lost:
                becomeFollower(term: term, leader: noNode)
            case .pending:
                break
            }
        default:
            break
        }
    }

    mutating func stepFollower(_ m: Message) {
        switch m.kind {
        case .append:
            electionElapsed = 0
            leader = m.from
            handleAppend(m)
        case .heartbeat:
            electionElapsed = 0
            leader = m.from
            log.commit(to: min(m.commit, log.lastIndex))
            send(Message(kind: .heartbeatResponse, from: id, to: m.from, term: term, context: m.context))
        case .snapshot:
            electionElapsed = 0
            leader = m.from
            handleSnapshot(m)
        case .readIndexResponse:
            readStates.append(ReadState(index: m.index, context: m.context))
        case .timeoutNow:
            // The leader is handing over: campaign at once, without a pre-vote.
            if isVoter { campaign(preVote: false, transfer: true) }
        default:
            break
        }
    }

    // MARK: Elections

    /// An election timeout fired (or a test forces one).
    mutating func startElection(transfer: Bool) {
        guard role != .leader, isVoter else { return }
        campaign(preVote: config.preVote && !transfer, transfer: transfer)
    }

    /// Forces this node to campaign now (for tests and for `tern` operators), with pre-vote if enabled.
    public mutating func campaign() { startElection(transfer: false) }

    mutating func campaign(preVote: Bool, transfer: Bool) {
        guard isVoter else { return }
        let voteTerm: UInt64
        if preVote {
            becomePreCandidate()
            voteTerm = term + 1
        } else {
            becomeCandidate()
            voteTerm = term
        }
        votes[id] = true
        if Quorum.tally(voters: conf.voters, votes: votes) == .won {
            if preVote { campaign(preVote: false, transfer: transfer) } else { becomeLeader() }
            return
        }
        for voter in conf.voters where voter != id {
            send(Message(kind: preVote ? .preVote : .vote, from: id, to: voter, term: voteTerm,
                         logTerm: log.lastTerm, index: log.lastIndex,
                         context: transfer ? campaignTransferContext : []))
        }
    }

    mutating func handleVoteRequest(_ m: Message) {
        let responseKind: Message.Kind = m.kind == .vote ? .voteResponse : .preVoteResponse
        let canVote = vote == m.from
            || (vote == noNode && leader == noNode)
            || (m.kind == .preVote && m.term > term)
        if canVote && log.isUpToDate(index: m.index, term: m.logTerm) {
            send(Message(kind: responseKind, from: id, to: m.from, term: m.term))
            if m.kind == .vote {
                electionElapsed = 0
                vote = m.from
            }
        } else {
            send(Message(kind: responseKind, from: id, to: m.from, term: term, reject: true))
        }
    }

    mutating func becomeFollower(term newTerm: UInt64, leader newLeader: NodeID) {
        reset(term: newTerm)
        role = .follower
        leader = newLeader
    }

    mutating func becomePreCandidate() {
        precondition(role != .leader, "leader cannot become pre-candidate")
        // Term, vote and leader stay as they are: a pre-vote changes nothing durable.
        votes = [:]
        role = .preCandidate
        leader = noNode
    }

    mutating func becomeCandidate() {
        precondition(role != .leader, "leader cannot become candidate")
        reset(term: term + 1)
        vote = id
        role = .candidate
    }

    mutating func becomeLeader() {
        precondition(role != .follower, "follower cannot become leader directly")
        reset(term: term)
        role = .leader
        leader = id
        for member in conf.members {
            progress[member] = Progress(next: log.lastIndex + 1, maxInflight: config.maxInflightMessages)
        }
        if var own = progress[id] {
            _ = own.acknowledge(log.stableIndex)
            own.becomeReplicate()
            own.recentActive = true
            progress[id] = own
        }
        // Commit an entry of the new term: this also commits everything before it (thesis §3.6).
        appendAsLeader([Entry(term: term, index: 0)])
    }
}
