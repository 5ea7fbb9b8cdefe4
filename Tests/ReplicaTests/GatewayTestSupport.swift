import Testing
import Replica
import Wire
import JSON
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// One answer of the client API, kept raw (bytes, headers) and parsed.
struct GatewayReply {
    var status: Int
    var headers: HTTPHeaders
    var raw: [UInt8]
    /// The parsed body, or nil when it is not JSON (404 pages, 405).
    var json: JSONValue?
    var text: String { String(decoding: raw, as: UTF8.self) }
}

/// A started three-member cluster shared by the tests of one suite (see ``SharedClusterTrait``).
final class GatewayFixture: Sendable {
    /// The cluster; its member table is written only while starting, before any test runs.
    nonisolated(unsafe) let cluster: TestCluster
    let leader: String
    let follower: String

    /// Starts a cluster; a port taken meanwhile by another socket (freePort's window) gets a second try.
    init(options: ReplicaOptions) throws {
        var attempt = 0
        while true {
            attempt += 1
            let cluster = try TestCluster(options: options)
            do {
                try cluster.startAll()
                leader = try cluster.waitForLeader()
                self.cluster = cluster
                break
            } catch ReplicaError.network(let text) where attempt < 3 {
                print("retrying the cluster start after: \(text)")
                cluster.shutdown()
            } catch {
                cluster.shutdown()
                throw error
            }
        }
        let elected = leader
        follower = cluster.names.first { $0 != elected } ?? elected
    }

    /// Waits until `member` has applied `revision` (a follower may lag the leader's answer a little).
    func waitForRevision(_ revision: Int64, on member: String) throws {
        for _ in 0..<200 {
            let r = try call("/v3/kv/range", #"{"key":"AA==","serializable":true}"#, on: member)
            if case .string(let text)? = r.json?["header"]?["revision"], let rev = Int64(text), rev >= revision { return }
            usleep(10_000)
        }
        throw TestFailure("\(member) did not reach revision \(revision)")
    }

    /// Fast ticks, but 0.6 s without a heartbeat before an election and 10 s per request: a DEBUG build
    /// on two busy cores can stall longer than the defaults while it writes a 1.4 MB entry.
    static var steadyOptions: ReplicaOptions {
        var options = TestCluster.fastOptions
        options.tickNanoseconds = 20_000_000  // elections after 0.6–1.2 s
        options.electionTicks = 30
        options.requestTimeoutNanoseconds = 10_000_000_000
        return options
    }

    @TaskLocal static var current: GatewayFixture?

    /// The fixture of the running suite.
    static func shared() throws -> GatewayFixture {
        try #require(current, "the suite needs the .sharedCluster trait")
    }

    /// Sends one request and reads the whole answer.
    func call(_ path: String, _ body: String, on member: String? = nil, method: String = "POST",
              timeoutSeconds: UInt64 = 5) throws -> GatewayReply {
        try call(path, Array(body.utf8), on: member, method: method, timeoutSeconds: timeoutSeconds)
    }

    func call(_ path: String, _ body: [UInt8], on member: String? = nil, method: String = "POST",
              timeoutSeconds: UInt64 = 5) throws -> GatewayReply {
        let c = try cluster.client(member ?? leader)
        c.timeoutNanoseconds = timeoutSeconds * 1_000_000_000
        defer { c.close() }
        let r = try c.request(method: method, path: path, body: body)
        return GatewayReply(status: r.status, headers: r.headers, raw: r.body, json: try? JSONParser.parse(r.body))
    }

    /// The current revision, read linearizably through the leader.
    func revision() throws -> Int64 {
        let r = try call("/v3/kv/range", #"{"key":"AA=="}"#)
        guard case .string(let text)? = r.json?["header"]?["revision"], let rev = Int64(text) else {
            throw TestFailure("no revision in \(r.text)")
        }
        return rev
    }

    /// Opens a watch stream on `member` with `body` as its (complete) request body.
    func openWatch(_ body: String, on member: String? = nil, keepBodyOpen: Bool = false) throws -> ChunkedStream {
        let m = try cluster.config.member(named: member ?? leader)
        let stream = try ChunkedStream(host: m.client.host, port: m.client.port)
        try stream.start(path: "/v3/watch", firstChunk: Array(body.utf8), finish: !keepBodyOpen)
        return stream
    }

    /// Opens a keep-alive stream and sends `body` as its whole request body.
    func openKeepAlive(_ body: String, on member: String? = nil) throws -> ChunkedStream {
        let m = try cluster.config.member(named: member ?? leader)
        let stream = try ChunkedStream(host: m.client.host, port: m.client.port)
        try stream.start(path: "/v3/lease/keepalive", firstChunk: Array(body.utf8), finish: true)
        return stream
    }
}

/// Starts one cluster for a whole suite and stops it afterwards.
struct SharedClusterTrait: SuiteTrait, TestScoping {
    var options: ReplicaOptions
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let options = self.options
        // Starting and stopping block (sockets, sleeps, joins): do it off the cooperative pool.
        let fixture = try await offPool { try GatewayFixture(options: options) }
        do {
            try await GatewayFixture.$current.withValue(fixture) { try await function() }
        } catch {
            await offPool { fixture.cluster.shutdown() }
            throw error
        }
        await offPool { fixture.cluster.shutdown() }
    }
}


extension Trait where Self == SharedClusterTrait {
    /// One three-member cluster for all tests of the suite (read it with ``GatewayFixture/shared()``).
    static var sharedCluster: SharedClusterTrait { sharedCluster() }

