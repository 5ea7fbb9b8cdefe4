/// What one event of a revision did (the watch API's event types).
public enum EventKind: String, Hashable, Sendable {
    /// A key was created or changed.
    case put
    /// A key was deleted.
    case delete
}

/// One change to one key, as the committed log and watch streams report it.
public struct WatchEvent: Hashable, Sendable, CustomStringConvertible {
    /// Put or delete.
    public var kind: EventKind
    /// The new record; for a delete only `key` and `modRevision` (the deleting revision) are set.
    public var kv: KeyValue
    /// The record before the change, when the watcher asked for it.
    public var prevKV: KeyValue?

    /// Creates an event.
    public init(kind: EventKind, kv: KeyValue, prevKV: KeyValue? = nil) {
        self.kind = kind
        self.kv = kv
        self.prevKV = prevKV
    }

    /// A delete event of `key` at `revision`.
    public static func delete(key: String, revision: Int64, prevKV: KeyValue? = nil) -> WatchEvent {
        WatchEvent(kind: .delete, kv: KeyValue(key: key, value: "", createRevision: 0, modRevision: revision, version: 0), prevKV: prevKV)
    }

    /// The revision of the change.
    public var revision: Int64 { kv.modRevision }

    /// The same event without its prev_kv (to compare content only).
    public var withoutPrevious: WatchEvent { WatchEvent(kind: kind, kv: kv, prevKV: nil) }

    /// `PUT a="v" ...@7` or `DELETE a@7`.
    public var description: String {
        kind == .put ? "PUT \(kv)" : "DELETE \(kv.key)@\(kv.modRevision)"
    }
}

/// The events one committed revision made, in the order its request made them.
public struct CommittedRevision: Hashable, Sendable {
    /// The revision.
    public var revision: Int64
    /// Its events.
    public var events: [WatchEvent]

    /// Creates a committed revision.
    public init(revision: Int64, events: [WatchEvent]) {
        self.revision = revision
        self.events = events
    }
}

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

/// A list of violations usable as an error.
public struct ViolationList: Error, Hashable, Sendable {
    /// The violations, in the order found.
    public var violations: [Violation]

    /// Wraps violations.
    public init(_ violations: [Violation]) { self.violations = violations }
}
