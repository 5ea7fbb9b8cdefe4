import Checker

/// Item 15c: a cluster started with `tern server --restore FILE` from a snapshot taken at revision R
/// must hold, on every member and before any new write, exactly the recorded history's state at R.
///
/// The new cluster's history starts at the snapshot, so the full C1–C7 check does not apply to it; this
/// check compares what each restored member serves with ``KeyspaceReplay`` of the *old* cluster's
/// committed log (the log the old run was checked with). Example: the snapshot was taken at 412; the old
/// log's state at 412 is `k1="x3c0-7" create=30 mod=398 ver=4, k5=…`. Every restored member must answer a
/// serializable range of every key with header revision 412 and exactly those records (values, create
/// and mod revisions, versions, leases); a member at 411 or 413, a missing key, or a version off by
/// one is a problem.
enum RestoreCheck {
    /// What one restored member served before any write: a serializable range of every key.
    struct MemberView: Sendable {
        var member: String
        var revision: Int64
        var kvs: [KeyValue]
    }

    /// The problems (empty when every member holds the state at `snapshotRevision`).
    static func check(replay: KeyspaceReplay, snapshotRevision: Int64, views: [MemberView], expectedMembers: [String]) -> [String] {
        var problems: [String] = []
        let seen = Set(views.map(\.member))
        for name in expectedMembers where !seen.contains(name) {
            problems.append("restore: \(name) never answered a serializable range after the restore")
        }
        for view in views where view.revision != snapshotRevision {
            problems.append("restore: \(view.member) starts at revision \(view.revision), but the snapshot was taken at \(snapshotRevision)")
        }
        let reads = views.map { PinnedRead(key: "", prefix: true, revision: snapshotRevision, kvs: $0.kvs, member: $0.member) }
        for violation in PinnedReadCheck.check(reads, replay: replay) {
            problems.append("restore: the restored keyspace differs from the recorded history: \(violation.message)")
        }
        return problems
    }
}
