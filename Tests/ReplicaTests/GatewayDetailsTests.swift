import Testing
import Replica
import JSON
import MVCC

/// The finer points of etcd 3.4's gateway listed in the contract beside the transcripts: response
/// headers, range counts, compares on missing keys, txn limits, watch start at the compact revision.
@Suite("etcd 3.4 gateway details", .serialized, .timeLimit(.minutes(1)), .sharedCluster)
struct GatewayDetailsTests {
    @Test("unary answers carry etcd's headers, a Content-Length and no trailing newline")
    func unaryHeaders() throws {
        let f = try GatewayFixture.shared()
        let r = try f.call("/v3/kv/range", #"{"key":"bm9uZQ=="}"#)
        #expect(r.headers["content-type"] == "application/json")
        #expect(r.headers["grpc-metadata-content-type"] == "application/grpc")
        #expect(r.headers["access-control-allow-origin"] == "*")
        #expect(r.headers["access-control-allow-methods"] == "POST, GET, OPTIONS, PUT, DELETE")
        #expect(r.headers["access-control-allow-headers"] == "accept, content-type, authorization")
        #expect(r.headers["content-length"] == String(r.raw.count))
        #expect(r.raw.last == UInt8(ascii: "}"))
        let error = try f.call("/v3/kv/range", "{}")
        #expect(error.headers["content-type"] == "application/json")
    }

    @Test("a range whose end is not after its key matches nothing (no error), as in etcd 3.4")
    func emptyRanges() throws {
        let f = try GatewayFixture.shared()
        #expect(try f.call("/v3/kv/put", #"{"key":"Yg==","value":"dg=="}"#).status == 200)
        let rev = try f.revision()
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"Yw==","range_end":"YQ=="}"#), 200, "{\(hdr(rev))}")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"Yg==","range_end":"Yg=="}"#), 200, "{\(hdr(rev))}")
        expectEtcd(try f.call("/v3/kv/deleterange", #"{"key":"Yw==","range_end":"YQ=="}"#), 200, "{\(hdr(rev))}")
        #expect(try f.revision() == rev)
    }

    @Test("inside a txn too, a range end at or before the key is an empty range: compares, ranges, deletes, nested")
    func emptyRangesInTxn() throws {
        let f = try GatewayFixture.shared()
        let tb = b64("tx/b"), ta = b64("tx/a")
        #expect(try f.call("/v3/kv/put", #"{"key":"\#(tb)","value":"dg=="}"#).status == 200)
        let rev = try f.revision()
        // VERSION == 0 over no key holds; the range and the delete over [tx/b, tx/a) touch nothing.
        expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"\#(tb)","range_end":"\#(ta)","target":"VERSION","result":"EQUAL","version":0}],"success":[{"request_range":{"key":"\#(tb)","range_end":"\#(ta)"}},{"request_delete_range":{"key":"\#(tb)","range_end":"\#(ta)","prev_kv":true}},{"request_put":{"key":"\#(b64("tx/c"))","value":"dg=="}}]}"#),
                   200, #"{\#(hdr(rev + 1)),"succeeded":true,"responses":[{"response_range":{"header":{"revision":"\#(rev + 1)"}}},{"response_delete_range":{"header":{"revision":"\#(rev + 1)"}}},{"response_put":{"header":{"revision":"\#(rev + 1)"}}}]}"#)
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"\#(tb)","count_only":true}"#), 200, #"{\#(hdr(rev + 1)),"count":"1"}"#, "tx/b is still there")
        // A value compare over no key fails, even NOT_EQUAL; CREATE > 0 fails; the failure branch nests.
        for compare in [#""target":"VALUE","result":"NOT_EQUAL","value":"eA==""#, #""target":"CREATE","result":"GREATER","create_revision":0"#] {
            expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"\#(tb)","range_end":"\#(ta)",\#(compare)}],"failure":[{"request_txn":{"success":[{"request_range":{"key":"\#(tb)","range_end":"\#(tb)","count_only":true}}]}}]}"#),
                       200, #"{\#(hdr(rev + 1)),"responses":[{"response_txn":{"header":{},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"\#(rev + 1)"}}}]}}]}"#, "\(compare)")
        }
        #expect(try f.revision() == rev + 1)
    }

    @Test("a value compare on a missing key is false, even NOT_EQUAL")
    func valueCompareOnMissingKey() throws {
        let f = try GatewayFixture.shared()
        let rev = try f.revision()
        for result in ["EQUAL", "NOT_EQUAL", "GREATER", "LESS"] {
            expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"bWlzc2luZw==","target":"VALUE","result":"\#(result)","value":"eA=="}]}"#),
                       200, "{\(hdr(rev))}", "\(result)")
        }
    }

    @Test("128 operations per txn branch pass, 129 do not")
    func txnOperationLimit() throws {
        let f = try GatewayFixture.shared()
        let ops = { (n: Int) in (0..<n).map { #"{"request_put":{"key":"\#(b64("ops/\($0)"))"}}"# }.joined(separator: ",") }
        let rev = try f.revision()
        expectEtcd(try f.call("/v3/kv/txn", #"{"success":[\#(ops(129))]}"#), 400,
                   etcdError("etcdserver: too many operations in txn request", code: 3))
        #expect(try f.revision() == rev)
        #expect(try f.call("/v3/kv/txn", #"{"success":[\#(ops(128))]}"#).status == 200)
        #expect(try f.revision() == rev + 1)
    }

    @Test("range count ignores the revision filters; keys_only with limit keeps count and more")
    func rangeCounts() throws {
        let f = try GatewayFixture.shared()
        for i in 0..<4 { #expect(try f.call("/v3/kv/put", #"{"key":"\#(b64("cnt/\(i)"))","value":"dg=="}"#).status == 200) }
        let rev = try f.revision()
        let r = try f.call("/v3/kv/range", #"{"key":"\#(b64("cnt/"))","range_end":"\#(b64("cnt0"))","min_create_revision":\#(rev),"keys_only":true}"#)
        expectEtcd(r, 200, #"{\#(hdr(rev)),"kvs":[{"key":"\#(b64("cnt/3"))","create_revision":"\#(rev)","mod_revision":"\#(rev)","version":"1"}],"count":"4"}"#)
        let limited = try f.call("/v3/kv/range", #"{"key":"\#(b64("cnt/"))","range_end":"\#(b64("cnt0"))","limit":1,"keys_only":true,"sort_order":"DESCEND"}"#)
        expectEtcd(limited, 200, #"{\#(hdr(rev)),"kvs":[{"key":"\#(b64("cnt/3"))","create_revision":"\#(rev)","mod_revision":"\#(rev)","version":"1"}],"more":true,"count":"4"}"#)
    }

    @Test("a watch may start at the compact revision; below it, created then canceled with compact_revision")
    func watchAtCompactRevision() throws {
        let f = try GatewayFixture.shared()
        #expect(try f.call("/v3/kv/put", #"{"key":"Y3c=","value":"MQ=="}"#).status == 200)
        #expect(try f.call("/v3/kv/put", #"{"key":"Y3c=","value":"Mg=="}"#).status == 200)
        let compactAt = try f.revision()
        #expect(try f.call("/v3/kv/put", #"{"key":"Y3c=","value":"Mw=="}"#).status == 200)
        #expect(try f.call("/v3/kv/compaction", #"{"revision":\#(compactAt)}"#).status == 200)
        let rev = try f.revision()
        let at = try f.openWatch(#"{"create_request":{"key":"Y3c=","start_revision":\#(compactAt)}}"#)
        expectEtcd(try at.nextMessage(), #"{"result":{\#(hdr(rev)),"created":true}}"#)
        let replay = try at.nextMessage()
        if case .array(let events)? = replay["result"]?["events"] {
            #expect(events.count == 2)
            #expect(events.first?["kv"]?["mod_revision"] == .string(String(compactAt)))
        } else {
            Issue.record("no events: \(replay)")
        }
        try f.waitForRevision(rev, on: f.follower)
        let below = try f.openWatch(#"{"create_request":{"key":"Y3c=","start_revision":\#(compactAt - 1),"watch_id":5}}"#, on: f.follower)
        expectEtcd(try below.nextMessage(), #"{"result":{\#(hdr(rev)),"watch_id":"5","created":true}}"#)
        expectEtcd(try below.nextMessage(),
                   #"{"result":{"header":{"cluster_id":"1","member_id":"1","raft_term":"1"},"watch_id":"5","canceled":true,"compact_revision":"\#(compactAt)"}}"#)
    }

    @Test("the JSON of a refused watch create is etcd's single created+canceled message")
    func rejectedNoticeShape() throws {
        var out: [UInt8] = []
        WatchNotice.rejected(reason: WatchNotice.duplicateIDReason)
            .appendJSON(header: ResponseHeader(revision: 7, clusterID: 1, memberID: 2, raftTerm: 3), to: &out)
        #expect(String(decoding: out, as: UTF8.self) ==
                #"{"result":{"header":{"cluster_id":"1","member_id":"2","revision":"7","raft_term":"3"},"watch_id":"-1","created":true,"canceled":true,"cancel_reason":"mvcc: duplicate watch ID provided on the WatchStream"}}"#)
    }

    @Test("a create with a watch_id in use, or an empty range, gets one created+canceled message with etcd's reason")
    func rejectedCreates() throws {
        let f = try GatewayFixture.shared()
        let rev = try f.revision()
        let stream = try f.openWatch(#"{"create_request":{"key":"ZA==","watch_id":3}}{"create_request":{"key":"ZQ==","watch_id":3}}{"create_request":{"key":"Yw==","range_end":"YQ=="}}"#)
        expectEtcd(try stream.nextMessage(), #"{"result":{\#(hdr(rev)),"watch_id":"3","created":true}}"#)
        expectEtcd(try stream.nextMessage(),
                   #"{"result":{\#(hdr(rev)),"watch_id":"-1","created":true,"canceled":true,"cancel_reason":"mvcc: duplicate watch ID provided on the WatchStream"}}"#)
        expectEtcd(try stream.nextMessage(),
                   #"{"result":{\#(hdr(rev)),"watch_id":"-1","created":true,"canceled":true,"cancel_reason":"mvcc: watcher range is empty"}}"#)
    }

    @Test("GET on the streaming RPCs is 405 too; the members list and status answer on every member")
    func everyMember() throws {
        let f = try GatewayFixture.shared()
        #expect(try f.call("/v3/watch", "", method: "GET").status == 405)
        #expect(try f.call("/v3/lease/keepalive", "", method: "GET").status == 405)
        for path in ["/version", "/health"] {
            #expect(try f.call(path, "{}").status == 405, "POST \(path)")
        }
        let metrics = try f.call("/metrics", "", method: "GET")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        for member in f.cluster.names {
            let list = try f.call("/v3/cluster/member/list", "{}", on: member)
            guard case .array(let members)? = list.json?["members"] else {
                Issue.record("no members on \(member): \(list.text)")
                continue
            }
            #expect(members.count == 3)
            let status = try f.call("/v3/maintenance/status", "{}", on: member)
            #expect(status.json?["leader"] != nil)
            #expect(status.json?["header"]?["member_id"] != nil)
        }
    }
}
