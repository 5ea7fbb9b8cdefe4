import TestSupport
import Checker
import Synchronization

/// The load of a run: K logical clients (one operation in flight each) doing get, range, put, delete,
/// txn compare-and-set, lease grant/revoke and put-with-lease on ten keys with unique values, plus
/// pinned/serializable reads; watchers opened at offsets from the current revision; a monitor that
/// records leader sightings and compacts behind the ``LogFollower``.
final class Traffic: Sendable {
    static let keys = (0..<10).map { "k\($0)" }
    let cluster: FaultCluster
    let recorder: Recorder
    let follower: LogFollower
    let seed: UInt64
    private let stopping = Atomic<Bool>(false)
    private let threads = Mutex<[TestThread]>([])
    private let leases = Mutex<[Int64]>([])
    private let lastRevision = Atomic<Int64>(1)
    private let compactedTo = Atomic<Int64>(0)
    /// Compactions acknowledged.
    let compactions = Atomic<Int>(0)
    /// Operations answered (reads and writes).
    let answered = Atomic<Int>(0)
    /// Watchers stop reading for a while and send bursts of progress requests (scenario 14).
    private let slowWatchers = Atomic<Bool>(false)

    init(cluster: FaultCluster, recorder: Recorder, follower: LogFollower, seed: UInt64) {
        self.cluster = cluster
        self.recorder = recorder
        self.follower = follower
        self.seed = seed
    }

    /// Starts `clients` client threads, `watchers` watcher threads and the monitor.
    func start(clients: Int, watchers: Int, compact: Bool, slowWatchers slow: Bool = false) throws {
        slowWatchers.store(slow, ordering: .relaxed)
        var started: [TestThread] = []
        for index in 0..<clients {
            started.append(try TestThread { [self] in runClient(index) })
        }
        for index in 0..<watchers {
            started.append(try TestThread { [self] in runWatcher(index) })
        }
        started.append(try TestThread { [self] in runMonitor(compact: compact) })
        threads.withLock { $0 += started }
    }

    /// Stops every thread and waits for them (each finishes its operation in flight first).
    func stop() {
        stopping.store(true, ordering: .relaxed)
        for t in threads.withLock({ t in defer { t.removeAll() }; return t }) { t.join() }
    }

    private var stopped: Bool { stopping.load(ordering: .relaxed) }

    private func pickMember(_ random: inout SeededRandom) -> String? {
        let up = cluster.names.filter(cluster.isUp)
        return up.randomElement(using: &random)
    }

    private func noteRevision(_ output: KVOutput?) {
        if let r = output?.revision { _ = lastRevision.max(r, ordering: .relaxed) }
    }

    private func runClient(_ index: Int) {
        var random = SeededRandom(seed: seed &+ UInt64(index) &* 7919)
        var client = recorder.newClient()
        var counter = 0
        var seen: [String: String] = [:]
        while !stopped {
            guard let member = pickMember(&random) else { pause(0.05); continue }
            let calls = KVCalls(cluster: cluster, member: member, timeoutSeconds: 1.0)
            counter += 1
            let value = "\(cluster.tag)c\(index)-\(counter)"
            let key = Self.keys.randomElement(using: &random)!
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 6 {
                pinnedRead(member, calls: calls, random: &random)
                pause(Double.random(in: 0.002...0.02, using: &random))
                continue
            }
            let input: KVInput
            switch roll {
            case ..<24: input = .get(key: key)
            case ..<32: input = .range(prefix: "k")
            case ..<54: input = .put(key: key, value: value, lease: 0, prevKV: random.chance(30))
            case ..<62: input = .delete(key: key, prefix: false)
            case ..<80:
                let compare: TxnCompare
                if let v = seen[key], random.chance(70) { compare = .valueEquals(key: key, value: v) } else { compare = .versionEquals(key: key, version: 0) }
                input = .txn(compares: [compare], success: [.put(key: key, value: value, lease: 0)], failure: [])
            case ..<86: input = .leaseGrant(id: Int64(index + 1) * 1_000_000 + Int64(counter))
            case ..<91:
                guard let id = leases.withLock({ $0.randomElement(using: &random) }) else { continue }
                input = .leaseRevoke(id: id)
            default:
                guard let id = leases.withLock({ $0.randomElement(using: &random) }) else { continue }
                input = .put(key: key, value: value, lease: id, prevKV: false)
            }
            let (output, sent) = recorder.call(client, input, on: calls)
            noteRevision(output)
            if !sent {
                pause(0.05)  // the member is down: nothing happened, try elsewhere after a moment
                continue
            }
            if output == nil {
                if input.isWrite { client = recorder.newClient() }
            } else {
                answered.add(1, ordering: .relaxed)
            }
            switch (input, output) {
            case (.get(let k), .get(_, let kv)?): seen[k] = kv?.value
            case (.put(let k, let v, _, _), .put?): seen[k] = v
            case (.leaseGrant(let id), .leaseGrant?): leases.withLock { $0.append(id) }
            case (.leaseRevoke(let id), .leaseRevoke?): leases.withLock { $0.removeAll { $0 == id } }
            default: break
            }
            pause(Double.random(in: 0.002...0.02, using: &random))
        }
    }

