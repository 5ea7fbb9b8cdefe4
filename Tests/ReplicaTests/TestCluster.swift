import Testing
import Synchronization
import Replica
import Wire
import JSON
@_exported import TestSupport
#if canImport(Glibc)
import Glibc
#endif

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
        // 40 ms ticks: elections in 0.4–0.8 s, yet slow enough that a loaded two-core CI machine
        // does not miss heartbeats and call spurious elections.
        o.tickNanoseconds = 40_000_000
        o.electionTicks = 10
        o.requestTimeoutNanoseconds = 5_000_000_000
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
        HTTPClientFactory.client(try config.member(named: name).client)
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
        let deadline = monotonicSeconds() + timeoutSeconds
        while monotonicSeconds() < deadline {
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

/// HTTP clients for member addresses.
enum HTTPClientFactory {
    static func client(_ hp: HostPort) -> HTTPClient {
        HTTPClient(address: hp.socketAddress, timeoutNanoseconds: 5_000_000_000)
    }
}
