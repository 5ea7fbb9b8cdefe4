/// Every retained version of one key, oldest first; the equivalent of etcd's `keyIndex`.
///
/// etcd groups a key's revisions into *generations*: a generation starts with the Put that creates the
/// key and ends with the tombstone that deletes it. Here a generation is implicit: it is the run of
/// versions up to and including a tombstone (`version == 0`). The newest version is stored inline in
/// `latest` so that a key written once costs no extra allocation.
///
/// Worked example (each line a request, `R` the store revision after it):
///
///     R2  put foo=a        versions: [2.0 v1 "a"]                              generation 1 opens
///     R3  put foo=b        versions: [2.0 v1, 3.0 v2 "b"]
///     R4  delete foo       versions: [2.0 v1, 3.0 v2, 4.0 tombstone]           generation 1 closed
///     R5  put foo=c        versions: [2.0 v1, 3.0 v2, 4.0 ⊥, 5.0 v1 "c" c=5]   generation 2 opens
///
/// A range at revision 3 finds the newest version with main ≤ 3 → `3.0 v2 "b"`; at revision 4 it finds
/// the tombstone → the key is absent; at 5 it finds `"c"` with create_revision 5 and version 1.
/// `compact(at: 5)` keeps every version with main ≥ 5 and the newest one below 5 unless it is a
/// tombstone, leaving `[5.0 v1 "c"]`; `compact(at: 4)` leaves `[3.0 "b", 4.0 ⊥, 5.0 "c"]`: the tombstone
/// at the compact revision stays so a watch starting at 4 still receives that DELETE, and `3.0 "b"`
/// stays so that DELETE's prev_kv can still be produced.
public struct KeyIndex: Sendable, Equatable {
    /// The newest version.
    public internal(set) var latest: KeyVersion
    /// Older retained versions, ascending by revision.
    public internal(set) var older: [KeyVersion]

    /// An index holding the single version `first`.
    public init(_ first: KeyVersion) {
        self.latest = first
        self.older = []
    }

    /// An index holding `versions` (ascending by revision, not empty).
    init(versions: [KeyVersion]) {
        precondition(!versions.isEmpty, "KeyIndex needs at least one version")
        self.latest = versions[versions.count - 1]
        self.older = Array(versions.dropLast())
    }

    /// All retained versions, oldest first.
    public var versions: [KeyVersion] { older + [latest] }

    /// The number of retained versions.
    public var versionCount: Int { older.count + 1 }

    /// The live version (not a tombstone) at the newest revision, if the key exists now.
    @inlinable
    public var current: KeyVersion? { latest.isTombstone ? nil : latest }

    /// Records a new newest version (its revision must be greater than every retained one).
    public mutating func append(_ version: KeyVersion) {
        precondition(latest.modRevision < version.modRevision, "KeyIndex.append: revision not increasing")
        older.append(latest)
        latest = version
    }

    /// The newest version whose main revision is ≤ `main` (possibly a tombstone), if one is retained.
    @inlinable
    public func version(atOrBefore main: Int64) -> KeyVersion? {
        if latest.modRevision.main <= main { return latest }
        // The newest older version with main ≤ `main`.
        var low = 0
        var high = older.count
        while low < high {
            let mid = (low + high) >> 1
            if older[mid].modRevision.main <= main { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : older[low - 1]
    }

    /// The live version at revision `main`: the key's state then, or nil if it did not exist.
    @inlinable
    public func live(at main: Int64) -> KeyVersion? {
        guard let found = version(atOrBefore: main), !found.isTombstone else { return nil }
        return found
    }

    /// The version written at exactly `revision` and the retained version just before it.
    public func version(at revision: Revision) -> (version: KeyVersion, previous: KeyVersion?)? {
        if latest.modRevision == revision { return (latest, older.last) }
        var low = 0
        var high = older.count
        while low < high {
            let mid = (low + high) >> 1
            if older[mid].modRevision < revision { low = mid + 1 } else { high = mid }
        }
        guard low < older.count, older[low].modRevision == revision else { return nil }
        return (older[low], low > 0 ? older[low - 1] : nil)
    }

    /// Drops history not needed at or after revision `compactRevision`: keeps every version with main ≥
    /// it and the newest version below it unless that is a tombstone.
    /// - Returns: false when nothing remains (the key can be removed from the index).
    public mutating func compact(at compactRevision: Int64) -> Bool {
        // Fast paths without allocating: a single version, or nothing below the compact revision.
        if older.isEmpty { return latest.modRevision.main >= compactRevision || !latest.isTombstone }
        if older[0].modRevision.main >= compactRevision { return true }
        var all = versions
        let firstKept = all.firstIndex { $0.modRevision.main >= compactRevision } ?? all.count
        var start = firstKept
        if firstKept > 0 && !all[firstKept - 1].isTombstone { start = firstKept - 1 }
        if start == all.count { return false }
        if start > 0 {
            all.removeFirst(start)
            self = KeyIndex(versions: all)
        }
        return true
    }
}
