/// A read that is allowed to be stale but must equal the committed state at its revision:
/// a range pinned with `revision=R`, or a `serializable` range (at its header revision).
public struct PinnedRead: Hashable, Sendable {
    /// The key, or the prefix when `prefix` is true.
    public var key: String
    /// Whether `key` is a prefix.
    public var prefix: Bool
    /// The revision the answer claims to describe.
    public var revision: Int64
    /// The records returned, in key order.
    public var kvs: [KeyValue]
    /// The member that answered, for the report.
    public var member: String

    /// Creates a pinned read.
    public init(key: String, prefix: Bool, revision: Int64, kvs: [KeyValue], member: String = "") {
        self.key = key
        self.prefix = prefix
        self.revision = revision
        self.kvs = kvs
        self.member = member
    }
}

/// C6: pinned and serializable reads equal the replay at their revision.
public enum PinnedReadCheck {
    /// One violation per read that differs from the replay or names a revision never committed.
    public static func check(_ reads: [PinnedRead], replay: KeyspaceReplay) -> [Violation] {
        var violations: [Violation] = []
        for (index, read) in reads.enumerated() {
            let what = read.prefix ? "\(read.key)*" : read.key
            guard let expected = replay.records(read.key, prefix: read.prefix, at: read.revision) else {
                violations.append(Violation(.pinnedRead, "read #\(index) of \(what) from \(read.member) claims revision \(read.revision), which was never committed (last \(replay.lastRevision))", operations: [index], key: read.key, revision: read.revision))
                continue
            }
            if expected != read.kvs {
                violations.append(Violation(.pinnedRead, "read #\(index) of \(what) from \(read.member) at revision \(read.revision) returned [\(read.kvs.map(\.description).joined(separator: ", "))]; the committed state there is [\(expected.map(\.description).joined(separator: ", "))]", operations: [index], key: read.key, revision: read.revision))
            }
        }
        return violations
    }
}
