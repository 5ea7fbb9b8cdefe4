// kvclient-bench: the store through the KVClient protocol, in-process (Member.kv) vs HTTP
// (HTTPKVClient over loopback), on a one-member cluster in a temporary folder (release build).
//   swift run -c release kvclient-bench [sequentialOps] [concurrency] [seconds] [members]
// Prints sequential put / linearizable range / serializable range latency (p50, p99) and the
// throughput of `concurrency` tasks putting for `seconds` seconds, for each client. With 3 members
// (all in this process), the clients talk to a follower.
import Glibc
import Synchronization
import JSON
import KVClient
import Replica
import Wire

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let sequentialOps = arguments.count > 0 ? arguments[0] : 2000
let concurrency = arguments.count > 1 ? arguments[1] : 32
let seconds = arguments.count > 2 ? arguments[2] : 3
let memberCount = arguments.count > 3 ? max(1, arguments[3]) : 1

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func micros(_ s: Double) -> String { String(Int((s * 1e6).rounded())) }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// p50/p99 of `count` sequential calls of `body`.
func latency(_ name: String, _ count: Int, _ body: (Int) async throws -> Void) async throws {
    var samples: [Double] = []
    samples.reserveCapacity(count)
    for i in 0..<count {
        let start = now()
        try await body(i)
        samples.append(now() - start)
    }
    samples.sort()
    print("  \(name): p50 \(micros(percentile(samples, 0.5))) µs, p99 \(micros(percentile(samples, 0.99))) µs (\(count) sequential)")
}

/// Writes per second of `tasks` concurrent writers over `duration` seconds.
final class Counters: Sendable {
    let ops = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
}

func throughput(_ kv: any KVClient, tasks: Int, duration: Int) async -> (ops: Int, errors: Int) {
    let counters = Counters()
    let deadline = now() + Double(duration)
    await withTaskGroup(of: Void.self) { group in
        for t in 0..<tasks {
            group.addTask {
                var i = 0
                while now() < deadline {
                    do {
                        _ = try await kv.put(PutCommand(key: Array("bench/t\(t)/\(i % 100)".utf8), value: [UInt8](repeating: 0x61, count: 128)))
                        counters.ops.add(1, ordering: .relaxed)
                    } catch {
                        counters.errors.add(1, ordering: .relaxed)
                    }
                    i += 1
                }
            }
        }
    }
    return (counters.ops.load(ordering: .relaxed) / duration, counters.errors.load(ordering: .relaxed))
}

/// A port the kernel just handed out on 127.0.0.1 (bound, read, released).
func ephemeralPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            _ = bind(fd, p, length)
            return getsockname(fd, p, &length)
        }
    }
    return UInt16(bigEndian: address.sin_port)
}

var template = Array("/tmp/kvclient-bench-XXXXXX".utf8CString)
let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
var text = "[cluster]\nname = bench\ndata-dir = data\n"
for i in 1...memberCount {
    text += "[member n\(i)]\nclient = 127.0.0.1:\(ephemeralPort())\npeer = 127.0.0.1:\(ephemeralPort())\napi = 127.0.0.1:\(ephemeralPort())\n"
}
let config = try ClusterConfig.parse(text, baseDirectory: directory)
var members: [Member] = []
for m in config.members {
    let member = try Member(cluster: config, name: m.name, logLevel: .warning)
    try member.start()
    members.append(member)
}
/// The name of the leader a member reports in its status, if any.
func leaderName(asking member: Member) -> String? {
    let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: member.clientPort))
    defer { client.close() }
    guard let answer = try? client.request(method: "POST", path: "/v3/maintenance/status", body: Array("{}".utf8)),
          case .string(let id)? = (try? JSONParser.parse(answer.body))?["leader"] else { return nil }
    return config.members.first { String($0.id) == id }?.name
}

// Wait for a leader, then use a member that is not it.
var leader: String?
for _ in 0..<500 {
    leader = leaderName(asking: members[0])
    if leader != nil { break }
    try await Task.sleep(nanoseconds: 20_000_000)
}
let member = members.first { $0.config.name != leader } ?? members[0]
let http = HTTPKVClient(addresses: [.init(host: "127.0.0.1", port: member.clientPort)],
                        options: { var o = HTTPKVClientOptions(); o.threadCount = concurrency; return o }())
let clients: [(String, any KVClient)] = [("in-process", member.kv), ("HTTP", http)]
let role = memberCount == 1 ? "one member" : "follower \(member.config.name) of \(memberCount) (all in this process; leader \(leader ?? "?"))"
print("kvclient-bench: \(sequentialOps) sequential ops, \(concurrency) writers for \(seconds) s, 128-byte values, \(role), fsync per batch")
for (name, kv) in clients {
    print("\(name):")
    for i in 0..<200 { _ = try await kv.put(PutCommand(key: Array("warm/\(i)".utf8), value: [1])) }
    try await latency("put", sequentialOps) { i in
        _ = try await kv.put(PutCommand(key: Array("seq/\(i % 100)".utf8), value: [UInt8](repeating: 0x61, count: 128)))
    }
    try await latency("range (linearizable)", sequentialOps) { i in
        _ = try await kv.range(RangeQuery(KeyRange(key: Array("seq/\(i % 100)".utf8))))
    }
    try await latency("range (serializable)", sequentialOps) { i in
        _ = try await kv.range(RangeQuery(KeyRange(key: Array("seq/\(i % 100)".utf8)), serializable: true))
    }
    let (ops, errors) = await throughput(kv, tasks: concurrency, duration: seconds)
    print("  put throughput: \(ops) writes/s with \(concurrency) concurrent writers (\(errors) errors)")
}
http.close()
for m in members { m.stop() }
_ = system("rm -rf '\(directory)'")