    static func sharedCluster(watchProgressTicks: Int = 600) -> SharedClusterTrait {
        var options = GatewayFixture.steadyOptions
        options.watchProgressTicks = watchProgressTicks
        return SharedClusterTrait(options: options)
    }
}

// MARK: Comparing with etcd's transcripts

/// Replaces the values that differ between clusters (cluster_id, member_id, raft_term in every
/// header) with "*", keeping their presence visible.
func normalized(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
        return .object(members.map { member in
            if member.key == "header", case .object(let fields) = member.value {
                return (member.key, .object(fields.map { f in
                    ["cluster_id", "member_id", "raft_term"].contains(f.key) ? (f.key, .string("*")) : (f.key, normalized(f.value))
                }))
            }
            return (member.key, normalized(member.value))
        })
    case .array(let items):
        return .array(items.map(normalized))
    default:
        return value
    }
}

/// Checks an answer against etcd's: the status, and the body as parsed JSON (fields in etcd's order)
/// after ``normalized(_:)``; unary bodies end without a newline, as etcd's do.
func expectEtcd(_ reply: GatewayReply, _ status: Int, _ expected: String, _ comment: Comment? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == status, comment, sourceLocation: sourceLocation)
    guard let want = try? JSONParser.parse(Array(expected.utf8)) else {
        Issue.record("the expected text is not JSON: \(expected)", sourceLocation: sourceLocation)
        return
    }
    guard let got = reply.json else {
        Issue.record("not JSON: \(reply.text)", sourceLocation: sourceLocation)
        return
    }
    #expect(normalized(got) == normalized(want), "\(comment?.rawValue ?? "")\n got: \(reply.text)\nwant: \(expected)",
            sourceLocation: sourceLocation)
    #expect(reply.raw.last != 0x0a, "no trailing newline", sourceLocation: sourceLocation)
}

/// Checks a watch or keep-alive message against etcd's.
func expectEtcd(_ message: JSONValue, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let want = try? JSONParser.parse(Array(expected.utf8)) else {
        Issue.record("the expected text is not JSON: \(expected)", sourceLocation: sourceLocation)
        return
    }
    #expect(normalized(message) == normalized(want), "\n got: \(message)\nwant: \(expected)", sourceLocation: sourceLocation)
}

/// etcd's error body.
func etcdError(_ message: String, code: Int) -> String {
    #"{"error":"\#(message)","message":"\#(message)","code":\#(code)}"#
}

/// A header as it appears in transcripts (the cluster values are ignored by the comparison).
func hdr(_ revision: Int64) -> String {
    #""header":{"cluster_id":"1","member_id":"1","revision":"\#(revision)","raft_term":"1"}"#
}