    /// A serializable range, or one pinned at a recent revision: it may be stale, never wrong (C6).
    private func pinnedRead(_ member: String, calls: KVCalls, random: inout SeededRandom) {
        let pinnedAt = random.chance(50) ? max(1, lastRevision.load(ordering: .relaxed) - Int64.random(in: 0...20, using: &random)) : 0
        let field = pinnedAt > 0 ? #""revision":"\#(pinnedAt)""# : #""serializable":true"#
        let body = #"{"key":"\#(b64("k"))","range_end":"\#(b64("l"))",\#(field)}"#
        guard let (status, json) = try? cluster.post(member, "/v3/kv/range", body, timeoutSeconds: 1), status == 200,
              let revision = KVCalls.revision(json), let kvs = KVCalls.keyValues(json["kvs"]) else { return }
        recorder.addPinned(PinnedRead(key: "k", prefix: true, revision: pinnedAt > 0 ? pinnedAt : revision, kvs: kvs, member: member))
    }

    private func runWatcher(_ index: Int) {
        var random = SeededRandom(seed: seed &+ 0xAA &+ UInt64(index))
        var n = 0
        while !stopped {
            guard let member = pickMember(&random) else { pause(0.05); continue }
            n += 1
            let current = lastRevision.load(ordering: .relaxed)
            let start: Int64 = random.chance(25) ? 0 : max(1, current - Int64.random(in: 0...30, using: &random))
            let prefix = random.chance(60)
            let key = prefix ? "k" : Self.keys.randomElement(using: &random)!
            let prevKV = random.chance(60)
            guard let stream = try? WatchStream(cluster: cluster, member: member, key: key, prefix: prefix, startRevision: start, prevKV: prevKV, timeoutSeconds: 0.3) else {
                pause(0.1)
                continue
            }
            var responses: [WatchResponse] = []
            let slow = slowWatchers.load(ordering: .relaxed)
            let until = monotonicSeconds() + Double.random(in: slow ? 2...5 : 0.5...3, using: &random)
            reading: while !stopped && monotonicSeconds() < until {
                if random.chance(10) { try? stream.requestProgress() }
                if slow && random.chance(30) {
                    // A slow consumer: stop reading while the writes go on, then a storm of progress requests.
                    pause(Double.random(in: 0.2...1.5, using: &random))
                    for _ in 0..<20 { try? stream.requestProgress() }
                }
                do {
                    if let response = try stream.next() {
                        responses.append(response)
                        if case .canceled = response { break reading }
                    }
                } catch { break reading }
            }
            stream.close()
            let from = start > 0 ? start : stream.createdRevision + 1
            if start > 0 || stream.createdRevision > 0 {
                recorder.addWatch(WatchRecord(key: key, prefix: prefix, startRevision: from, wantsPreviousKV: prevKV, responses: responses, name: "w\(index).\(n)@\(member)"))
            }
        }
    }

    private func runMonitor(compact: Bool) {
        var random = SeededRandom(seed: seed &+ 0xC0)
        while !stopped {
            for name in cluster.names where cluster.isUp(name) {
                if let s = cluster.status(name), let leader = s.leader, s.term > 0 {
                    recorder.addLeader(LeaderObservation(term: s.term, leader: cluster.ids[leader]!, observer: name))
                    _ = lastRevision.max(s.revision, ordering: .relaxed)
                }
            }
            // Compact behind the log follower, so the committed log can always be read to the end.
            let target = min(follower.lastRevision, lastRevision.load(ordering: .relaxed)) - 10
            if compact, target > compactedTo.load(ordering: .relaxed), random.chance(60), let member = pickMember(&random),
               let (status, _) = try? cluster.post(member, "/v3/kv/compaction", #"{"revision":"\#(target)","physical":true}"#, timeoutSeconds: 1), status == 200 {
                compactedTo.store(target, ordering: .relaxed)
                compactions.add(1, ordering: .relaxed)
            }
            pause(0.3)
        }
    }
}
