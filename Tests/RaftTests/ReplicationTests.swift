import Testing
import Raft

@Suite("replication: Figure 8, truncation, commit clamping, durability, probing, snapshots")
struct ReplicationTests {
    typealias T = RaftTesting

    @Test("an old-term entry is never committed by counting replicas (Figure 8)")
    func figure8() {
        // Leader 1 holds [t1, t2] from earlier terms and wins term 4; follower 2 holds the same.
        var leader = T.node(1, voters: [1, 2, 3], terms: [1, 2], term: 3, commit: 1)
        T.elect(&leader)
        T.drain(&leader)
        #expect(leader.term == 4)
        #expect(leader.lastIndex == 3)  // its empty entry of term 4
        // Follower 2 acknowledges index 2 (term 2): a majority holds it, but it is not of term 4.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 4, index: 2))
        T.drain(&leader)
        #expect(leader.commitIndex == 1)
        // Once the term-4 entry is on a majority, both commit together.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 4, index: 3))
        let out = T.drain(&leader)
        #expect(leader.commitIndex == 3)
        #expect(out.committed.map(\.index) == [2, 3])
    }

    @Test("a single-member group acknowledges nothing before it is persisted")
    func singleNodeCommitsOnlyAfterPersist() {
        var n = RaftNode.bootstrap(config: T.config(1), voters: [1])
        T.elect(&n)
        T.drain(&n)
        try? n.propose(Array("x".utf8))
        let rd = n.ready()
        #expect(rd.entries.map(\.data) == [Array("x".utf8)])
        #expect(rd.committedEntries.isEmpty, "committed before the entry was fsynced")
        n.advance(rd)
        let rd2 = n.ready()
        #expect(rd2.committedEntries.map(\.data) == [Array("x".utf8)])
        n.advance(rd2)
    }

    @Test("appends are acknowledged only after persisting")
    func appendAckAfterPersist() {
        var f = T.node(2, voters: [1, 2, 3], term: 1)
        f.step(Message(kind: .append, from: 1, to: 2, term: 1, entries: [Entry(term: 1, index: 1)]))
        let rd = f.ready()
        #expect(rd.entries.count == 1)
        #expect(rd.messages.isEmpty)
        #expect(rd.messagesAfterPersist.map(\.kind) == [.appendResponse])
    }

    @Test("a stale or reordered append never truncates; a conflicting one does; committed entries stay")
    func truncateOnlyOnConflict() {
        var f = T.node(2, voters: [1, 2, 3], terms: [1, 1, 1, 1, 1], term: 1, commit: 1)
        // A delayed append of entries 2...3 that we already hold: nothing is lost.
        f.step(Message(kind: .append, from: 1, to: 2, term: 1, logTerm: 1, index: 1,
                       entries: [Entry(term: 1, index: 2, data: [1]), Entry(term: 1, index: 3, data: [2])]))
        T.drain(&f)
        #expect(f.lastIndex == 5)
        // A new leader of term 2 replaces the uncommitted tail from index 3 on.
        f.step(Message(kind: .append, from: 3, to: 2, term: 2, logTerm: 1, index: 2,
                       entries: [Entry(term: 2, index: 3, data: [9])]))
        T.drain(&f)
        #expect(f.lastIndex == 3)
        #expect(f.term(at: 3) == 2)
        // An append below the commit index is answered with the commit index and changes nothing.
        f.step(Message(kind: .append, from: 3, to: 2, term: 2, logTerm: 0, index: 0, entries: [Entry(term: 2, index: 1)]))
        let replies = T.messages(T.drain(&f).messages, .appendResponse)
        #expect(replies.last?.index == f.commitIndex)
        #expect(f.term(at: 1) == 1)
    }

