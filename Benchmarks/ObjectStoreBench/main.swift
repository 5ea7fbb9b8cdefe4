// objectstore-bench: watch-cache fan-out. One store watch feeds a WatchCache; W cache watchers (all
// namespaces, no filter) are drained by one consumer thread that takes each event's shared JSON
// bytes (encode-once path), as the API server's stream writers would. The store is a feed client
// that hands pre-built store events to the cache, so the figures are the cache's own cost:
// decode once per event, fan-out to W buffers, consumer take, encode once per event.
//
//   swift run -c release objectstore-bench [events-scale]
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import JSON
import KVClient
import Objects
import Synchronization

/// Counts encodings, to show each event is encoded once whatever the number of watchers.
let encodeCount = Atomic<Int>(0)

/// A pod-sized object: metadata plus a spec and status of ~600 bytes of JSON.
struct BenchObject: APIObject {
    static let resourceKind = ResourceKind(group: "", version: "v1", kind: "Bench", resource: "benches", singular: "bench",
                                           namespaced: true, hasStatus: true)
    var metadata: ObjectMeta
    var spec: JSONValue
    var status: JSONValue

    init(json: [UInt8]) throws(ObjectCodecError) {
        let v: JSONValue
        do { v = try JSONParser.parse(json) } catch { throw .malformed(error) }
        metadata = ObjectMeta()
        if case .object(let m)? = v["metadata"] {
            for (k, x) in m {
                guard case .string(let s) = x else { continue }
                switch k {
                case "name": metadata.name = s
                case "namespace": metadata.namespace = s
                case "uid": metadata.uid = s
                case "resourceVersion": metadata.resourceVersion = s
                default: break
                }
            }
        }
        spec = v["spec"] ?? .null
        status = v["status"] ?? .null
    }

    init(namespace: String, name: String, generation: Int) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.uid = "5f1c1c4e-1b7a-4c1e-9d3e-\(String(100_000_000_000 + generation))"
        let container = JSONValue.object([
            ("name", .string("app")), ("image", .string("registry.example/app:1.\(generation % 10)")),
            ("command", .array([.string("/bin/app"), .string("--port=8080"), .string("--verbose")])),
            ("env", .array((0..<4).map { .object([("name", .string("VAR_\($0)")), ("value", .string("value-\($0)-\(generation)"))]) })),
            ("resources", .object([("requests", .object([("cpu", .string("100m")), ("memory", .string("128Mi"))]))])),
        ])
        spec = .object([("nodeName", .string("node-\(generation % 50)")), ("containers", .array([container]))])
        status = .object([("phase", .string("Running")), ("podIP", .string("10.0.\(generation % 250).\(generation % 200)"))])
    }

    func encodeJSON() -> [UInt8] {
        encodeCount.add(1, ordering: .relaxed)
        var meta: [(key: String, value: JSONValue)] = [("name", .string(metadata.name)), ("namespace", .string(metadata.namespace)),
                                                        ("uid", .string(metadata.uid))]
        if !metadata.resourceVersion.isEmpty { meta.append(("resourceVersion", .string(metadata.resourceVersion))) }
        return JSONValue.object([("apiVersion", .string("v1")), ("kind", .string("Bench")), ("metadata", .object(meta)),
                                 ("spec", spec), ("status", status)]).encoded()
    }

    func hasSameSpec(as other: BenchObject) -> Bool { spec == other.spec }
    mutating func copyStatus(from other: BenchObject) { status = other.status }
}

/// BENCH STORE: an empty store at revision 1 whose one watch is fed by hand.
final class FeedClient: KVClient {
    let handler = Mutex<(@Sendable (WatchUpdate) -> Void)?>(nil)

    struct NoHandle: WatchHandle { func cancel() {} }

    func range(_ query: RangeQuery) async throws(KVError) -> RangeResult { RangeResult(revision: 1, pairs: [], more: false, count: 0) }
    func put(_ command: PutCommand) async throws(KVError) -> WriteResult { throw .invalidRequest("bench") }
    func delete(_ command: DeleteCommand) async throws(KVError) -> WriteResult { throw .invalidRequest("bench") }
    func txn(_ command: TxnCommand) async throws(KVError) -> WriteResult { throw .invalidRequest("bench") }
    func compact(revision: Int64) async throws(KVError) { throw .invalidRequest("bench") }
    func leaseGrant(ttl: Int64, id: Int64) async throws(KVError) -> (id: Int64, ttl: Int64) { throw .invalidRequest("bench") }
    func leaseRevoke(id: Int64) async throws(KVError) { throw .invalidRequest("bench") }
    func leaseKeepAlive(id: Int64) async throws(KVError) -> Int64 { throw .invalidRequest("bench") }
    func watch(_ query: WatchQuery, handler: @escaping @Sendable (WatchUpdate) -> Void) throws(KVError) -> any WatchHandle {
        self.handler.withLock { $0 = handler }
        return NoHandle()
    }
}

