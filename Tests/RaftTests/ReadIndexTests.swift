import Testing
import Raft

@Suite("ReadIndex: term commit first, a quorum round, no answers from a deposed leader, leases off by default")
struct ReadIndexTests {
    typealias T = RaftTesting
    let ctx = Array("read-1".utf8)

    /// A leader of term 2 over [t1, t1] that has not yet committed its own empty entry.
    func freshLeader(_ config: RaftConfig = T.config(1)) -> RaftNode {
        var leader = T.node(1, voters: [1, 2, 3], terms: [1, 1], term: 1, commit: 2, config: config)
        T.elect(&leader)
        return leader
    }

    @Test("a new leader answers no read before committing an entry of its term")
    func waitsForTermCommit() {
        var leader = freshLeader()
        T.drain(&leader)
        leader.readIndex(context: ctx)
        let out = T.drain(&leader)
        #expect(out.reads.isEmpty)
        #expect(T.messages(out.messages, .heartbeat).filter { $0.context == ctx }.isEmpty)
        // Its entry commits; then the read needs a heartbeat round acknowledged by a quorum.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: leader.term, index: leader.lastIndex))
        let after = T.drain(&leader)
        #expect(after.reads.isEmpty)
        let beats = T.messages(after.messages, .heartbeat).filter { $0.context == ctx }
        #expect(beats.count == 2)
        leader.step(Message(kind: .heartbeatResponse, from: 3, to: 1, term: leader.term, context: ctx))
        let answered = T.drain(&leader).reads
        #expect(answered == [ReadState(index: leader.commitIndex, context: ctx)])
    }

    @Test("without a quorum's acknowledgement there is no answer")
    func needsQuorum() {
        var leader = T.node(1, voters: [1, 2, 3, 4, 5], terms: [1], term: 1)
        T.elect(&leader)
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: leader.term, index: leader.lastIndex))
        leader.step(Message(kind: .appendResponse, from: 3, to: 1, term: leader.term, index: leader.lastIndex))
        T.drain(&leader)
        leader.readIndex(context: ctx)
        T.drain(&leader)
        leader.step(Message(kind: .heartbeatResponse, from: 2, to: 1, term: leader.term, context: ctx))
        #expect(T.drain(&leader).reads.isEmpty, "2 of 5 is not a quorum")
        leader.step(Message(kind: .heartbeatResponse, from: 4, to: 1, term: leader.term, context: ctx))
        #expect(T.drain(&leader).reads.count == 1)
    }

    @Test("a deposed leader never answers from memory, and a retry gets a fresh index")
    func deposedLeaderDoesNotAnswer() throws {
        let cluster = SimulatedCluster(seed: 3, voters: [1, 2, 3], config: T.config(1, preVote: true, checkQuorum: true))
        cluster.ticks(40)
        let old = try #require(cluster.leader)
        cluster.network.isolate([old], from: [1, 2, 3])
        cluster.read(context: Array("stale".utf8), at: old)
        cluster.ticks(60)
        let new = try #require(cluster.leader)
        #expect(new != old)
        #expect(cluster.readResults[Array("stale".utf8)] == nil)
        for i in 0..<5 { cluster.propose(Array("w\(i)".utf8), at: new) }
        cluster.ticks(10)
        cluster.network.heal()
        cluster.ticks(10)
        cluster.read(context: Array("retry".utf8), at: old)  // now a follower: forwarded
        cluster.ticks(10)
        let index = try #require(cluster.readResults[Array("retry".utf8)])
        #expect(index >= cluster.node(new)!.commitIndex)
        cluster.checkReads()
        #expect(cluster.checker.violations.isEmpty)
    }

    @Test("lease reads are off by default, and need check-quorum when on")
    func leaseReads() {
        func answeredAtOnce(_ config: RaftConfig) -> Bool {
            var leader = freshLeader(config)
            leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: leader.term, index: leader.lastIndex))
            T.drain(&leader)
            leader.readIndex(context: ctx)
            return !T.drain(&leader).reads.isEmpty
        }
        #expect(!answeredAtOnce(T.config(1, checkQuorum: true)))
        #expect(!answeredAtOnce(T.config(1, checkQuorum: false, leaseReads: true)))
        #expect(answeredAtOnce(T.config(1, checkQuorum: true, leaseReads: true)))
    }

    @Test("followers forward reads and learn the leader's index")
    func followerRead() {
        var follower = T.node(2, voters: [1, 2, 3], terms: [1], term: 1)
        follower.step(Message(kind: .heartbeat, from: 1, to: 2, term: 1))
        T.drain(&follower)
        follower.readIndex(context: ctx)
        let forwarded = T.messages(T.drain(&follower).messages, .readIndex, to: 1)
        #expect(forwarded.count == 1)
        follower.step(Message(kind: .readIndexResponse, from: 1, to: 2, term: 1, index: 7, context: ctx))
        #expect(T.drain(&follower).reads == [ReadState(index: 7, context: ctx)])
    }
}
