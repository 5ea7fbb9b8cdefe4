import Testing
import Synchronization
import Replica
import Wire
import JSON
#if canImport(Glibc)
import Glibc
#endif

/// Ports handed out by ``freePort()`` in this process, so that suites starting clusters at the same
/// time never get the same one.
let handedOutPorts = Mutex<Set<UInt16>>([])

/// A free TCP port on 127.0.0.1 (bound, read, released), never one already handed out in this process.
func freePort() -> UInt16 {
    for _ in 0..<100 {
        let port = ephemeralPort()
        if handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
    }
    return ephemeralPort()
}

private func ephemeralPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return UInt16(bigEndian: addr.sin_port)
}

/// A fresh temporary directory.
func temporaryDirectory(_ prefix: String) -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

func removeTree(_ path: String) {
    guard path.hasPrefix("/tmp/") else { return }
    _ = system("rm -rf '\(path)'")
}

/// Three (or N) members in this process on loopback, each with its own data folder.
final class TestCluster {
    let config: ClusterConfig
    let directory: String
    var members: [String: Member] = [:]
    var options: ReplicaOptions

    init(size: Int = 3, options: ReplicaOptions = TestCluster.fastOptions) throws {
        directory = temporaryDirectory("tern-test")
        self.options = options
        var text = "[cluster]\nname = test\ndata-dir = data\n"
        for i in 1...size {
            text += "[member n\(i)]\nclient = 127.0.0.1:\(freePort())\npeer = 127.0.0.1:\(freePort())\napi = 127.0.0.1:\(freePort())\n"
        }
        config = try ClusterConfig.parse(text, baseDirectory: directory)
    }

    static var fastOptions: ReplicaOptions {
        var o = ReplicaOptions()
        o.tickNanoseconds = 20_000_000
        o.electionTicks = 10
        o.requestTimeoutNanoseconds = 3_000_000_000
        return o
    }

    var names: [String] { config.members.map(\.name) }

    func start(_ name: String) throws {
        let m = try Member(cluster: config, name: name, options: options, logLevel: .warning)
        try m.start()
        members[name] = m
    }

    func startAll() throws { for n in names { try start(n) } }

    func stop(_ name: String) {
        members.removeValue(forKey: name)?.stop()
    }

    func client(_ name: String) throws -> HTTPClient {
        let m = try config.member(named: name)
        return HTTPClient(address: SocketAddress(host: m.client.host, port: m.client.port), timeoutNanoseconds: 5_000_000_000)
    }

    /// POSTs JSON to a member and returns (status, parsed body).
    func post(_ name: String, _ path: String, _ json: String) throws -> (Int, JSONValue) {
        let c = try client(name)
        defer { c.close() }
        let r = try c.request(method: "POST", path: path, body: Array(json.utf8))
        let value = (try? JSONParser.parse(r.body)) ?? .null
        return (r.status, value)
    }

    /// Waits until some member reports a leader; returns the leader's name.
    func waitForLeader(timeoutSeconds: Double = 10) throws -> String {
        let deadline = now() + timeoutSeconds
        while now() < deadline {
            for name in members.keys.sorted() {
                if let (status, body) = try? post(name, "/v3/maintenance/status", "{}"), status == 200,
                   case .string(let leaderID)? = body["leader"],
                   let leader = config.members.first(where: { String($0.id) == leaderID }), members[leader.name] != nil {
                    return leader.name
                }
            }
            usleep(50_000)
        }
        throw TestFailure("no leader within \(timeoutSeconds) s")
    }

    func shutdown() {
        for name in members.keys.sorted() { stop(name) }
        removeTree(directory)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func b64(_ s: String) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    let bytes = Array(s.utf8)
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let b0 = UInt32(bytes[i]), b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
        let w = b0 << 16 | b1 << 8 | b2
        out.append(table[Int(w >> 18)])
        out.append(table[Int(w >> 12 & 63)])
        out.append(i + 1 < bytes.count ? table[Int(w >> 6 & 63)] : UInt8(ascii: "="))
        out.append(i + 2 < bytes.count ? table[Int(w & 63)] : UInt8(ascii: "="))
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}

/// HTTP clients for member addresses.
enum HTTPClientFactory {
    static func client(_ hp: HostPort) -> HTTPClient {
        HTTPClient(address: SocketAddress(host: hp.host, port: hp.port), timeoutNanoseconds: 5_000_000_000)
    }
}