/// Store events: `count` puts over 1,000 objects in 10 namespaces, one revision each from 2.
func makeEvents(count: Int) -> [KVEvent] {
    var created: [String: Int64] = [:]
    var events: [KVEvent] = []
    events.reserveCapacity(count)
    for i in 0..<count {
        let namespace = "ns\(i % 10)"
        let name = "obj-\(i % 1000)"
        let revision = Int64(i + 2)
        let key = "/registry/benches/\(namespace)/\(name)"
        let createRevision = created[key] ?? revision
        created[key] = createRevision
        let value = BenchObject(namespace: namespace, name: name, generation: i).encodeJSON()
        events.append(KVEvent(kind: .put, pair: KVPair(key: Array(key.utf8), value: value, createRevision: createRevision,
                                                       modRevision: revision, version: 1)))
    }
    return events
}

/// The process's user + system CPU time so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// One run: W watchers, `eventCount` events; returns (wall seconds, CPU seconds, deliveries, bytes, encodes).
/// `scoped`: watcher i watches namespace `ns(i % 10)` only, so each event reaches a tenth of them.
func run(watchers: Int, eventCount: Int, scoped: Bool = false) async throws -> (Double, Double, Int, Int, Int) {
    let client = FeedClient()
    let cache = WatchCache(store: ObjectStore<BenchObject>(client: client), windowCapacity: 1_000, watcherBufferCapacity: 4_096)
    try await cache.start()
    let cacheWatchers = try (0..<watchers).map { i in
        try cache.watch(namespace: scoped ? "ns\(i % 10)" : "", options: WatchOptions(resourceVersion: "1"))
    }
    let ready = Mutex<[Int]>([])
    for (index, watcher) in cacheWatchers.enumerated() {
        watcher.setWakeup { ready.withLock { $0.append(index) } }
    }
    let events = makeEvents(count: eventCount)
    let feed = client.handler.withLock { $0 }!
    encodeCount.store(0, ordering: .relaxed)
    let delivered = Atomic<Int>(0)
    let produced = Atomic<Bool>(false)
    // Events go to namespaces round-robin, so a scoped watcher gets a tenth of them.
    let expected = scoped ? watchers * eventCount / 10 : watchers * eventCount
    let batch = 50
    let start = ContinuousClock.now
    let cpuStart = cpuSeconds()
    let bytes: Int = await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
        // The consumer: one thread that drains the watchers whose wake-up fired (as a stream
        // writer's event loop would: the cache calls the wake-up when an empty buffer gets events).
        DispatchQueue.global().async {
            var total = 0
            var bytes = 0
            var local: [Int] = []
            while total < expected || !produced.load(ordering: .acquiring) {
                ready.withLock { swap(&$0, &local) }
                if local.isEmpty { usleep(20); continue }
                var round = 0
                for index in local {
                    for e in cacheWatchers[index].take() {
                        switch e {
                        case .added(let o), .modified(let o), .deleted(let o): bytes &+= o.json.count
                        case .bookmark, .closed: break
                        }
                        round += 1
                    }
                }
                local.removeAll(keepingCapacity: true)
                total += round
                delivered.add(round, ordering: .relaxed)
            }
            done.resume(returning: bytes)
        }
        // The producer: the store's delivery thread, paced so no watcher buffer overflows.
        DispatchQueue.global().async {
            var fed = 0
            while fed < eventCount {
                let end = min(fed + batch, eventCount)
                feed(.events(Array(events[fed..<end])))
                fed = end
                if fed == eventCount { produced.store(true, ordering: .releasing) }
                while watchers > 0 && (fed - delivered.load(ordering: .relaxed) * eventCount / max(1, expected)) > 1_000 { usleep(20) }
            }
        }
    }
    let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
    let cpu = cpuSeconds() - cpuStart
    let encodes = encodeCount.load(ordering: .relaxed)
    cache.stop()
    return (seconds, cpu, expected, bytes, encodes)
}

let scale = CommandLine.arguments.count > 1 ? max(1, Int(CommandLine.arguments[1]) ?? 1) : 1
print("objectstore-bench: watch-cache fan-out (1 producer thread, 1 consumer thread draining woken watchers, no filter)")
print("watchers  events  wall-s  cpu-s  events/s  deliveries/s  cpu-ns/event  cpu-ns/delivery  encodes/event  MB/s-to-writers")
for (watchers, events, scoped) in [(0, 20_000 * scale, false), (100, 20_000 * scale, false), (1_000, 4_000 * scale, false),
                                   (10_000, 800 * scale, false), (10_000, 4_000 * scale, true)] {
    let (seconds, cpu, deliveries, bytes, encodes) = try await run(watchers: watchers, eventCount: events, scoped: scoped)
    let line = [String(watchers) + (scoped ? " (1 ns each)" : ""), String(events), format3(seconds), format3(cpu), String(Int(Double(events) / seconds)),
                String(Int(Double(deliveries) / seconds)), format3(cpu * 1e9 / Double(events)),
                deliveries == 0 ? "-" : format3(cpu * 1e9 / Double(deliveries)),
                format3(Double(encodes) / Double(events)), format3(Double(bytes) / seconds / 1e6)]
    print(line.joined(separator: "  "))
}

func format3(_ x: Double) -> String {
    let scaled = (x * 1000).rounded() / 1000
    return String(scaled)
}
