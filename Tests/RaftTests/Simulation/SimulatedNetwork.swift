import Raft

/// A directed link between two nodes.
struct Link: Hashable, Comparable {
    var from: NodeID
    var to: NodeID
    static func < (a: Link, b: Link) -> Bool { (a.from, a.to) < (b.from, b.to) }
}

/// Messages in flight between simulated nodes, with seeded drops, duplicates, delays (and so
/// reordering) and partitions. A blocked link swallows everything sent on it.
struct SimulatedNetwork {
    struct InFlight {
        var deliverAt: Int
        var sequence: Int
        var message: Message
    }

    var dropRate = 0.0
    var duplicateRate = 0.0
    var maxDelayRounds = 0
    private(set) var blocked: Set<Link> = []
    private var queue: [InFlight] = []
    private var sequence = 0
    private(set) var sentCount = 0
    private(set) var droppedCount = 0

    var isEmpty: Bool { queue.isEmpty }

    mutating func block(_ link: Link) { blocked.insert(link) }
    mutating func unblock(_ link: Link) { blocked.remove(link) }
    mutating func heal() { blocked.removeAll() }

    /// Blocks both directions between `group` and everyone else in `all`.
    mutating func isolate(_ group: [NodeID], from all: [NodeID]) {
        for a in group {
            for b in all where !group.contains(b) {
                block(Link(from: a, to: b))
                block(Link(from: b, to: a))
            }
        }
    }

    /// Queues `m`; returns false if it was dropped on the way.
    @discardableResult
    mutating func send(_ m: Message, now: Int, random: inout SeededRandom) -> Bool {
        sentCount += 1
        if blocked.contains(Link(from: m.from, to: m.to)) || chance(dropRate, &random) {
            droppedCount += 1
            return false
        }
        let copies = chance(duplicateRate, &random) ? 2 : 1
        for _ in 0..<copies {
            let delay = maxDelayRounds > 0 ? Int(random.next() % UInt64(maxDelayRounds + 1)) : 0
            sequence += 1
            queue.append(InFlight(deliverAt: now + delay, sequence: sequence, message: m))
        }
        return true
    }

    /// Removes and returns the messages due at `now`, in a deterministic order.
    mutating func due(now: Int) -> [Message] {
        var ready: [InFlight] = []
        var later: [InFlight] = []
        for f in queue {
            if f.deliverAt <= now { ready.append(f) } else { later.append(f) }
        }
        queue = later
        ready.sort { ($0.deliverAt, $0.sequence) < ($1.deliverAt, $1.sequence) }
        return ready.map(\.message)
    }

    /// Drops everything in flight (used when modelling a total network reset).
    mutating func clear() { queue.removeAll() }
}

func chance(_ p: Double, _ random: inout SeededRandom) -> Bool {
    guard p > 0 else { return false }
    return Double(random.next() % 1_000_000) < p * 1_000_000
}
