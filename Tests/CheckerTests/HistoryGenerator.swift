import Raft
import Checker

/// The project's seeded SplitMix64 generator (Raft's), so every run replays from its seed.
typealias SeededGenerator = SeededRandom

/// How the simulated store misbehaves, if at all.
enum StoreFault: String, CaseIterable, Sendable {
    /// A correct store.
    case none
    /// Reads are served from a state several revisions old (a follower serving locally).
    case staleReads
    /// One acknowledged put is answered but never applied.
    case dropsAcknowledgedWrite
}

/// Generates histories by running random concurrent traffic against the sequential model
/// (each operation takes effect at a random point inside its interval), optionally with a fault.
struct HistoryGenerator {
    var clients = 4
    var operations = 40
    var keys = ["a", "b", "c"]
    var unknownPercent = 8
    var fault = StoreFault.none

    struct Output {
        var history: [KVOperation]
        var log: [CommittedRevision]
        var finalState: KVModel.State
        /// For `dropsAcknowledgedWrite`: a write was dropped and the next write, acknowledged, reused its revision,
        /// which makes the history provably non-linearizable.
        var dropProvable = false
    }

    func generate(seed: UInt64) -> Output {
        var rng = SeededGenerator(seed: seed)
        // 1. Intervals and linearization points, client by client.
        struct Pending { var client: Int; var call: UInt64; var returned: UInt64?; var point: UInt64?; var input: KVInput }
        var pending: [Pending] = []
        var nextValue = 0
        var nextLease: Int64 = 100
        var granted: [Int64] = []
        var cursors = Array(repeating: UInt64(0), count: clients)
        var clientIDs = Array(0..<clients)
        var nextClientID = clients
        for index in 0..<operations {
            let slot = index % clients
            let call = cursors[slot] + UInt64.random(in: 0...6, using: &rng)
            let length = UInt64.random(in: 1...25, using: &rng)
            let key = keys.randomElement(using: &rng) ?? "a"
            nextValue += 1
            let value = "v\(nextValue)"
            let input: KVInput
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<25: input = .get(key: key)
            case 25..<33: input = .range(prefix: "")
            case 33..<58: input = .put(key: key, value: value, lease: 0, prevKV: Bool.random(using: &rng))
            case 58..<66: input = .delete(key: key, prefix: false)
            case 66..<78:
                let expected = "v\(Int.random(in: max(1, nextValue - 6)...nextValue, using: &rng))"
                input = .txn(compares: [.valueEquals(key: key, value: expected)], success: [.put(key: key, value: value, lease: 0)],
                             failure: [.delete(key: keys.randomElement(using: &rng) ?? "a")])
            case 78..<84:
                input = .txn(compares: [.versionEquals(key: key, version: 0)], success: [.put(key: key, value: value, lease: 0)], failure: [])
            case 84..<89:
                nextLease += 1
                granted.append(nextLease)
                input = .leaseGrant(id: nextLease)
            case 89..<95:
                input = .put(key: key, value: value, lease: granted.randomElement(using: &rng) ?? 0, prevKV: false)
            default:
                input = .leaseRevoke(id: granted.randomElement(using: &rng) ?? 1)
            }
            let unknown = input.isWrite && Int.random(in: 0..<100, using: &rng) < unknownPercent
            let returned = call + length
            var point: UInt64? = UInt64.random(in: call...returned, using: &rng)
            if unknown && Bool.random(using: &rng) { point = nil }  // the lost request never took effect
            pending.append(Pending(client: clientIDs[slot], call: call, returned: unknown ? nil : returned, point: point, input: input))
            cursors[slot] = returned + 1
            if unknown {  // the client continues under a new id
                clientIDs[slot] = nextClientID
                nextClientID += 1
            }
        }
        // 2. Apply in linearization order; record outputs, committed revisions and (for faults) misbehave.
        let order = pending.indices.filter { pending[$0].point != nil }.sorted { (pending[$0].point ?? 0, $0) < (pending[$1].point ?? 0, $1) }
        var outputs = [KVOutput?](repeating: nil, count: pending.count)
        var state = KVModel.State()
        var past: [KVModel.State] = [state]
        var log: [CommittedRevision] = []
        var dropped = false
        var dropProvable = false
        var bumpsAfterDrop = 0
        for index in order {
            let input = pending[index].input
            if fault == .staleReads, !input.isWrite, past.count > 3 {
                outputs[index] = KVModel.apply(past[past.count - 3], input).1
                continue
            }
            let (next, output) = KVModel.apply(state, input)
            outputs[index] = output
            if fault == .dropsAcknowledgedWrite, !dropped, pending[index].returned != nil, case .put = input, case .put = output, state.revision > 3 {
                dropped = true  // acknowledged with the next revision, never applied
                continue
            }
            if dropped && next.revision != state.revision {
                // The first write after the drop reuses the dropped write's revision.
                if bumpsAfterDrop == 0 && pending[index].returned != nil { dropProvable = true }
                bumpsAfterDrop += 1
            }
            if next.revision != state.revision { log.append(CommittedRevision(revision: next.revision, events: Self.diff(state, next))) }
            state = next
            past.append(state)
        }
        let history = pending.indices.map { index in
            KVOperation(client: pending[index].client, input: pending[index].input, callNanoseconds: pending[index].call,
                        output: pending[index].returned == nil ? nil : outputs[index], returnNanoseconds: pending[index].returned)
        }
        return Output(history: history, log: log, finalState: state, dropProvable: dropProvable)
    }

    /// The events between two consecutive states, in key order.
    static func diff(_ before: KVModel.State, _ after: KVModel.State) -> [WatchEvent] {
        let keys = Set(before.keys.keys).union(after.keys.keys).sorted()
        var events: [WatchEvent] = []
        for key in keys {
            let old = before.keys[key]
            let new = after.keys[key]
            if let new, new != old {
                events.append(WatchEvent(kind: .put, kv: new, prevKV: old))
            } else if new == nil, let old {
                events.append(.delete(key: key, revision: after.revision, prevKV: old))
            }
        }
        return events
    }
}
