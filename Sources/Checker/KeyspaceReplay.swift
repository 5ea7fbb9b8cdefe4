/// The committed log replayed into the keyspace at every revision (the reference for C2, C3 and C6).
///
/// Built from the log a healthy member reports after the run (for example a watch from
/// revision 1 before any compaction). Replay rejects a log that is not self-consistent:
/// revisions must be contiguous from `baseRevision + 1`, every event of a revision
/// carries that mod_revision, versions and create revisions follow from the previous
/// record, and only live keys are deleted.
public struct KeyspaceReplay: Sendable {
    /// The revision of the empty store the log starts from (1 for a fresh store).
    public let baseRevision: Int64
    /// The committed revisions in order.
    public let log: [CommittedRevision]
    /// `states[i]` is the keyspace at revision `baseRevision + i`.
    private let states: [[String: KeyValue]]

    /// Replays `log` from an empty store at `baseRevision`.
    /// - Returns: the replay, or the violations that make the log itself inconsistent (check C2).
    public static func replay(_ log: [CommittedRevision], baseRevision: Int64 = 1) -> Result<KeyspaceReplay, ViolationList> {
        var states: [[String: KeyValue]] = [[:]]
        var violations: [Violation] = []
        var current: [String: KeyValue] = [:]
        for (index, entry) in log.enumerated() {
            let expected = baseRevision + Int64(index) + 1
            if entry.revision != expected {
                violations.append(Violation(.durability, "the committed log jumps from revision \(expected - 1) to \(entry.revision): revisions must be contiguous", revision: entry.revision))
                break
            }
            if entry.events.isEmpty {
                violations.append(Violation(.durability, "committed revision \(entry.revision) has no events", revision: entry.revision))
            }
            var seen = Set<String>()
            for event in entry.events {
                let key = event.kv.key
                if !seen.insert(key).inserted {
                    violations.append(Violation(.durability, "revision \(entry.revision) changes key \(key) twice", key: key, revision: entry.revision))
                }
                if event.revision != entry.revision {
                    violations.append(Violation(.durability, "event \(event) is filed under revision \(entry.revision)", key: key, revision: entry.revision))
                }
                let previous = current[key]
                switch event.kind {
                case .put:
                    let want = KVModel.record(key: key, value: event.kv.value, lease: event.kv.lease, previous: previous, revision: entry.revision)
                    if event.kv != want {
                        violations.append(Violation(.durability, "log event \(event) should read \(want) after \(previous.map { "\($0)" } ?? "(absent)")", key: key, revision: entry.revision))
                    }
                    current[key] = want
                case .delete:
                    if previous == nil {
                        violations.append(Violation(.durability, "the log deletes \(key), which does not exist", key: key, revision: entry.revision))
                    }
                    current[key] = nil
                }
            }
            states.append(current)
        }
        if !violations.isEmpty { return .failure(ViolationList(violations)) }
        return .success(KeyspaceReplay(baseRevision: baseRevision, log: log, states: states))
    }

    private init(baseRevision: Int64, log: [CommittedRevision], states: [[String: KeyValue]]) {
        self.baseRevision = baseRevision
        self.log = log
        self.states = states
    }

    /// The last committed revision.
    public var lastRevision: Int64 { baseRevision + Int64(log.count) }

    /// The keyspace at `revision`, nil outside `baseRevision...lastRevision`.
    public func keyspace(at revision: Int64) -> [String: KeyValue]? {
        guard revision >= baseRevision && revision <= lastRevision else { return nil }
        return states[Int(revision - baseRevision)]
    }

    /// The committed revision entry, nil when not in the log.
    public func entry(at revision: Int64) -> CommittedRevision? {
        guard revision > baseRevision && revision <= lastRevision else { return nil }
        return log[Int(revision - baseRevision - 1)]
    }

    /// The records under `prefix` (or the one key when `prefix` is false) at `revision`, in key order.
    public func records(_ key: String, prefix: Bool, at revision: Int64) -> [KeyValue]? {
        guard let keyspace = keyspace(at: revision) else { return nil }
        if !prefix { return keyspace[key].map { [$0] } ?? [] }
        return keyspace.values.filter { $0.key.utf8.starts(with: key.utf8) }.sorted()
    }
}
