import Synchronization

/// A latency histogram in the Prometheus style: cumulative buckets (seconds), a sum and a count.
final class LatencyHistogram: Sendable {
    /// Upper bounds in seconds: 0.1 ms doubling to about 6.5 s (as etcd's fsync histogram spans).
    static let bounds: [Double] = (0..<17).map { 0.0001 * Double(1 << $0) }
    private let state = Mutex((counts: [Int](repeating: 0, count: LatencyHistogram.bounds.count + 1), sum: 0.0, count: 0))

    func observe(nanoseconds: UInt64) {
        let seconds = Double(nanoseconds) / 1e9
        let bucket = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        state.withLock {
            $0.counts[bucket] += 1
            $0.sum += seconds
            $0.count += 1
        }
    }

    func render(_ name: String, _ help: String, into lines: inout [String]) {
        let snapshot = state.withLock { $0 }
        lines.append("# HELP \(name) \(help)")
        lines.append("# TYPE \(name) histogram")
        var cumulative = 0
        for (i, bound) in Self.bounds.enumerated() {
            cumulative += snapshot.counts[i]
            lines.append("\(name)_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        lines.append("\(name)_bucket{le=\"+Inf\"} \(snapshot.count)")
        lines.append("\(name)_sum \(snapshot.sum)")
        lines.append("\(name)_count \(snapshot.count)")
    }
}

/// Counters shown on `GET /metrics` in the Prometheus text format.
final class ReplicaMetrics: Sendable {
    let proposals = Atomic<Int>(0)
    let leaderChanges = Atomic<Int>(0)
    let appliedEntries = Atomic<Int>(0)
    let watchEventsSent = Atomic<Int>(0)
    let snapshotsSaved = Atomic<Int>(0)
    /// One WAL save (write + fdatasync) per Ready batch.
    let fsync = LatencyHistogram()
    /// Applying one Ready's committed entries to the keyspace.
    let apply = LatencyHistogram()

    /// The page, from the loop's state (call on the loop thread).
    func render(_ view: LoopView) -> String {
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ value: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            lines.append("\(name) \(value)")
        }
        func counter(_ name: String, _ help: String, _ value: Int) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) counter")
            lines.append("\(name) \(value)")
        }
        gauge("tern_raft_term", "The current Raft term.", "\(view.node.term)")
        gauge("tern_raft_commit_index", "The Raft commit index.", "\(view.node.commitIndex)")
        gauge("tern_raft_applied_index", "The applied index.", "\(view.node.appliedIndex)")
        gauge("tern_raft_is_leader", "1 if this member leads.", view.node.role == .leader ? "1" : "0")
        gauge("tern_raft_has_leader", "1 if this member knows a leader.", view.node.leader != 0 ? "1" : "0")
        counter("tern_raft_leader_changes_total", "Leader changes seen by this member.", leaderChanges.load(ordering: .relaxed))
        counter("tern_proposals_total", "Writes received by this member.", proposals.load(ordering: .relaxed))
        counter("tern_applied_entries_total", "Log entries applied by this member.", appliedEntries.load(ordering: .relaxed))
        counter("tern_snapshots_saved_total", "Keyspace snapshots saved.", snapshotsSaved.load(ordering: .relaxed))
        gauge("tern_mvcc_revision", "The keyspace revision.", "\(view.keyspace.currentRevision)")
        gauge("tern_mvcc_compact_revision", "The compact revision.", "\(view.keyspace.compactRevision)")
        gauge("tern_watchers", "Watchers on this member.", "\(view.keyspace.watcherCounts.total)")
        gauge("tern_watchers_unsynced", "Watchers catching up from history.", "\(view.keyspace.watcherCounts.unsynced)")
        counter("tern_watch_events_sent_total", "Watch events written to streams.", watchEventsSent.load(ordering: .relaxed))
        fsync.render("tern_wal_fsync_duration_seconds", "WAL save (write and fdatasync) latency per batch.", into: &lines)
        apply.render("tern_apply_duration_seconds", "Time to apply one batch of committed entries.", into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }
}
