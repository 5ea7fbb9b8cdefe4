import Testing
import Raft

@Suite("elections: up-to-date rule, durability, pre-vote, check-quorum")
struct ElectionTests {
    typealias T = RaftTesting

    @Test("a vote goes only to a log at least as up to date: last term first, then index")
    func voteUpToDateRule() {
        // Voter's log: terms [1, 1, 2] — last term 2, last index 3.
        let cases: [(logTerm: UInt64, index: UInt64, granted: Bool)] = [
            (1, 10, false),  // longer but older last term
            (2, 2, false),   // same last term, shorter
            (2, 3, true),    // same
            (2, 9, true),    // same term, longer
            (3, 1, true),    // newer last term, shorter
        ]
        for c in cases {
            var voter = T.node(1, voters: [1, 2, 3], terms: [1, 1, 2])
            voter.step(Message(kind: .vote, from: 2, to: 1, term: 5, logTerm: c.logTerm, index: c.index))
            let replies = T.messages(T.drain(&voter).messages, .voteResponse)
            #expect(replies.count == 1)
            #expect(replies.first?.reject == !c.granted, "logTerm \(c.logTerm) index \(c.index)")
        }
    }

    @Test("term and vote are persisted before the vote reply goes out")
    func voteReplyAfterPersist() {
        var voter = T.node(1, voters: [1, 2, 3])
        voter.step(Message(kind: .vote, from: 2, to: 1, term: 1))
        let rd = voter.ready()
        #expect(rd.hardState == HardState(term: 1, vote: 2, commit: 0))
        #expect(rd.messages.isEmpty)
        #expect(rd.messagesAfterPersist.map(\.kind) == [.voteResponse])
        #expect(rd.mustSync)
    }

    @Test("one vote per term: a second candidate in the same term is refused")
    func oneVotePerTerm() {
        var voter = T.node(1, voters: [1, 2, 3])
        voter.step(Message(kind: .vote, from: 2, to: 1, term: 1))
        voter.step(Message(kind: .vote, from: 3, to: 1, term: 1))
        let replies = T.messages(T.drain(&voter).messages, .voteResponse)
        #expect(replies.map(\.reject) == [false, true])
        // A restart from the persisted state keeps the refusal.
        var restarted = RaftNode(config: T.config(1), state: PersistentState(
            hardState: HardState(term: 1, vote: 2), snapshot: SnapshotMetadata(confState: ConfState(voters: [1, 2, 3]))))
        restarted.step(Message(kind: .vote, from: 3, to: 1, term: 1))
        #expect(T.messages(T.drain(&restarted).messages, .voteResponse).first?.reject == true)
    }

    @Test("an isolated leader steps down after an election timeout (check-quorum)")
    func checkQuorumStepDown() {
        var leader = T.node(1, voters: [1, 2, 3], config: T.config(1, checkQuorum: true))
        T.elect(&leader)
        T.drain(&leader)
        // Nobody answers: after one election timeout without a quorum of responses it steps down.
        for _ in 0..<(leader.config.electionTicks + 1) {
            leader.tick()
            T.drain(&leader)
        }
        #expect(leader.role == .follower)
        // The same leader that hears from one follower keeps leading.
        var kept = T.node(1, voters: [1, 2, 3], config: T.config(1, checkQuorum: true))
        T.elect(&kept)
        for _ in 0..<(3 * kept.config.electionTicks) {
            kept.tick()
            for m in T.drain(&kept).messages where m.kind == .heartbeat && m.to == 2 {
                kept.step(Message(kind: .heartbeatResponse, from: 2, to: 1, term: m.term))
            }
        }
        #expect(kept.role == .leader)
    }

    @Test("pre-vote: a partitioned node keeps its term and cannot depose a healthy leader when it rejoins")
    func preVoteDoesNotBumpTerm() throws {
        let cluster = SimulatedCluster(seed: 1, voters: [1, 2, 3], config: T.config(1, preVote: true, checkQuorum: true))
        cluster.ticks(50)
        let leader = try #require(cluster.leader)
        let term = cluster.node(leader)!.term
        let outsider = [1, 2, 3].first { $0 != leader }!
        cluster.network.isolate([outsider], from: [1, 2, 3])
        cluster.ticks(100)  // many election timeouts
        #expect(cluster.node(outsider)!.term == term, "pre-vote must not bump the term")
        cluster.network.heal()
        cluster.ticks(30)
        #expect(cluster.leader == leader)
        #expect(cluster.node(leader)!.term == term)
        #expect(cluster.checker.violations.isEmpty)
    }

    @Test("without pre-vote, the same rejoin disrupts the leader (the control experiment)")
    func withoutPreVoteTermsBump() throws {
        let cluster = SimulatedCluster(seed: 1, voters: [1, 2, 3], config: T.config(1, preVote: false, checkQuorum: false))
        cluster.ticks(50)
        let leader = try #require(cluster.leader)
        let term = cluster.node(leader)!.term
        let outsider = [1, 2, 3].first { $0 != leader }!
        cluster.network.isolate([outsider], from: [1, 2, 3])
        cluster.ticks(100)
        #expect(cluster.node(outsider)!.term > term)
    }

    @Test("with check-quorum, voters that hear from a leader ignore a disruptive candidate")
    func leaderStickiness() {
        var follower = T.node(1, voters: [1, 2, 3], config: T.config(1, checkQuorum: true))
        follower.step(Message(kind: .heartbeat, from: 2, to: 1, term: 3))
        T.drain(&follower)
        follower.step(Message(kind: .vote, from: 3, to: 1, term: 4, logTerm: 9, index: 9))
        #expect(T.drain(&follower).messages.isEmpty)
        #expect(follower.term == 3)
        // A transfer campaign is honoured.
        follower.step(Message(kind: .vote, from: 3, to: 1, term: 4, logTerm: 9, index: 9, context: campaignTransferContext))
        #expect(T.messages(T.drain(&follower).messages, .voteResponse).first?.reject == false)
    }

    @Test("responses from an older term are ignored")
    func staleResponsesIgnored() {
        var candidate = T.node(1, voters: [1, 2, 3, 4, 5], term: 5)
        candidate.campaign()  // term 6
        T.drain(&candidate)
        candidate.step(Message(kind: .voteResponse, from: 2, to: 1, term: 5))
        candidate.step(Message(kind: .voteResponse, from: 3, to: 1, term: 5))
        #expect(candidate.role == .candidate, "votes from term 5 must not elect a term-6 candidate")
        var leader = T.node(1, voters: [1, 2, 3], terms: [1], term: 1)
        T.elect(&leader)
        T.drain(&leader)
        let commit = leader.commitIndex
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: leader.term - 1, index: leader.lastIndex))
        T.drain(&leader)
        #expect(leader.commitIndex == commit)
        #expect(leader.matchIndex(of: 2) == 0)
    }
}
