// Proposals per second committed through a three-node group of pure Raft cores wired in memory
// (no I/O, no threads): the ceiling the consensus logic itself puts on the store.
//
//   swift run -c release raft-bench [seconds-per-case]
import Raft
#if canImport(Glibc)
import Glibc
#endif

func nowSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Three nodes, a leader elected, messages delivered in memory after each round.
struct InMemoryGroup {
    var nodes: [RaftNode]
    var applied = 0

    init() {
        nodes = (1...3).map { RaftNode.bootstrap(config: RaftConfig(id: NodeID($0), randomSeed: 1), voters: [1, 2, 3]) }
        nodes[0].campaign()
        for _ in 0..<20 { round() }
    }

    /// One round: every node hands out its Ready; messages are delivered; everything is advanced.
    mutating func round() {
        var inbox: [Message] = []
        for i in nodes.indices where nodes[i].hasReady {
            let rd = nodes[i].ready()
            inbox += rd.messages
            inbox += rd.messagesAfterPersist
            if i == 0 { applied += rd.committedEntries.count }
            nodes[i].advance(rd)
        }
        for m in inbox { nodes[Int(m.to) - 1].step(m) }
    }

    /// Drops applied entries, as a replica does after a snapshot, so memory stays flat.
    mutating func compactAll() {
        for i in nodes.indices {
            let index = nodes[i].appliedIndex
            guard let term = nodes[i].term(at: index) else { continue }
            nodes[i].compact(to: SnapshotMetadata(index: index, term: term, confState: nodes[i].confState(at: index)))
        }
    }
}

let secondsPerCase = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 2 : 2
let payload = [UInt8](repeating: 0x61, count: 128)
print("raft-bench: 3 in-memory nodes, 128-byte commands, \(secondsPerCase) s per case")
for batch in [1, 16, 256] {
    var group = InMemoryGroup()
    precondition(group.nodes[0].role == .leader, "no leader")
    let commands = [[UInt8]](repeating: payload, count: batch)
    let startApplied = group.applied
    let start = nowSeconds()
    var rounds = 0
    while nowSeconds() - start < secondsPerCase {
        for _ in 0..<16 {
            try? group.nodes[0].propose(commands)
            group.round()
            rounds += 1
        }
        group.compactAll()
    }
    let elapsed = nowSeconds() - start
    let committed = group.applied - startApplied
    let rate = Double(committed) / elapsed
    let line = "batch \(batch): \(Int(rate)) proposals/s committed (\(committed) in \((elapsed * 100).rounded() / 100) s, \(rounds) rounds)"
    print(line)
}
