/// The membership as the log defines it: the configuration of the latest snapshot, changed by every
/// `.confChange` entry after it. A change takes effect when its entry is appended and is undone when
/// the entry is truncated away (Raft thesis §4.1).
///
/// Example: base {1,2,3} at snapshot index 10; entry 12 adds learner 4; entry 15 promotes 4.
/// `conf(at: 11)` = {1,2,3}, `conf(at: 13)` = {1,2,3 | learner 4}, `current` = {1,2,3,4}.
/// Truncating from index 14 drops the promotion: `current` = {1,2,3 | learner 4}.
struct MembershipLog: Sendable {
    private(set) var base: ConfState
    private(set) var baseIndex: UInt64
    /// Configurations set by entries after `baseIndex`, in index order.
    private(set) var changes: [(index: UInt64, conf: ConfState)] = []

    init(base: ConfState, baseIndex: UInt64) {
        self.base = base
        self.baseIndex = baseIndex
    }

    var current: ConfState { changes.last?.conf ?? base }

    /// The index of the newest configuration change in the log (0 if none after the base).
    var lastChangeIndex: UInt64 { changes.last?.index ?? 0 }

    func conf(at index: UInt64) -> ConfState {
        changes.last(where: { $0.index <= index })?.conf ?? base
    }

    /// Accounts for entries appended to the log; any change at or after the first of them is undone
    /// first (they replace the log from there on).
    mutating func appended(_ entries: [Entry]) {
        guard let first = entries.first else { return }
        changes.removeAll { $0.index >= first.index }
        for e in entries where e.kind == .confChange {
            // A conf entry we cannot decode changes nothing (it was validated when proposed).
            let decoded = (try? ConfChange.decode(e.data)) ?? []
            changes.append((e.index, ConfChange.apply(decoded, to: current)))
        }
    }

    /// Folds changes through `index` into the base (the log prefix was compacted).
    mutating func compacted(through index: UInt64) {
        guard index > baseIndex else { return }
        base = conf(at: index)
        baseIndex = index
        changes.removeAll { $0.index <= index }
    }

    /// Starts over from a snapshot's configuration.
    mutating func restore(_ metadata: SnapshotMetadata) {
        base = metadata.confState
        baseIndex = metadata.index
        changes = []
    }
}