    @Test("follower commit is min(leader commit, last new entry); heartbeat commit is min(match, commit)")
    func commitClamping() {
        // The follower holds a divergent uncommitted tail 3...5 of term 1.
        var f = T.node(2, voters: [1, 2, 3], terms: [1, 1, 1, 1, 1], term: 2)
        f.step(Message(kind: .append, from: 1, to: 2, term: 2, logTerm: 1, index: 2, entries: [], commit: 5))
        T.drain(&f)
        #expect(f.commitIndex == 2, "must not commit the unverified tail")

        var leader = T.node(1, voters: [1, 2, 3], terms: [1, 1, 1], term: 1)
        T.elect(&leader)
        T.drain(&leader)
        leader.step(Message(kind: .appendResponse, from: 3, to: 1, term: leader.term, index: leader.lastIndex))
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: leader.term, index: 1))
        T.drain(&leader)
        #expect(leader.commitIndex == leader.lastIndex)
        leader.tick()
        let beats = T.messages(T.drain(&leader).messages, .heartbeat, to: 2)
        #expect(beats.first?.commit == 1)
    }

    @Test("a lost append does not stall a follower in probe state")
    func probeRecoversFromLostAppend() {
        var leader = T.node(1, voters: [1, 2], terms: [1], term: 1)
        T.elect(&leader)
        T.drain(&leader)  // the probe append to 2 is "lost"
        try? leader.propose([7])
        #expect(T.messages(T.drain(&leader).messages, .append, to: 2).isEmpty, "probe is paused while one is out")
        // A heartbeat reply proves 2 is alive: the leader probes again.
        leader.step(Message(kind: .heartbeatResponse, from: 2, to: 1, term: leader.term))
        let resent = T.messages(T.drain(&leader).messages, .append, to: 2)
        #expect(resent.count == 1)
    }

    @Test("fast backtracking skips a whole conflicting term in one round trip")
    func fastBacktracking() {
        // Leader has [1,1,1,4,4,4,4] (term 5 after election); follower has [1,1,1,2,2,2,2,2,2].
        var leader = T.node(1, voters: [1, 2, 3], terms: [1, 1, 1, 4, 4, 4, 4], term: 4)
        T.elect(&leader)
        var follower = T.node(2, voters: [1, 2, 3], terms: [1, 1, 1, 2, 2, 2, 2, 2, 2], term: 2)
        var probes = 0
        var next = T.messages(T.drain(&leader).messages, .append, to: 2)
        while let m = next.first, probes < 10 {
            probes += 1
            follower.step(m)
            guard let r = T.messages(T.drain(&follower).messages, .appendResponse).first else { break }
            leader.step(r)
            next = T.messages(T.drain(&leader).messages, .append, to: 2)
            if !r.reject { break }
        }
        #expect(probes <= 3, "took \(probes) round trips")
        #expect(leader.matchIndex(of: 2) ?? 0 >= 3)
    }

    @Test("a stale snapshot is ignored; one matching our log keeps the suffix; a newer one replaces the log with its membership")
    func snapshotHandling() {
        let conf = ConfState(voters: [1, 2, 3], learners: [4])
        func snap(_ index: UInt64, _ term: UInt64) -> Message {
            Message(kind: .snapshot, from: 1, to: 2, term: 3,
                    snapshot: Snapshot(metadata: SnapshotMetadata(index: index, term: term, confState: conf), data: [1]))
        }
        var f = T.node(2, voters: [1, 2, 3], terms: [1, 1, 2, 2, 2], term: 3, commit: 3)
        f.step(snap(2, 1))
        let stale = f.ready()
        #expect(stale.snapshot == nil)
        f.advance(stale)
        f.step(snap(4, 2))  // we hold index 4 at term 2
        let rd = f.ready()
        #expect(rd.snapshot == nil)
        f.advance(rd)
        #expect(f.lastIndex == 5)
        #expect(f.commitIndex == 4)
        f.step(snap(9, 3))
        let rd2 = f.ready()
        #expect(rd2.snapshot?.metadata.index == 9)
        f.advance(rd2)
        #expect(f.lastIndex == 9)
        #expect(f.conf == conf)
    }

    @Test("a restart re-delivers exactly the committed entries after the applied index")
    func restartAppliesFromAppliedIndex() {
        let state = PersistentState(
            hardState: HardState(term: 2, vote: 1, commit: 6),
            snapshot: SnapshotMetadata(index: 3, term: 1, confState: ConfState(voters: [1, 2, 3])),
            entries: (4...8).map { Entry(term: 2, index: $0) })
        var n = RaftNode(config: T.config(1), state: state, appliedIndex: 3)
        #expect(T.drain(&n).committed.map(\.index) == [4, 5, 6])
    }
}

@Suite("snapshots received from a leader, and stale candidates")
struct SnapshotForwardingTests {
    typealias T = RaftTesting

    @Test("a follower that installed the leader's snapshot can send it on once it leads")
    func installedSnapshotIsForwarded() {
        var f = T.node(2, voters: [1, 2, 3], term: 3)
        let snap = Snapshot(metadata: SnapshotMetadata(index: 20, term: 3, confState: ConfState(voters: [1, 2, 3])), data: [42])
        f.step(Message(kind: .snapshot, from: 1, to: 2, term: 3, snapshot: snap))
        T.drain(&f)
        #expect(f.firstIndex == 21)
        T.elect(&f)
        // Member 3 answers from far behind: only the snapshot can catch it up.
        f.step(Message(kind: .heartbeatResponse, from: 3, to: 2, term: f.term))
        f.step(Message(kind: .appendResponse, from: 3, to: 2, term: f.term, index: 20, reject: true, rejectHint: 5))
        let sent = T.messages(T.drain(&f).messages, .snapshot, to: 3)
        // Only the metadata: the node dropped the bytes once they were persisted; the sender attaches them.
        #expect(sent.first?.snapshot == Snapshot(metadata: snap.metadata))
    }

    @Test("a leader keeps only a compaction snapshot's metadata, and a follower behind it is sent that")
    func compactionKeepsMetadataOnly() {
        var l = T.node(1, voters: [1, 2, 3], terms: [1, 1, 1, 1, 1], term: 1, commit: 5)
        T.elect(&l)
        let index = l.appliedIndex
        let meta = SnapshotMetadata(index: index, term: l.term(at: index) ?? 0, confState: l.confState(at: index))
        l.compact(to: meta)
        #expect(l.firstIndex == index + 1)
        // Member 3 needs entries before the new start of the log.
        l.step(Message(kind: .heartbeatResponse, from: 3, to: 1, term: l.term))
        l.step(Message(kind: .appendResponse, from: 3, to: 1, term: l.term, index: index, reject: true, rejectHint: 1))
        let sent = T.messages(T.drain(&l).messages, .snapshot, to: 3)
        #expect(sent.count == 1)
        #expect(sent.first?.snapshot?.metadata == meta)
        #expect(sent.first?.snapshot?.data.isEmpty == true)
    }

    @Test("a vote request from an older term is refused with the current term")
    func staleVoteGetsOurTerm() {
        var n = T.node(1, voters: [1, 2, 3], term: 9)
        n.step(Message(kind: .vote, from: 2, to: 1, term: 4, logTerm: 9, index: 99))
        let reply = T.messages(T.drain(&n).messages, .voteResponse).first
        #expect(reply?.reject == true)
        #expect(reply?.term == 9)
        var candidate = T.node(2, voters: [1, 2, 3], term: 3)
        candidate.campaign()
        T.drain(&candidate)
        candidate.step(Message(kind: .voteResponse, from: 1, to: 2, term: 9, reject: true))
        #expect(candidate.role == .follower && candidate.term == 9)
    }
}
