import TestSupport
import Synchronization

/// RELIABILITY.md §3 item 13: a member's revision never goes back across a restart.
///
/// ``record(_:)`` notes a member's status revision and compact revision just before it is killed (or,
/// while it runs towards a crash point, the highest it reported); the bound only ever grows. After the
/// member is restarted, ``expectNotBelow(_:)`` polls it on a thread of its own, so the scenario's timing
/// does not change, and compares the **first** answer of the new process with the bound: a restarted
/// member that answers with an older revision (it serves before it has re-applied what it had applied)
/// is a problem that ``FaultRun/finish(baseEnvironment:)`` reports. Example: `n2` reports revision 310
/// and compact revision 280, is killed, restarts and first answers revision 301 → "n2 went back".
///
/// Members whose data is wiped (re-joined) must not be checked: their history starts again.
final class MonotonicStatus: Sendable {
    /// What one member reported: its header revision (`/v3/maintenance/status`) and compact revision
    /// (`/v3/maintenance/hashkv` at its current revision).
    struct Sample: Sendable, CustomStringConvertible {
        var revision: Int64
        var compactRevision: Int64
        var description: String { "revision \(revision) compact \(compactRevision)" }
    }

    private let cluster: FaultCluster
    private let bounds = Mutex<[String: Sample]>([:])
    private let problems = Mutex<[String]>([])
    private let threads = Mutex<[TestThread]>([])
    /// Restarts whose first answer was compared with a bound.
    let checked = Atomic<Int>(0)
    /// Restarts that never answered within the poll window (not checked).
    let unanswered = Atomic<Int>(0)

    init(cluster: FaultCluster) { self.cluster = cluster }

    /// The member's revisions now, or nil when it does not answer.
    func sample(_ name: String, timeoutSeconds: Double = 0.5) -> Sample? {
        guard let status = cluster.status(name), status.revision > 0 else { return nil }
        // Both answers or none: a member that answers the status and then crashes (a crash point)
        // before the hash must not look as if its compact revision were 0.
        guard let (code, json) = try? cluster.post(name, "/v3/maintenance/hashkv", #"{"revision":"0"}"#, timeoutSeconds: timeoutSeconds),
              code == 200 else { return nil }
        // The gateway omits a zero compact revision.
        let compact = json["compact_revision"]?.int64Text.flatMap { Int64($0) } ?? 0
        return Sample(revision: status.revision, compactRevision: compact)
    }

    /// Raises the member's bound to what it reports now (nothing when it does not answer).
    func record(_ name: String) {
        if let now = sample(name) { raise(name, to: now) }
    }

    /// Raises the member's bound to `sample` directly (the harness's self-test fabricates one).
    func raise(_ name: String, to sample: Sample) {
        bounds.withLock { b in
            let old = b[name] ?? Sample(revision: 0, compactRevision: 0)
            b[name] = Sample(revision: max(old.revision, sample.revision), compactRevision: max(old.compactRevision, sample.compactRevision))
        }
    }

    /// Forgets a member's bound (its data was wiped).
    func forget(_ name: String) { _ = bounds.withLock { $0.removeValue(forKey: name) } }

    /// After a restart: on a thread, waits up to `seconds` for the member's first answer and compares it
    /// with the bound recorded before (nothing to do when none was recorded).
    func expectNotBelow(_ name: String, seconds: Double = 15) {
        guard let bound = bounds.withLock({ $0[name] }) else { return }
        let thread = try? TestThread { [self] in
            let deadline = monotonicSeconds() + seconds
            while monotonicSeconds() < deadline {
                if let first = sample(name, timeoutSeconds: 0.3) {
                    checked.add(1, ordering: .relaxed)
                    if first.revision < bound.revision || first.compactRevision < bound.compactRevision {
                        problems.withLock { $0.append("C13 monotonic status: \(name) reported \(bound) before it was killed, then first answered \(first) after its restart") }
                    }
                    return
                }
                pause(0.02)
            }
            unanswered.add(1, ordering: .relaxed)
        }
        if let thread { threads.withLock { $0.append(thread) } }
    }

    /// Waits for every pending check; returns the problems found.
    func finish() -> [String] {
        for t in threads.withLock({ t in defer { t.removeAll() }; return t }) { t.join() }
        return problems.withLock { $0 }
    }
}
