import TestSupport
import Checker

extension ScenarioRunner {
    /// Item 15c, `restore-from-snapshot`: a snapshot is taken from one member under traffic; the old cluster
    /// is checked (C1–C7) and stopped; a new 3-member cluster with fresh data folders starts from that file
    /// (`tern server --restore FILE` on every member). Then ``RestoreCheck``: every member serves exactly the
    /// old history's state at the snapshot's revision; the members' hashes at that revision agree; writes
    /// succeed above it; one member is restarted; and the final state equals the snapshot's state plus those
    /// writes on every member, with equal hashes.
    static func restoreFromSnapshot(seed: UInt64) throws -> RunOutcome {
        let run = try FaultRun(scenario: Scenario.restoreFromSnapshot.rawValue, seed: seed)
        try run.begin()
        pause(1.5)
        let source = run.cluster.names.randomElement(using: &run.random)!
        var snapshot: SnapshotDownload?
        do { snapshot = try SnapshotDownload(from: source, of: run.cluster) } catch { run.scenarioProblems.append("restore: \(error)") }
        pause(1)
        var outcome = run.finish()  // the old cluster: every check, then every process stopped
        guard let snapshot else { return outcome }
        guard case .success(let replay) = KeyspaceReplay.replay(run.follower.committed, baseRevision: 1),
              replay.lastRevision >= snapshot.revision else {
            outcome.problems.append("restore: the old cluster's committed log does not reach the snapshot's revision \(snapshot.revision)")
            return outcome
        }
        let restored = try restoreCluster(from: snapshot, replay: replay, seed: seed)
        outcome.problems += restored.problems
        outcome.notes.append("snapshot of \(snapshot.image.count) bytes from \(source) at revision \(snapshot.revision); \(restored.note)")
        if !restored.problems.isEmpty { outcome.historyPath = outcome.historyPath ?? restored.directory }
        return outcome
    }

    /// Starts a new cluster from `snapshot`, checks it, stops it (keeping its folder when a check failed).
    private static func restoreCluster(from snapshot: SnapshotDownload, replay: KeyspaceReplay, seed: UInt64)
        throws -> (problems: [String], note: String, directory: String) {
        let cluster = try FaultCluster(size: 3, seed: seed &+ 0x5E5E)
        var problems: [String] = []
        var note = ""
        defer { cluster.shutdown(keep: !problems.isEmpty) }
        let file = cluster.directory + "/backup.snap"
        try snapshot.save(to: file)
        for name in cluster.names { try cluster.start(name, extra: ["--restore", file]) }
        do {
            _ = try cluster.waitForLeader(seconds: 20)
        } catch {
            problems.append("restore: the restored cluster elected no leader: \(error)\n" + cluster.names.map { "--- \($0)\n" + cluster.logTail($0, lines: 6) }.joined(separator: "\n"))
            return (problems, note, cluster.directory)
        }
        // Before any write: what every member holds, read from itself.
        var views: [RestoreCheck.MemberView] = []
        for name in cluster.names {
            if let view = serializableView(cluster, name, within: 10) { views.append(view) }
        }
        problems += RestoreCheck.check(replay: replay, snapshotRevision: snapshot.revision, views: views, expectedMembers: cluster.names)
        problems += cluster.hashesAgree(cluster.names, at: snapshot.revision, within: 15).map { "restore: " + $0 }
        // Writes then succeed, above the snapshot's revision, through every member.
        var expected = replay.keyspace(at: snapshot.revision) ?? [:]
        var lastRevision = snapshot.revision
        var unknown = 0
        var acknowledged = 0
        writing: for i in 0..<12 {
            let member = cluster.names[i % cluster.names.count]
            let key = Traffic.keys[i % Traffic.keys.count]
            let value = "\(cluster.tag)restored-\(i)"
            switch put(cluster, member, key, value, within: 10) {
            case .acknowledged(let revision):
                acknowledged += 1
                if revision <= lastRevision {
                    problems.append("restore: put \(key)=\(value) through \(member) was acknowledged at revision \(revision), not above \(lastRevision)")
                }
                lastRevision = max(lastRevision, revision)
                let old = expected[key]
                expected[key] = KeyValue(key: key, value: value, createRevision: old?.createRevision ?? revision, modRevision: revision,
                                         version: (old?.version ?? 0) + 1, lease: 0)
            case .unknown:
                unknown += 1
            case .failed(let why):
                problems.append("restore: no write through \(member) was acknowledged within 10 s: \(why)")
                break writing
            }
        }
        if acknowledged == 0 { problems.append("restore: none of 12 writes on the restored cluster was acknowledged (\(unknown) unknown)") }
        // The restored state is on disk, not only in memory: one member is killed and restarted (without
        // --restore) before the final comparison.
        let restarted = cluster.names[Int(seed % UInt64(cluster.names.count))]
        cluster.kill(restarted)
        try cluster.start(restarted)
        note = "restored cluster: \(acknowledged) writes acknowledged up to revision \(lastRevision), \(unknown) unknown, \(restarted) restarted"
        // The final state on every member: the snapshot's state plus exactly those writes (exact only when
        // no write's outcome is unknown), and equal hashes.
        if acknowledged > 0 {
            let want = expected.values.sorted()
            for name in cluster.names {
                guard let view = serializableView(cluster, name, within: 10, atLeast: lastRevision) else {
                    problems.append("restore: \(name) never reached revision \(lastRevision) after the writes")
                    continue
                }
                if unknown == 0 && (view.revision != lastRevision || view.kvs != want) {
                    problems.append("restore: after the writes \(name) holds revision \(view.revision) [\(view.kvs.map(\.description).joined(separator: ", "))]; expected revision \(lastRevision) [\(want.map(\.description).joined(separator: ", "))]")
                }
            }
            problems += cluster.hashesAgree(cluster.names, at: lastRevision, within: 15).map { "restore: " + $0 }
        }
        return (problems, note, cluster.directory)
    }

    /// A serializable range of every key on `name` (its own state), once its revision is at least `atLeast`.
    private static func serializableView(_ cluster: FaultCluster, _ name: String, within seconds: Double, atLeast: Int64 = 0) -> RestoreCheck.MemberView? {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if let (status, json) = try? cluster.post(name, "/v3/kv/range", #"{"key":"AA==","range_end":"AA==","serializable":true}"#, timeoutSeconds: 1),
               status == 200, let revision = KVCalls.revision(json), revision >= atLeast, let kvs = KVCalls.keyValues(json["kvs"]) {
                return RestoreCheck.MemberView(member: name, revision: revision, kvs: kvs)
            }
            pause(0.1)
        }
        return nil
    }

    private enum PutResult { case acknowledged(Int64), unknown, failed(String) }

    /// One put, retried while nothing was sent; a timeout after sending is an unknown outcome (not retried).
    private static func put(_ cluster: FaultCluster, _ member: String, _ key: String, _ value: String, within seconds: Double) -> PutResult {
        let deadline = monotonicSeconds() + seconds
        var last = ""
        while monotonicSeconds() < deadline {
            switch KVCalls(cluster: cluster, member: member, timeoutSeconds: 2).perform(.put(key: key, value: value, lease: 0, prevKV: false)) {
            case .answered(.put(let revision, _)): return .acknowledged(revision)
            case .answered(let other): return .failed("answered \(other)")
            case .unknown: return .unknown
            case .notSent(let why): last = why
            }
            pause(0.2)
        }
        return .failed(last)
    }
}
