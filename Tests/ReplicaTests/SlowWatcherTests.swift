import Testing
import Replica
import JSON
#if canImport(Glibc)
import Glibc
#endif

@Suite("a watcher that does not read", .serialized, .timeLimit(.minutes(2)))
struct SlowWatcherTests {
    @Test("writes go on while a watch stream is not read; when it reads again every event arrives once, in order")
    func slowConsumerCatchesUp() throws {
        // Default timing (100 ms ticks): on a loaded machine the fast test ticks can cause elections,
        // and a write lost to one would leave a legitimate hole in the expected revisions.
        var options = ReplicaOptions()
        options.requestTimeoutNanoseconds = 20_000_000_000
        let cluster = try TestCluster(options: options)
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let m = try cluster.config.member(named: leader)
        let stream = try ChunkedStream(host: m.client.host, port: m.client.port, timeoutNanoseconds: 10_000_000_000)
        try stream.start(path: "/v3/watch", firstChunk: Array(#"{"create_request":{"key":"\#(b64("s/"))","range_end":"\#(b64("s0"))"}}"#.utf8), finish: true)
        #expect(try stream.nextMessage()["result"]?["created"] == .bool(true))
        // About 3 MB of events, far past the stream's 1 MiB output bound, while nobody reads it.
        let value = b64(String(repeating: "x", count: 2000))
        let c = try cluster.client(leader)
        defer { c.close() }
        var first: Int64 = 0
        let count = 1200
        for i in 0..<count {
            let r = try c.request(method: "POST", path: "/v3/kv/put", body: Array(#"{"key":"\#(b64("s/\(i % 50)"))","value":"\#(value)"}"#.utf8))
            #expect(r.status == 200, "writes must not block on a slow watcher")
            if i == 0, let v = try? JSONParser.parse(r.body), case .string(let rev)? = v["header"]?["revision"] { first = Int64(rev) ?? 0 }
        }
        var revisions: [Int64] = []
        while revisions.count < count {
            let message = try stream.nextMessage()
            guard case .array(let events)? = message["result"]?["events"] else { continue }
            for e in events {
                if case .string(let rev)? = e["kv"]?["mod_revision"], let r = Int64(rev) { revisions.append(r) }
            }
        }
        #expect(revisions == Array(first..<(first + Int64(count))), "every event once, in revision order, no gap")
    }
}

@Suite("watch streams end with their client", .serialized, .timeLimit(.minutes(1)))
struct WatchStreamLifetimeTests {
    @Test("closing the client's socket removes its watchers even if no event is ever written to them")
    func closedStreamReleasesWatchers() throws {
        let cluster = try TestCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let m = try cluster.config.member(named: leader)
        func watchers() throws -> Int {
            let c = try cluster.client(leader)
            defer { c.close() }
            let text = String(decoding: try c.request(method: "GET", path: "/metrics").body, as: UTF8.self)
            let line = text.split(separator: "\n").first { $0.hasPrefix("tern_watchers ") }
            return line.flatMap { Int($0.split(separator: " ")[1]) } ?? -1
        }
        var streams: [ChunkedStream] = []
        for i in 0..<5 {
            let s = try ChunkedStream(host: m.client.host, port: m.client.port)
            try s.start(path: "/v3/watch", firstChunk: Array(#"{"create_request":{"key":"\#(b64("idle/\(i)"))"}}"#.utf8), finish: true)
            #expect(try s.nextMessage()["result"]?["created"] == .bool(true))
            streams.append(s)
        }
        #expect(try watchers() == 5)
        for s in streams { s.close() }
        var left = -1
        for _ in 0..<50 {
            left = try watchers()
            if left == 0 { break }
            usleep(50_000)
        }
        #expect(left == 0, "watchers of closed streams must go without any event on their keys")
    }
}

@Suite("keep-alive answers are never cut off", .serialized, .timeLimit(.minutes(1)))
struct KeepAliveRaceTests {
    @Test("a thousand one-message keep-alive requests each get their TTL line (the body's end must not end the answer early)")
    func everyKeepAliveAnswered() throws {
        let cluster = try TestCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let (s, grant) = try cluster.post(leader, "/v3/lease/grant", #"{"TTL":60}"#)
        #expect(s == 200)
        guard case .string(let id)? = grant["ID"] else { throw TestFailure("no lease id") }
        let c = try cluster.client(leader)
        defer { c.close() }
        var empty = 0
        for _ in 0..<1000 {
            let r = try c.request(method: "POST", path: "/v3/lease/keepalive", body: Array(#"{"ID":"\#(id)"}"#.utf8))
            let text = String(decoding: r.body, as: UTF8.self)
            if r.status != 200 || !text.contains(#""TTL":"60""#) { empty += 1 }
        }
        #expect(empty == 0, "\(empty) of 1000 keep-alive answers were cut off")
    }
}
