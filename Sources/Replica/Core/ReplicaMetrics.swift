import Synchronization

/// Counters shown on `GET /metrics` in the Prometheus text format.
final class ReplicaMetrics: Sendable {
    let proposals = Atomic<Int>(0)

    /// The page, from the loop's state (call on the loop thread).
    func render(_ view: LoopView) -> String {
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ value: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            lines.append("\(name) \(value)")
        }
        gauge("tern_raft_term", "The current Raft term.", "\(view.node.term)")
        gauge("tern_raft_commit_index", "The Raft commit index.", "\(view.node.commitIndex)")
        gauge("tern_raft_applied_index", "The applied index.", "\(view.node.appliedIndex)")
        gauge("tern_raft_is_leader", "1 if this member leads.", view.node.role == .leader ? "1" : "0")
        gauge("tern_mvcc_revision", "The keyspace revision.", "\(view.keyspace.currentRevision)")
        gauge("tern_mvcc_compact_revision", "The compact revision.", "\(view.keyspace.compactRevision)")
        gauge("tern_watchers", "Watchers on this member.", "\(view.keyspace.watcherCounts.total)")
        lines.append("# HELP tern_proposals_total Writes received by this member.")
        lines.append("# TYPE tern_proposals_total counter")
        lines.append("tern_proposals_total \(proposals.load(ordering: .relaxed))")
        return lines.joined(separator: "\n") + "\n"
    }
}
