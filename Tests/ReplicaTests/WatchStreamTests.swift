import Testing
import Replica
import JSON
import Wire

/// `POST /v3/watch` beyond the transcripts: filters, every-key watches, long catch-ups split into
/// whole-revision messages, watches on followers, and Tern's open request body.
@Suite("watch streams", .serialized, .timeLimit(.minutes(1)), .sharedCluster)
struct WatchStreamTests {
    /// Puts `key`=`value` and returns the new revision.
    @discardableResult
    private func put(_ f: GatewayFixture, _ key: String, _ value: String) throws -> Int64 {
        let r = try f.call("/v3/kv/put", #"{"key":"\#(b64(key))","value":"\#(b64(value))"}"#)
        guard case .string(let text)? = r.json?["header"]?["revision"], let rev = Int64(text) else {
            throw TestFailure("put failed: \(r.text)")
        }
        return rev
    }

    private func delete(_ f: GatewayFixture, _ key: String) throws {
        #expect(try f.call("/v3/kv/deleterange", #"{"key":"\#(b64(key))"}"#).status == 200)
    }

    private func events(_ message: JSONValue) -> [JSONValue] {
        if case .array(let items)? = message["result"]?["events"] { return items }
        return []
    }

    @Test("filters by name and by number: NOPUT (0) keeps deletes, NODELETE (1) keeps puts")
    func filters() throws {
        let f = try GatewayFixture.shared()
        let noPut = try f.openWatch(#"{"create_request":{"key":"\#(b64("flt"))","filters":["NOPUT"]}}"#)
        let noPutNumber = try f.openWatch(#"{"create_request":{"key":"\#(b64("flt"))","filters":[0]}}"#)
        let noDelete = try f.openWatch(#"{"create_request":{"key":"\#(b64("flt"))","filters":["NODELETE"]}}"#)
        for s in [noPut, noPutNumber, noDelete] { #expect(try s.nextMessage()["result"]?["created"] == .bool(true)) }
        let first = try put(f, "flt", "1")
        try delete(f, "flt")
        let last = try put(f, "flt", "2")
        try delete(f, "flt")
        for s in [noPut, noPutNumber] {
            let a = try s.nextMessage(), b = try s.nextMessage()
            #expect(events(a).first?["type"] == .string("DELETE"))
            #expect(events(a).first?["kv"]?["mod_revision"] == .string(String(first + 1)))
            #expect(events(b).first?["kv"]?["mod_revision"] == .string(String(last + 1)))
        }
        let a = try noDelete.nextMessage(), b = try noDelete.nextMessage()
        #expect(events(a).first?["kv"]?["mod_revision"] == .string(String(first)))
        #expect(events(b).first?["kv"]?["mod_revision"] == .string(String(last)))
        #expect(events(b).first?["type"] == nil, "PUT is the default type and is omitted")
    }

    @Test("key \\0 with range_end \\0 watches every key; an empty create_request is created and watches nothing")
    func everyKey() throws {
        let f = try GatewayFixture.shared()
        let all = try f.openWatch(#"{"create_request":{"key":"AA==","range_end":"AA=="}}"#)
        let nothing = try f.openWatch(#"{"create_request":{}}"#, keepBodyOpen: true)
        let created = try nothing.nextMessage()
        expectEtcd(created, #"{"result":{\#(hdr(try f.revision())),"created":true}}"#)
        #expect(try all.nextMessage()["result"]?["created"] == .bool(true))
        let r1 = try put(f, "zz-any", "1")
        let r2 = try put(f, "\u{1}low", "2")
        #expect(events(try all.nextMessage()).first?["kv"]?["mod_revision"] == .string(String(r1)))
        #expect(events(try all.nextMessage()).first?["kv"]?["mod_revision"] == .string(String(r2)))
        // The empty watch got nothing: its next message is the answer to a progress request.
        try nothing.send(#"{"progress_request":{}}"#)
        expectEtcd(try nothing.nextMessage(), #"{"result":{\#(hdr(r2)),"watch_id":"-1"}}"#)
    }

    @Test("a long history replay arrives as whole JSON objects, one per chunk, every revision once and in order")
    func longCatchUp() throws {
        let f = try GatewayFixture.shared()
        let start = try put(f, "bulk/0", String(repeating: "v", count: 100))
        var body: [String] = []
        for i in 1..<2_500 { body.append(#"{"request_put":{"key":"\#(b64("bulk/\(i)"))","value":"\#(b64("x\(i)"))"}}"#) }
        // 2 499 puts in 20 txns of up to 125 keys (etcd's limit is 128 operations).
        var i = 0
        while i < body.count {
            let slice = body[i..<min(i + 125, body.count)]
            #expect(try f.call("/v3/kv/txn", #"{"success":[\#(slice.joined(separator: ","))]}"#).status == 200)
            i += 125
        }
        let end = try f.revision()
        let stream = try f.openWatch(#"{"create_request":{"key":"\#(b64("bulk/"))","range_end":"\#(b64("bulk0"))","start_revision":\#(start)}}"#,
                                     on: f.follower)
        #expect(try stream.nextMessage()["result"]?["created"] == .bool(true))
        var seen = 0
        var lastRevision: Int64 = 0
        var messages = 0
        while seen < 2_500 {
            let m = try stream.nextMessage()
            messages += 1
            let evs = events(m)
            #expect(!evs.isEmpty)
            for e in evs {
                guard case .string(let text)? = e["kv"]?["mod_revision"], let rev = Int64(text) else {
                    Issue.record("no mod_revision in \(e)")
                    return
                }
                #expect(rev >= lastRevision)
                lastRevision = rev
                seen += 1
            }
            // A revision is never split: the next message starts at a later revision.
            if case .string(let h)? = m["result"]?["header"]?["revision"], let headerRev = Int64(h) {
                #expect(headerRev >= lastRevision)
            }
        }
        #expect(seen == 2_500)
        #expect(lastRevision == end)
        #expect(messages > 1, "a catch-up this long is split into several messages")
    }

    @Test("Tern extension: an open request body takes further create, cancel and progress requests")
    func openBody() throws {
        let f = try GatewayFixture.shared()
        let stream = try f.openWatch(#"{"create_request":{"key":"\#(b64("ob/a"))"}}"#, keepBodyOpen: true)
        #expect(try stream.nextMessage()["result"]?["created"] == .bool(true))
        try stream.send(#"{"create_request":{"key":"\#(b64("ob/b"))","watch_id":7}}"#)
        let created = try stream.nextMessage()
        #expect(created["result"]?["watch_id"] == .string("7"))
        let r1 = try put(f, "ob/b", "1")
        let m1 = try stream.nextMessage()
        #expect(m1["result"]?["watch_id"] == .string("7"))
        #expect(events(m1).first?["kv"]?["mod_revision"] == .string(String(r1)))
        try stream.send(#"{"cancel_request":{"watch_id":7}}"#)
        expectEtcd(try stream.nextMessage(), #"{"result":{\#(hdr(r1)),"watch_id":"7","canceled":true}}"#)
        try put(f, "ob/b", "2")
        let r3 = try put(f, "ob/a", "3")
        let m3 = try stream.nextMessage()
        #expect(m3["result"]?["watch_id"] == nil, "the first automatic id is 0, omitted")
        #expect(events(m3).first?["kv"]?["mod_revision"] == .string(String(r3)), "the canceled watch sent nothing")
        try stream.send(#"{"progress_request":{}}"#)
        expectEtcd(try stream.nextMessage(), #"{"result":{\#(hdr(r3)),"watch_id":"-1"}}"#)
        try stream.finishBody()
        let r4 = try put(f, "ob/a", "4")
        #expect(events(try stream.nextMessage()).first?["kv"]?["mod_revision"] == .string(String(r4)),
                "the stream keeps serving after the body ends")
    }

    @Test("an empty body or {} creates nothing and gets no answer at all, as in etcd")
    func emptyBodies() throws {
        let f = try GatewayFixture.shared()
        let m = try f.cluster.config.member(named: f.leader)
        for body in ["", "{}"] {
            let stream = try ChunkedStream(host: m.client.host, port: m.client.port, timeoutNanoseconds: 300_000_000)
            try stream.start(path: "/v3/watch", firstChunk: Array(body.utf8), finish: true)
            #expect(throws: WireError.self, "no status line for \"\(body)\"") { try stream.responseStatus() }
        }
    }

    @Test("a watch on a follower sees writes made through the leader, with prev_kv")
    func followerWatch() throws {
        let f = try GatewayFixture.shared()
        let first = try put(f, "fw", "old")
        try f.waitForRevision(first, on: f.follower)
        let stream = try f.openWatch(#"{"create_request":{"key":"\#(b64("fw"))","prev_kv":true}}"#, on: f.follower)
        #expect(try stream.nextMessage()["result"]?["created"] == .bool(true))
        let second = try put(f, "fw", "new")
        let m = try stream.nextMessage()
        expectEtcd(m, #"{"result":{\#(hdr(second)),"events":[{"kv":{"key":"\#(b64("fw"))","create_revision":"\#(first)","mod_revision":"\#(second)","version":"2","value":"\#(b64("new"))"},"prev_kv":{"key":"\#(b64("fw"))","create_revision":"\#(first)","mod_revision":"\#(first)","version":"1","value":"\#(b64("old"))"}}]}}"#)
    }
}
