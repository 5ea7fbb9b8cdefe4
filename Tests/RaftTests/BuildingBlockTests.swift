import Testing
@testable import Raft

@Suite("building blocks: quorum math, progress, the log")
struct BuildingBlockTests {
    @Test("committed index is the majority's lowest match")
    func quorum() {
        #expect(Quorum.committedIndex([5]) == 5)
        #expect(Quorum.committedIndex([5, 3, 9]) == 5)
        #expect(Quorum.committedIndex([5, 3, 9, 1]) == 3)
        #expect(Quorum.committedIndex([7, 7, 2, 2, 1]) == 2)
        #expect(Quorum.tally(voters: [1, 2, 3], votes: [1: true, 2: true]) == .won)
        #expect(Quorum.tally(voters: [1, 2, 3], votes: [1: true, 2: false, 3: false]) == .lost)
        #expect(Quorum.tally(voters: [1, 2, 3, 4], votes: [1: true, 2: true, 9: true]) == .pending)
    }

    @Test("inflight window frees in order and wraps around")
    func inflight() {
        var w = InflightWindow(capacity: 3)
        w.add(1); w.add(2); w.add(3)
        #expect(w.isFull)
        w.free(through: 2)
        #expect(w.count == 1)
        w.add(4); w.add(5)
        #expect(w.isFull)
        w.freeOldest()
        w.free(through: 4)
        #expect(w.count == 1)
    }

    @Test("progress: probe, replicate, stale rejections")
    func progress() {
        var p = Progress(next: 11, maxInflight: 2)
        let first = p.rejected(10, hint: 4)
        #expect(first)
        #expect(p.next == 5)
        let again = p.rejected(10, hint: 4)
        #expect(!again, "a second answer to the same probe is stale")
        let grew = p.acknowledge(6)
        #expect(grew)
        p.becomeReplicate()
        p.sent(entriesThrough: 8)
        p.sent(entriesThrough: 9)
        #expect(p.isPaused)
        let belowMatch = p.rejected(5, hint: 0)
        #expect(!belowMatch, "rejection below match is stale")
        let real = p.rejected(8, hint: 0)
        #expect(real)
        #expect(p.next == 7)
    }

    @Test("the log: conflicts, slices within a byte budget, compaction")
    func log() {
        var log = RaftLog()
        log.append((1...6).map { Entry(term: $0 < 4 ? 1 : 2, index: $0, data: [UInt8]( repeating: 0, count: 100)) })
        #expect(log.firstConflict(in: [Entry(term: 1, index: 2), Entry(term: 3, index: 5)]) == 5)
        #expect(log.firstConflict(in: [Entry(term: 2, index: 6), Entry(term: 2, index: 7)]) == 7)
        #expect(log.firstConflict(in: [Entry(term: 1, index: 3)]) == nil)
        #expect(log.slice(from: 2, through: 6, maxBytes: 250).map(\.index) == [2, 3])
        #expect(log.slice(from: 2, through: 6, maxBytes: 1).map(\.index) == [2], "at least one entry")
        #expect(log.lastIndex(atOrBefore: 6, withTermAtMost: 1) == 3)
        log.commit(to: 4)
        log.applied = 4
        log.compact(through: 3)
        #expect(log.firstIndex == 1, "nothing unpersisted is compacted")
        log.stable(through: 3, term: 1)
        log.compact(through: 3)
        #expect(log.firstIndex == 4)
        #expect(log.term(at: 3) == 1)
        #expect(log.term(at: 2) == nil)
        #expect(log.unstableEntries.count == 3)
        log.stable(through: 6, term: 2)
        #expect(log.unstableEntries.isEmpty)
        log.stable(through: 6, term: 9)
        #expect(log.stableIndex == 6)
    }
}
