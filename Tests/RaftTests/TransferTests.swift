import Testing
import Raft

@Suite("leadership transfer")
struct TransferTests {
    typealias T = RaftTesting

    @Test("the leader catches the target up, sends TimeoutNow, and the target wins")
    func transferSucceeds() throws {
        let cluster = SimulatedCluster(seed: 11, voters: [1, 2, 3], config: T.config(1, preVote: true, checkQuorum: true))
        cluster.ticks(40)
        let old = try #require(cluster.leader)
        let target = [1, 2, 3].first { $0 != old }!
        for i in 0..<10 { cluster.propose([UInt8(i)], at: old) }
        cluster.with(old) { $0.transferLeadership(to: target) }
        cluster.ticks(5)
        #expect(cluster.leader == target)
        #expect(cluster.node(target)!.term > cluster.node(old)!.term - 1)
        #expect(cluster.machine(target)!.commands.count == 10)
        #expect(cluster.checker.violations.isEmpty)
    }

    @Test("proposals are refused while a transfer is in progress, and it aborts after an election timeout")
    func transferDropsProposalsThenAborts() throws {
        var leader = T.node(1, voters: [1, 2, 3], terms: [1], term: 1, commit: 1)
        T.elect(&leader)
        T.drain(&leader)
        leader.transferLeadership(to: 2)  // 2 never answers: it cannot be caught up
        #expect(leader.transferTarget == 2)
        #expect(throws: ProposalError.transferInProgress) { try leader.propose([1]) }
        for _ in 0..<leader.config.electionTicks {
            leader.tick()
            T.drain(&leader)
        }
        #expect(leader.transferTarget == noNode)
        #expect(leader.role == .leader)
        try leader.propose([2])
    }

    @Test("a transfer to a learner or an unknown node is ignored")
    func transferToNonVoter() {
        var leader = T.node(1, voters: [1, 2, 3], learners: [4], terms: [1], term: 1, commit: 1)
        T.elect(&leader)
        leader.transferLeadership(to: 4)
        leader.transferLeadership(to: 9)
        #expect(leader.transferTarget == noNode)
    }
}
