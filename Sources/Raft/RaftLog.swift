/// A node's view of the replicated log: a compacted prefix (summarized by the snapshot position),
/// the entries after it, and the commit, apply and persistence marks.
///
/// Invariants: `snapshotIndex ≤ applied ≤ applying ≤ committed ≤ lastIndex`, and
/// `snapshotIndex ≤ stableIndex ≤ lastIndex`. Entries `stableIndex+1 ... lastIndex` have not yet been
/// handed to the caller's storage. Example: snapshot at 10 (term 2), entries 11...15, stable 13:
/// `firstIndex` = 11, `lastIndex` = 15, and the next `Ready` carries entries 14 and 15.
struct RaftLog: Sendable {
    private(set) var snapshotIndex: UInt64 = 0
    private(set) var snapshotTerm: UInt64 = 0
    /// Entries `snapshotIndex+1 ... lastIndex`.
    private(set) var entries: [Entry] = []
    private(set) var committed: UInt64 = 0
    /// Highest index handed out for applying (in a `Ready` not yet advanced past).
    var applying: UInt64 = 0
    /// Highest index the caller has applied.
    var applied: UInt64 = 0
    /// Highest index the caller has persisted.
    private(set) var stableIndex: UInt64 = 0
    /// A snapshot received from the leader that the caller has not persisted yet.
    private(set) var pendingSnapshot: Snapshot?

    init() {}

    /// A log restored from durable state; everything in it is already stable.
    init(restoring state: PersistentState, applied: UInt64) {
        snapshotIndex = state.snapshot.index
        snapshotTerm = state.snapshot.term
        entries = state.entries
        stableIndex = snapshotIndex + UInt64(entries.count)
        committed = min(max(state.hardState.commit, snapshotIndex), stableIndex)
        self.applied = min(max(applied, snapshotIndex), committed)
        applying = self.applied
    }

    var firstIndex: UInt64 { snapshotIndex + 1 }
    var lastIndex: UInt64 { snapshotIndex + UInt64(entries.count) }
    var lastTerm: UInt64 { entries.last?.term ?? snapshotTerm }

    /// The term of the entry at `index`, or nil if it is compacted away or beyond the end.
    func term(at index: UInt64) -> UInt64? {
        if index == snapshotIndex { return snapshotTerm }
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)].term
    }

    func entry(at index: UInt64) -> Entry? {
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)]
    }

    func matchTerm(_ index: UInt64, _ term: UInt64) -> Bool { self.term(at: index) == term }

    /// Raft's election restriction: a log ending at (`index`, `term`) is at least as up to date as ours
    /// if its last term is higher, or equal with an index at least as high.
    func isUpToDate(index: UInt64, term: UInt64) -> Bool {
        term > lastTerm || (term == lastTerm && index >= lastIndex)
    }

    /// The first index at which `incoming` disagrees with our log (a different term, or past our end),
    /// or nil if every incoming entry is already present.
    func firstConflict(in incoming: [Entry]) -> UInt64? {
        for e in incoming where !matchTerm(e.index, e.term) { return e.index }
        return nil
    }

    /// The largest index ≤ `index` whose term is ≤ `term`, for fast backtracking of rejected appends.
    func lastIndex(atOrBefore index: UInt64, withTermAtMost term: UInt64) -> UInt64 {
        var i = min(index, lastIndex)
        while i > snapshotIndex, let t = self.term(at: i), t > term { i -= 1 }
        return i
    }

    /// Appends entries, replacing any existing entries from the first one's index on.
    /// Returns the index from which the log changed. Never touches committed entries.
    @discardableResult
    mutating func append(_ incoming: [Entry]) -> UInt64? {
        guard let first = incoming.first else { return nil }
        precondition(first.index > committed, "truncating committed entry \(first.index) ≤ \(committed)")
        precondition(first.index <= lastIndex + 1 && first.index > snapshotIndex, "gap before \(first.index)")
        let keep = Int(first.index - snapshotIndex - 1)
        if keep < entries.count { entries.removeSubrange(keep...) }
        entries.append(contentsOf: incoming)
        stableIndex = min(stableIndex, first.index - 1)
        return first.index
    }

    /// Entries in `[from, to]` (clamped to what we hold), at most `maxBytes` but always at least one.
    func slice(from: UInt64, through to: UInt64, maxBytes: Int) -> [Entry] {
        guard from <= to, from > snapshotIndex, from <= lastIndex else { return [] }
        let upper = min(to, lastIndex)
        var result: [Entry] = []
        var bytes = 0
        var i = from
        while i <= upper {
            let e = entries[Int(i - snapshotIndex - 1)]
            bytes += e.sizeBytes
            if !result.isEmpty && bytes > maxBytes { break }
            result.append(e)
            i += 1
        }
        return result
    }

    /// Raises the commit index (never lowers it, never past the end of the log).
    @discardableResult
    mutating func commit(to index: UInt64) -> Bool {
        let target = min(index, lastIndex)
        guard target > committed else { return false }
        committed = target
        return true
    }

    /// Entries not yet handed to storage.
    var unstableEntries: ArraySlice<Entry> {
        let from = max(stableIndex, snapshotIndex)
        guard from < lastIndex else { return [] }
        return entries[Int(from - snapshotIndex)...]
    }

    /// Records that storage holds everything through (`index`, `term`), if that entry is still ours.
    mutating func stable(through index: UInt64, term: UInt64) {
        if matchTerm(index, term), index > stableIndex { stableIndex = index }
    }

    mutating func snapshotPersisted(_ metadata: SnapshotMetadata) {
        if pendingSnapshot?.metadata == metadata { pendingSnapshot = nil }
    }

    /// Committed entries not yet handed out for applying, up to `maxBytes` (at least one).
    func entriesToApply(maxBytes: Int) -> [Entry] {
        let from = max(applying, snapshotIndex) + 1
        guard from <= committed else { return [] }
        return slice(from: from, through: committed, maxBytes: maxBytes)
    }

    /// Replaces the whole log with a snapshot from the leader (its state and membership are newer than
    /// anything we hold). The snapshot is pending until the caller persists it.
    mutating func restore(_ snapshot: Snapshot) {
        snapshotIndex = snapshot.metadata.index
        snapshotTerm = snapshot.metadata.term
        entries = []
        committed = snapshotIndex
        stableIndex = snapshotIndex
        pendingSnapshot = snapshot
    }

    /// Drops entries through `index` (which the caller has persisted, applied and captured in a
    /// snapshot).
    mutating func compact(through index: UInt64) {
        guard index > snapshotIndex, index <= stableIndex, let t = term(at: index) else { return }
        precondition(index <= applied, "compacting unapplied entry \(index) > \(applied)")
        entries.removeSubrange(0..<Int(index - snapshotIndex))
        snapshotIndex = index
        snapshotTerm = t
    }
}
