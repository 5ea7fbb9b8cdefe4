import Raft

/// Builders for driving single nodes by hand in the classic-bug tests.
enum RaftTesting {
    static func config(_ id: NodeID, preVote: Bool = false, checkQuorum: Bool = false,
                       leaseReads: Bool = false) -> RaftConfig {
        RaftConfig(id: id, electionTicks: 10, heartbeatTicks: 1, preVote: preVote, checkQuorum: checkQuorum,
                   leaseReads: leaseReads, randomSeed: 7)
    }

    /// A node restarted from the given durable state, with `voters`/`learners` as its membership.
    static func node(_ id: NodeID, voters: [NodeID], learners: [NodeID] = [], terms: [UInt64] = [],
                     term: UInt64? = nil, commit: UInt64 = 0, config: RaftConfig? = nil) -> RaftNode {
        let entries = terms.enumerated().map { Entry(term: $1, index: UInt64($0 + 1), data: [UInt8($0)]) }
        let state = PersistentState(
            hardState: HardState(term: term ?? (terms.last ?? 0), vote: noNode, commit: commit),
            snapshot: SnapshotMetadata(index: 0, term: 0, confState: ConfState(voters: voters, learners: learners)),
            entries: entries)
        return RaftNode(config: config ?? Self.config(id), state: state, appliedIndex: commit)
    }

    /// Runs ready/advance until the node is quiet; returns every message it wanted to send, and
    /// the committed entries and read states it handed out.
    @discardableResult
    static func drain(_ n: inout RaftNode) -> (messages: [Message], committed: [Entry], reads: [ReadState]) {
        var out: [Message] = []
        var committed: [Entry] = []
        var reads: [ReadState] = []
        var rounds = 0
        while n.hasReady && rounds < 100 {
            rounds += 1
            let rd = n.ready()
            out += rd.messages + rd.messagesAfterPersist
            committed += rd.committedEntries
            reads += rd.readStates
            n.advance(rd)
        }
        return (out, committed, reads)
    }

    /// Makes `n` leader by granting every (pre-)vote it asks for.
    static func elect(_ n: inout RaftNode) {
        n.campaign()
        for _ in 0..<3 where n.role != .leader {
            for m in drain(&n).messages where m.kind == .vote || m.kind == .preVote {
                let kind: Message.Kind = m.kind == .vote ? .voteResponse : .preVoteResponse
                n.step(Message(kind: kind, from: m.to, to: n.id, term: m.term))
            }
        }
        precondition(n.role == .leader, "election failed")
    }

    static func messages(_ all: [Message], _ kind: Message.Kind, to: NodeID? = nil) -> [Message] {
        all.filter { $0.kind == kind && (to == nil || $0.to == to) }
    }
}
