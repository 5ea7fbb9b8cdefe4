/// The replicated state of the keyspace at one revision: the key index, the revision-ordered history,
/// the current and compact revisions, and the leases.
///
/// Copying it is O(1) (two B-tree roots and a small lease table), so a reader or a snapshot writer on
/// another thread can hold a frozen copy while the apply thread keeps writing to the original. All reads
/// (``range(_:)``, ``hashKV(revision:)``, snapshot encoding) are defined here.
public struct KeyspaceState: Sendable {
    /// key → every retained version of it.
    public internal(set) var keys: BTree<ByteKey, KeyIndex>
    /// revision → the key written at it, for every retained write at or after the compact revision
    /// (watch catch-up reads history in revision order from here).
    public internal(set) var history: BTree<Revision, ByteKey>
    /// The revision of the last write; 1 on an empty store.
    public internal(set) var currentRevision: Int64
    /// Reads below this revision are refused; 0 until the first compaction.
    public internal(set) var compactRevision: Int64
    /// Granted leases by ID.
    public internal(set) var leases: [Int64: Lease]
    /// State of the deterministic generator of lease IDs (replicated, so every member picks the same).
    public internal(set) var leaseIDSequence: UInt64

    /// An empty keyspace at revision 1.
    public init(leaseIDSeed: UInt64 = 0x7465_726E_6C65_6173, maxKeysPerNode: Int = 64) {
        self.keys = BTree(maxKeysPerNode: maxKeysPerNode)
        self.history = BTree(maxKeysPerNode: maxKeysPerNode)
        self.currentRevision = 1
        self.compactRevision = 0
        self.leases = [:]
        self.leaseIDSequence = leaseIDSeed
    }

    /// The number of keys in the index (live or kept only as history).
    public var indexedKeyCount: Int { keys.count }

    /// The revision a read asked for, checked against the compact and current revisions.
    @inlinable
    func readRevision(_ requested: Int64, current: Int64) throws(MVCCError) -> Int64 {
        if requested <= 0 { return current }
        if requested > current { throw .futureRevision(requested: requested, currentRevision: current) }
        if requested < compactRevision { throw .compacted(requested: requested, compactRevision: compactRevision) }
        return requested
    }
}

/// A key interval resolved from etcd's (key, range_end) convention.
public struct KeyInterval: Sendable, Equatable, Hashable {
    /// First key, inclusive.
    public var lower: ByteKey
    /// End, exclusive; `nil` means "to the end of the keyspace".
    public var upper: ByteKey?
    /// Whether the interval is the single key `lower`.
    public var isSingleKey: Bool

    /// Resolves etcd's convention: empty `rangeEnd` = only `key`; `[0]` = every key ≥ `key`.
    /// - Throws: ``MVCCError/emptyKey`` or ``MVCCError/invalidRange(key:rangeEnd:)``.
    public init(key: [UInt8], rangeEnd: [UInt8]) throws(MVCCError) {
        if key.isEmpty { throw .emptyKey }
        lower = ByteKey(key)
        if rangeEnd.isEmpty {
            upper = nil
            isSingleKey = true
        } else if rangeEnd == [0] {
            upper = nil
            isSingleKey = false
        } else {
            let end = ByteKey(rangeEnd)
            if !(lower < end) { throw .invalidRange(key: key, rangeEnd: rangeEnd) }
            upper = end
            isSingleKey = false
        }
    }

    /// Whether `key` lies in the interval.
    @inlinable
    public func contains(_ key: ByteKey) -> Bool {
        if isSingleKey { return key == lower }
        if key < lower { return false }
        if let upper { return key < upper }
        return true
    }

    /// Whether the two intervals share a key.
    public func overlaps(_ other: KeyInterval) -> Bool {
        if isSingleKey { return other.contains(lower) }
        if other.isSingleKey { return contains(other.lower) }
        let otherStartsBeforeEnd = upper.map { other.lower < $0 } ?? true
        let startsBeforeOtherEnd = other.upper.map { lower < $0 } ?? true
        return otherStartsBeforeEnd && startsBeforeOtherEnd
    }

    /// Calls `body` on each indexed key of `tree` inside the interval, ascending, until it returns false.
    @inlinable
    func forEach(in tree: BTree<ByteKey, KeyIndex>, _ body: (ByteKey, KeyIndex) -> Bool) {
        if isSingleKey {
            if let index = tree.value(forKey: lower) { _ = body(lower, index) }
            return
        }
        tree.forEach(from: lower, below: upper, body)
    }
}
