import Testing
import Raft

/// `takeMessagesSafeBeforePersist`: what may leave while the caller persists a `Ready` on another thread.
@Suite("messages sent while a Ready is being persisted")
struct EarlySendTests {
    typealias T = RaftTesting

    /// A leader of three whose followers acknowledged its term's entry (both replicate).
    static func leader() -> RaftNode {
        var n = T.node(1, voters: [1, 2, 3])
        T.elect(&n)
        T.drain(&n)
        for f: NodeID in [2, 3] {
            n.step(Message(kind: .appendResponse, from: f, to: 1, term: n.term, index: n.lastIndex))
        }
        T.drain(&n)
        return n
    }

    @Test("while a leader's Ready is being persisted, new entries and heartbeats go out; commit waits for quorum")
    func leaderSendsEarly() throws {
        var n = Self.leader()
        try n.propose(Array("a".utf8))
        let rd = n.ready()
        #expect(rd.entries.map(\.data) == [Array("a".utf8)])
        let a = rd.entries[0].index
        // Still persisting `rd`: a new proposal's entry is appended to both followers at once.
        try n.propose(Array("b".utf8))
        let early = n.takeMessagesSafeBeforePersist()
        let appends = T.messages(early, .append)
        #expect(Set(appends.map(\.to)) == [2, 3])
        #expect(appends.allSatisfy { $0.entries.map(\.data) == [Array("b".utf8)] })
        #expect(early.allSatisfy { $0.kind.isSafeBeforePersist })
        #expect(n.takeMessagesSafeBeforePersist().isEmpty, "taken twice")
        // A heartbeat tick while still persisting.
        n.tick()
        #expect(Set(T.messages(n.takeMessagesSafeBeforePersist(), .heartbeat).map(\.to)) == [2, 3])
        // Both followers acknowledge both entries before the leader's own fsync: committed (quorum).
        for f: NodeID in [2, 3] {
            n.step(Message(kind: .appendResponse, from: f, to: 1, term: n.term, index: a + 1))
        }
        #expect(n.commitIndex == a + 1)
        n.advance(rd)
        let rd2 = n.ready()
        #expect(rd2.committedEntries.map(\.index) == [a, a + 1])
        #expect(rd2.entries.map(\.index) == [a + 1], "the early-sent entry still goes to the WAL")
        n.advance(rd2)
    }

    @Test("a single-member leader commits nothing before advance even when sending early")
    func singleMemberStillWaits() throws {
        var n = RaftNode.bootstrap(config: T.config(1), voters: [1])
        T.elect(&n)
        T.drain(&n)
        try n.propose(Array("x".utf8))
        let rd = n.ready()
        try n.propose(Array("y".utf8))
        #expect(n.takeMessagesSafeBeforePersist().isEmpty)
        #expect(n.commitIndex < rd.entries[0].index)
        n.advance(rd)
        let rd2 = n.ready()
        #expect(rd2.committedEntries.map(\.data) == [Array("x".utf8)])
        n.advance(rd2)
    }

    @Test("a follower's acknowledgements and votes never leave early")
    func followerWaits() {
        var f = T.node(2, voters: [1, 2, 3], term: 1)
        f.step(Message(kind: .append, from: 1, to: 2, term: 1, entries: [Entry(term: 1, index: 1)]))
        let rd = f.ready()
        #expect(rd.messagesAfterPersist.map(\.kind) == [.appendResponse])
        // While persisting: another append, a heartbeat, and a vote request of a higher term.
        f.step(Message(kind: .append, from: 1, to: 2, term: 1, logTerm: 1, index: 1, entries: [Entry(term: 1, index: 2)]))
        f.step(Message(kind: .heartbeat, from: 1, to: 2, term: 1, commit: 1))
        f.step(Message(kind: .vote, from: 3, to: 2, term: 5, logTerm: 1, index: 2))
        #expect(f.takeMessagesSafeBeforePersist().isEmpty)
        f.advance(rd)
        let rd2 = f.ready()
        #expect(rd2.messages.isEmpty)
        #expect(!rd2.messagesAfterPersist.isEmpty)
        #expect(rd2.messagesAfterPersist.allSatisfy { !$0.kind.isSafeBeforePersist })
    }
}
