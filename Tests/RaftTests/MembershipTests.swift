import Testing
import Raft

@Suite("membership: one change at a time, effective on append, learners, removal")
struct MembershipTests {
    typealias T = RaftTesting

    /// A leader of {1,2,3} that has committed an entry of its term.
    func settledLeader() -> RaftNode {
        var leader = T.node(1, voters: [1, 2, 3], terms: [1], term: 1, commit: 1)
        T.elect(&leader)
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: leader.term, index: leader.lastIndex))
        T.drain(&leader)
        return leader
    }

    @Test("a new leader accepts no change before committing an entry of its term")
    func newLeaderMustCommitFirst() {
        var leader = T.node(1, voters: [1, 2, 3], terms: [1], term: 1, commit: 1)
        T.elect(&leader)
        #expect(throws: ProposalError.confChangePending) {
            try leader.proposeConfChange(ConfChange(kind: .addLearner, nodeID: 4))
        }
    }

    @Test("only one change may be pending, and it takes effect when appended")
    func onePendingChange() throws {
        var leader = settledLeader()
        try leader.proposeConfChange(ConfChange(kind: .addLearner, nodeID: 4))
        #expect(leader.conf == ConfState(voters: [1, 2, 3], learners: [4]), "effective on append")
        #expect(throws: ProposalError.confChangePending) {
            try leader.proposeConfChange(ConfChange(kind: .removeNode, nodeID: 3))
        }
        T.drain(&leader)
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: leader.term, index: leader.lastIndex))
        T.drain(&leader)
        try leader.proposeConfChange(ConfChange(kind: .addVoter, nodeID: 4))
        #expect(leader.conf.voters == [1, 2, 3, 4])
    }

    @Test("invalid changes are refused")
    func invalidChanges() {
        var leader = settledLeader()
        #expect(throws: ProposalError.self) { try leader.proposeConfChange(ConfChange(kind: .addVoter, nodeID: 2)) }
        #expect(throws: ProposalError.self) { try leader.proposeConfChange(ConfChange(kind: .removeNode, nodeID: 9)) }
        #expect(throws: ProposalError.self) { try leader.proposeConfChange(ConfChange(kind: .addLearner, nodeID: 3)) }
        #expect(leader.conf.voters == [1, 2, 3])
    }

    @Test("a change reverts when its entry is truncated away")
    func revertOnTruncation() {
        var f = T.node(2, voters: [1, 2, 3], terms: [1], term: 1, commit: 1)
        let add = Entry(term: 1, index: 2, kind: .confChange, data: ConfChange.encode([ConfChange(kind: .addLearner, nodeID: 4)]))
        f.step(Message(kind: .append, from: 1, to: 2, term: 1, logTerm: 1, index: 1, entries: [add]))
        T.drain(&f)
        #expect(f.conf.learners == [4])
        f.step(Message(kind: .append, from: 3, to: 2, term: 2, logTerm: 1, index: 1, entries: [Entry(term: 2, index: 2)]))
        T.drain(&f)
        #expect(f.conf == ConfState(voters: [1, 2, 3]))
    }

    @Test("learners neither vote nor count toward commit, and never campaign")
    func learnersDoNotCount() {
        var leader = T.node(1, voters: [1, 2, 3], learners: [4], terms: [1], term: 1, commit: 1)
        T.elect(&leader)
        leader.step(Message(kind: .appendResponse, from: 4, to: 1, term: leader.term, index: leader.lastIndex))
        T.drain(&leader)
        #expect(leader.commitIndex == 1, "a learner's ack must not commit")
        var candidate = T.node(1, voters: [1, 2, 3], learners: [4], term: 1)
        candidate.campaign()
        T.drain(&candidate)
        candidate.step(Message(kind: .voteResponse, from: 4, to: 1, term: candidate.term))
        #expect(candidate.role == .candidate, "a learner's vote must not elect")
        var learner = T.node(4, voters: [1, 2, 3], learners: [4], term: 1)
        for _ in 0..<50 { learner.tick() }
        #expect(learner.role == .follower && learner.term == 1)
    }

    @Test("a removed leader steps down once its removal commits; the rest elect a new one")
    func removedLeaderStepsDown() throws {
        let cluster = SimulatedCluster(seed: 9, voters: [1, 2, 3], config: T.config(1, preVote: true, checkQuorum: true))
        cluster.ticks(40)
        let old = try #require(cluster.leader)
        cluster.propose([1], at: old)
        cluster.ticks(5)
        cluster.with(old) { n in try? n.proposeConfChange(ConfChange(kind: .removeNode, nodeID: old)) }
        cluster.ticks(5)
        #expect(cluster.node(old)?.role == .follower)
        cluster.ticks(60)
        let new = try #require(cluster.leader)
        #expect(new != old)
        #expect(cluster.node(new)?.conf.voters.contains(old) == false)
        #expect(cluster.checker.violations.isEmpty)
    }

    @Test("a learner added at run time catches up from a snapshot, is promoted, and then counts")
    func addLearnerAndPromote() throws {
        let cluster = SimulatedCluster(seed: 5, voters: [1, 2, 3], config: T.config(1, preVote: true, checkQuorum: true),
                                       spare: [4])
        cluster.snapshotEvery = 5
        cluster.ticks(40)
        let leader = try #require(cluster.leader)
        for i in 0..<20 { cluster.propose(Array("v\(i)".utf8), at: leader) }
        cluster.ticks(10)
        cluster.with(leader) { n in try? n.proposeConfChange(ConfChange(kind: .addLearner, nodeID: 4)) }
        cluster.ticks(30)
        #expect(cluster.machine(4)?.commands.count == 20, "learner caught up")
        cluster.with(leader) { n in try? n.proposeConfChange(ConfChange(kind: .addVoter, nodeID: 4)) }
        cluster.ticks(10)
        #expect(cluster.node(4)?.conf.voters == [1, 2, 3, 4])
        #expect(cluster.node(4)?.isVoter == true)
        #expect(cluster.checker.violations.isEmpty)
    }
}
