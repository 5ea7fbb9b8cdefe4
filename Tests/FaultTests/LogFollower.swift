import TestSupport
import Checker
import Synchronization

/// Reads the committed log while the run goes on: a watch on every key from revision 1 with prev_kv,
/// resumed on any live member from `last + 1` whenever its stream breaks. The compactor never compacts
/// past what it has read, so it can always resume; at the end it is the run's `committedLog`.
final class LogFollower: Sendable {
    private let log = Mutex<[CommittedRevision]>([])
    private let stopping = Atomic<Bool>(false)
    private let thread = Mutex<TestThread?>(nil)
    /// Times the stream was resumed on a (possibly other) member.
    let resumes = Atomic<Int>(0)
    /// Set when a resumed stream was refused as compacted: the log then has a gap and the run is void.
    let lostAt = Atomic<Int64>(0)

    /// The last revision read (0 before any).
    var lastRevision: Int64 { log.withLock { $0.last?.revision ?? 1 } }

    /// The log read so far.
    var committed: [CommittedRevision] { log.withLock { $0 } }

    func start(_ cluster: FaultCluster, seed: UInt64) throws {
        let t = try TestThread { [self] in run(cluster, seed: seed) }
        thread.withLock { $0 = t }
    }

    /// Waits until the log reaches `revision` (or `seconds` pass); true if it did.
    func waitFor(_ revision: Int64, seconds: Double) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if lastRevision >= revision { return true }
            pause(0.02)
        }
        return lastRevision >= revision
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        thread.withLock { $0 }?.join()
    }

    private func run(_ cluster: FaultCluster, seed: UInt64) {
        var random = SeededRandom(seed: seed ^ 0x10)
        while !stopping.load(ordering: .relaxed) {
            let up = cluster.names.filter(cluster.isUp)
            guard let member = up.randomElement(using: &random) else { pause(0.05); continue }
            let from = lastRevision + 1
            guard let stream = try? WatchStream(cluster: cluster, member: member, key: "", prefix: true, startRevision: from, prevKV: true, timeoutSeconds: 0.5) else {
                pause(0.05)
                continue
            }
            resumes.add(1, ordering: .relaxed)
            defer { stream.close() }
            var idle = 0
            reading: while !stopping.load(ordering: .relaxed) {
                let response: WatchResponse?
                do { response = try stream.next() } catch { break reading }
                switch response {
                case nil:
                    // A paused or isolated member stays silent: move on after a while.
                    idle += 1
                    if idle >= 4 || !cluster.isUp(member) { break reading }
                case .events(let events)?:
                    idle = 0
                    append(events)
                case .canceled(let compact)?:
                    lostAt.store(compact, ordering: .relaxed)
                    return
                case .progress?:
                    idle = 0
                }
            }
        }
    }

    private func append(_ events: [WatchEvent]) {
        log.withLock { log in
            for event in events {
                if let last = log.last, last.revision == event.revision {
                    log[log.count - 1].events.append(event)
                } else if event.revision > (log.last?.revision ?? 1) {
                    log.append(CommittedRevision(revision: event.revision, events: [event]))
                }
            }
        }
    }
}
