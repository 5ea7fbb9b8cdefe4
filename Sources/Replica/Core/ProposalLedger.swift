import Raft

/// Which proposals the state machine has applied, per origin member: the replicated memory that
/// makes applying a proposal at-most-once when its Raft message arrives twice (a duplicated or
/// retransmitted forwarded `propose`), or late (after newer proposals of the same origin).
///
/// Every member updates it in log order with the same rule, and it travels in snapshots, so all
/// members skip the same entries. Per origin it keeps a floor (every sequence at or below it counts
/// as done) and the applied sequences above the floor; when those exceed ``window`` the older half
/// is folded into the floor. A proposal is fresh if its sequence is above the floor and not seen:
/// reordering within the window is applied normally; a proposal older than the window is skipped
/// (and its client told it was not applied).
struct ProposalLedger: Equatable, Sendable {
    /// Applied sequences kept above the floor, per origin, before the older half is folded in.
    static let window = 512

    struct Origin: Equatable, Sendable {
        var floor: UInt64 = 0
        /// Ascending.
        var recent: [UInt64] = []
    }

    private(set) var origins: [NodeID: Origin] = [:]

    init() {}

    /// Records `id` and returns true if it was never applied; false for a duplicate or a proposal
    /// older than the window (the caller skips it).
    mutating func admit(_ id: RequestID) -> Bool {
        var origin = origins[id.origin] ?? Origin()
        guard id.sequence > origin.floor else { return false }
        let position = Self.insertionPoint(of: id.sequence, in: origin.recent)
        if position < origin.recent.count && origin.recent[position] == id.sequence { return false }
        origin.recent.insert(id.sequence, at: position)
        if origin.recent.count > Self.window {
            let folded = origin.recent.count - Self.window / 2
            origin.floor = origin.recent[folded - 1]
            origin.recent.removeFirst(folded)
        }
        origins[id.origin] = origin
        return true
    }

    /// The highest sequence recorded for `origin` (0 if none): a member starts numbering above it.
    func highest(of origin: NodeID) -> UInt64 {
        guard let o = origins[origin] else { return 0 }
        return o.recent.last ?? o.floor
    }

    /// Drops a removed member's record (applied in log order, so every member drops it alike).
    mutating func forget(_ origin: NodeID) { origins[origin] = nil }

    private static func insertionPoint(of value: UInt64, in sorted: [UInt64]) -> Int {
        if let last = sorted.last, last < value { return sorted.count }  // the usual, in-order case
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func encode(into w: inout ByteWriter) {
        w.uvarint(UInt64(origins.count))
        for id in origins.keys.sorted() {
            let o = origins[id]!
            w.uvarint(id)
            w.uvarint(o.floor)
            w.uvarint(UInt64(o.recent.count))
            var previous = o.floor
            for s in o.recent {
                w.uvarint(s - previous)  // ascending, above the floor: small deltas
                previous = s
            }
        }
    }

    init(decoding r: inout ByteReader) throws(DecodeError) {
        let count = try r.uvarint()
        guard count < 100_000 else { throw .malformed("ledger origins \(count)") }
        for _ in 0..<count {
            let id = try r.uvarint()
            var o = Origin(floor: try r.uvarint())
            let n = try r.uvarint()
            guard n <= UInt64(Self.window) else { throw .malformed("ledger window \(n)") }
            var previous = o.floor
            for _ in 0..<n {
                let delta = try r.uvarint()
                guard delta > 0, previous <= UInt64.max - delta else { throw .malformed("ledger sequence order") }
                previous += delta
                o.recent.append(previous)
            }
            origins[id] = o
        }
    }
}
