@testable import MVCC

/// The reference model: a plain dictionary per revision plus the list of events of each revision,
/// written independently of the keyspace from the rules in RELIABILITY.md section 1.
struct ReferenceModel {
    /// `states[r]` = the key/values at revision r (index 0 unused; revision 1 is empty).
    var states: [[ByteKey: KeyValue]] = [[:], [:]]
    /// `events[r]` = the events of revision r in write order.
    var events: [[Event]] = [[], []]
    var compactRevision: Int64 = 0
    var leases: [Int64: Set<ByteKey>] = [:]

    var current: Int64 { Int64(states.count - 1) }
    var state: [ByteKey: KeyValue] { states[states.count - 1] }

    /// A request in progress: a working copy and its events.
    struct Working {
        var state: [ByteKey: KeyValue]
        var events: [Event] = []
        let revision: Int64
        var leases: [Int64: Set<ByteKey>]
    }

    func begin() -> Working { Working(state: state, revision: current + 1, leases: leases) }

    mutating func end(_ working: Working) {
        leases = working.leases
        if working.events.isEmpty { return }
        states.append(working.state)
        events.append(working.events)
    }

    static func put(_ working: inout Working, key: [UInt8], value: [UInt8], lease: Int64) -> KeyValue? {
        let k = ByteKey(key)
        let previous = working.state[k]
        let kv = KeyValue(key: key, createRevision: previous?.createRevision ?? working.revision,
                          modRevision: working.revision, version: (previous?.version ?? 0) + 1, value: value, lease: lease)
        if let old = previous?.lease, old != 0 { working.leases[old]?.remove(k) }
        if lease != 0 { working.leases[lease]?.insert(k) }
        working.state[k] = kv
        working.events.append(Event(kind: .put, kv: kv, prevKV: previous, sub: Int64(working.events.count)))
        return previous
    }

    static func delete(_ working: inout Working, interval: KeyInterval) -> [KeyValue] {
        let doomed = working.state.keys.filter { interval.contains($0) }.sorted()
        var deleted: [KeyValue] = []
        for k in doomed {
            guard let previous = working.state.removeValue(forKey: k) else { continue }
            if previous.lease != 0 { working.leases[previous.lease]?.remove(k) }
            let kv = KeyValue(key: k.bytes, createRevision: 0, modRevision: working.revision, version: 0, value: [])
            working.events.append(Event(kind: .delete, kv: kv, prevKV: previous, sub: Int64(working.events.count)))
            deleted.append(previous)
        }
        return deleted
    }

    /// The key/values in `interval` at `revision`, in key order.
    func range(_ interval: KeyInterval, at revision: Int64) -> [KeyValue] {
        states[Int(revision)].filter { interval.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Every event at or after `start` inside `interval`, honouring filters, in order.
    func events(from start: Int64, interval: KeyInterval, noPut: Bool = false, noDelete: Bool = false) -> [Event] {
        var result: [Event] = []
        var revision = Int(Swift.max(start, 1))
        while revision < events.count {
            for event in events[revision] where interval.contains(ByteKey(event.kv.key)) {
                if event.kind == .put && noPut { continue }
                if event.kind == .delete && noDelete { continue }
                result.append(event)
            }
            revision += 1
        }
        return result
    }
}
