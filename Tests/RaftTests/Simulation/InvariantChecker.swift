import Raft

/// Raft's safety properties, checked as a simulation runs. Each violation is recorded with the
/// simulation step it was seen at; a run passes only if none was recorded.
struct InvariantChecker {
    private(set) var violations: [String] = []
    /// Election safety: the one leader of each term.
    private var leaderOfTerm: [UInt64: NodeID] = [:]
    /// State-machine safety: what was applied at each index (by whichever node applied it first).
    private(set) var applied: [UInt64: Entry] = [:]
    private(set) var hashAt: [UInt64: UInt64] = [:]
    private(set) var highestApplied: UInt64 = 0
    /// A node's durable commit index never decreases.
    private var durableCommit: [NodeID: UInt64] = [:]

    mutating func fail(_ text: String) {
        if violations.count < 20 { violations.append(text) }
    }

    mutating func observeLeader(_ id: NodeID, term: UInt64) {
        if let other = leaderOfTerm[term], other != id {
            fail("two leaders in term \(term): \(other) and \(id)")
        }
        leaderOfTerm[term] = id
    }

    mutating func observeApply(_ e: Entry, by id: NodeID, hashAfter: UInt64) {
        if let seen = applied[e.index] {
            if seen != e { fail("node \(id) applied \(e.index)/t\(e.term) but \(seen.index)/t\(seen.term) was applied before") }
        } else {
            applied[e.index] = e
            highestApplied = max(highestApplied, e.index)
        }
        if let h = hashAt[e.index], h != hashAfter {
            fail("node \(id) state diverged at \(e.index)")
        } else {
            hashAt[e.index] = hashAfter
        }
    }

    mutating func observeSnapshotRestore(index: UInt64, hash: UInt64, by id: NodeID) {
        if let h = hashAt[index], h != hash { fail("node \(id) restored a snapshot at \(index) with a different state") }
    }

    mutating func observeDurableCommit(_ commit: UInt64, of id: NodeID) {
        if let old = durableCommit[id], commit < old { fail("node \(id) durable commit fell from \(old) to \(commit)") }
        durableCommit[id] = max(durableCommit[id] ?? 0, commit)
    }

    /// Leader completeness: a new leader holds every entry applied anywhere (those it has not
    /// compacted into a snapshot), and nothing else at those indexes.
    mutating func checkLeaderCompleteness(_ node: RaftNode) {
        guard highestApplied > 0 else { return }
        if node.lastIndex < highestApplied {
            fail("leader \(node.id) t\(node.term) lacks applied entries: last \(node.lastIndex) < \(highestApplied)")
            return
        }
        var i = max(node.firstIndex, 1)
        while i <= highestApplied {
            if let e = applied[i], let mine = node.entry(at: i), mine != e {
                fail("leader \(node.id) t\(node.term) has \(i)/t\(mine.term), applied was t\(e.term)")
                return
            }
            i += 1
        }
    }

    /// Log matching: two logs with the same term at an index agree on everything before it.
    mutating func checkLogMatching(_ a: RaftNode, _ b: RaftNode) {
        let lo = max(a.firstIndex, b.firstIndex)
        let hi = min(a.lastIndex, b.lastIndex)
        guard lo <= hi else { return }
        var i = hi
        while i >= lo {
            if a.term(at: i) == b.term(at: i) { break }
            if i == lo { return }
            i -= 1
        }
        var j = lo
        while j <= i {
            if a.entry(at: j) != b.entry(at: j) {
                fail("log matching broken between \(a.id) and \(b.id) at \(j) (match at \(i))")
                return
            }
            j += 1
        }
    }
}
