import Raft

/// The log as recovery rebuilds it from records: appends with Raft's truncation rule (an entry at an index
/// that already exists replaces it and everything after it), and resets for installed snapshots.
struct LogBuilder {
    private(set) var entries: [Entry] = []

    var lastIndex: UInt64? { entries.last?.index }

    /// Appends `entry`, first dropping every entry at or after its index; nil-returns the expected index on a gap.
    mutating func append(_ entry: Entry) -> UInt64? {
        if let first = entries.first?.index, let last = entries.last?.index {
            if entry.index > last + 1 { return last + 1 }
            if entry.index <= last {
                if entry.index < first { entries.removeAll(keepingCapacity: true) }
                else { entries.removeSubrange(Int(entry.index - first)...) }
            }
        }
        entries.append(entry)
        return nil
    }

    /// Drops every entry after `index` (an installed snapshot replaces the log after it).
    mutating func discard(after index: UInt64) {
        if let first = entries.first?.index {
            if index < first { entries.removeAll(keepingCapacity: true) }
            else if index - first + 1 < UInt64(entries.count) { entries.removeSubrange(Int(index - first + 1)...) }
        }
    }

    /// Drops every entry at or before `index` (covered by the snapshot).
    mutating func compact(through index: UInt64) {
        guard let first = entries.first?.index, index >= first else { return }
        if index - first + 1 >= UInt64(entries.count) { entries.removeAll() }
        else { entries.removeSubrange(0..<Int(index - first + 1)) }
    }
}
