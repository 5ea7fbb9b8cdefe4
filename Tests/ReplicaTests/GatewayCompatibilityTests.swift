import Testing
import Replica
import JSON

/// Replays the requests of etcd 3.4.23's transcripts (`/work/shared/etcd-gateway.md`) in their order
/// on a fresh cluster, so revisions match etcd's exactly, and compares every answer: status and JSON
/// body (cluster_id, member_id and raft_term values ignored; their presence checked).
@Suite("etcd 3.4 gateway transcripts replayed", .serialized, .timeLimit(.minutes(1)), .sharedCluster(watchProgressTicks: 10))
struct GatewayCompatibilityTests {
    @Test("every request of the transcripts gets etcd's answer, in etcd's order of revisions")
    func transcript() throws {
        let f = try GatewayFixture.shared()
        try put(f)
        try range(f)
        try deleteRange(f)
        try txn(f)
        try watch(f)
        try compaction(f)
        try leases(f)
        try maintenance(f)
        try errors(f)
    }

    private func put(_ f: GatewayFixture) throws {
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"Zm9v","value":"YmFy"}"#), 200, "{\(hdr(2))}")
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"Zm9v","value":"YmF6","prev_kv":true}"#), 200,
                   #"{\#(hdr(3)),"prev_kv":{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}}"#)
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"em9v","value":"eg==","prev_kv":true}"#), 200, "{\(hdr(4))}",
                   "prev_kv on a new key")
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"YmFy"}"#), 200, "{\(hdr(5))}", "empty value")
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"Zm9v","ignore_value":true}"#), 200, "{\(hdr(6))}")
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"bm9rZXk=","ignore_value":true}"#), 400,
                   etcdError("etcdserver: key not found", code: 3))
        expectEtcd(try f.call("/v3/kv/put", #"{"value":"dg=="}"#), 400, etcdError("etcdserver: key is not provided", code: 3))
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"Zm9v","value":"dg==","lease":"12345"}"#), 404,
                   etcdError("etcdserver: requested lease not found", code: 5))
        for i in 1...3 {
            expectEtcd(try f.call("/v3/kv/put", #"{"key":"\#(b64("a/\(i)"))","value":"\#(b64("v-a/\(i)"))"}"#), 200,
                       "{\(hdr(Int64(6 + i)))}")
        }
    }

    private static let a1 = #"{"key":"YS8x","create_revision":"7","mod_revision":"7","version":"1","value":"di1hLzE="}"#
    private static let a2 = #"{"key":"YS8y","create_revision":"8","mod_revision":"8","version":"1","value":"di1hLzI="}"#
    private static let a3 = #"{"key":"YS8z","create_revision":"9","mod_revision":"9","version":"1","value":"di1hLzM="}"#
    private static let keysA = [#"{"key":"YS8x","create_revision":"7","mod_revision":"7","version":"1"}"#,
                                #"{"key":"YS8y","create_revision":"8","mod_revision":"8","version":"1"}"#,
                                #"{"key":"YS8z","create_revision":"9","mod_revision":"9","version":"1"}"#]
    private static let keyBar = #"{"key":"YmFy","create_revision":"5","mod_revision":"5","version":"1"}"#
    private static let keyFoo = #"{"key":"Zm9v","create_revision":"2","mod_revision":"6","version":"3"}"#
    private static let keyZoo = #"{"key":"em9v","create_revision":"4","mod_revision":"4","version":"1"}"#

    private func range(_ f: GatewayFixture) throws {
        let foo = #"{"key":"Zm9v","create_revision":"2","mod_revision":"6","version":"3","value":"YmF6"}"#
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"Zm9v"}"#), 200, #"{\#(hdr(9)),"kvs":[\#(foo)],"count":"1"}"#)
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"bm9rZXk="}"#), 200, "{\(hdr(9))}", "missing key")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"YS8=","range_end":"YTA="}"#), 200,
                   #"{\#(hdr(9)),"kvs":[\#(Self.a1),\#(Self.a2),\#(Self.a3)],"count":"3"}"#)
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"YS8=","range_end":"YTA=","limit":2}"#), 200,
                   #"{\#(hdr(9)),"kvs":[\#(Self.a1),\#(Self.a2)],"more":true,"count":"3"}"#)
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"YS8=","range_end":"YTA=","limit":"1"}"#), 200,
                   #"{\#(hdr(9)),"kvs":[\#(Self.a1)],"more":true,"count":"3"}"#, "limit as a string")
        let all = (Self.keysA + [Self.keyBar, Self.keyFoo, Self.keyZoo]).joined(separator: ",")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"AA==","range_end":"AA==","keys_only":true}"#), 200,
                   #"{\#(hdr(9)),"kvs":[\#(all)],"count":"6"}"#, "all keys")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"Yg==","range_end":"AA==","keys_only":true}"#), 200,
                   #"{\#(hdr(9)),"kvs":[\#(Self.keyBar),\#(Self.keyFoo),\#(Self.keyZoo)],"count":"3"}"#, "from key")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"YS8=","range_end":"YTA=","count_only":true}"#), 200,
                   #"{\#(hdr(9)),"count":"3"}"#)
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"Zm9v","revision":2}"#), 200,
                   #"{\#(hdr(9)),"kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}],"count":"1"}"#)
        let descending = #"{\#(hdr(9)),"kvs":[\#(Self.keysA.reversed().joined(separator: ","))],"count":"3"}"#
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"YS8=","range_end":"YTA=","sort_order":"DESCEND","sort_target":"KEY","keys_only":true}"#),
                   200, descending, "sort by names")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"YS8=","range_end":"YTA=","sort_order":2,"sort_target":3,"keys_only":true}"#),
                   200, descending, "sort by numbers")
        for member in f.cluster.names {
            try f.waitForRevision(9, on: member)
            expectEtcd(try f.call("/v3/kv/range", #"{"key":"Zm9v","serializable":true}"#, on: member), 200,
                       #"{\#(hdr(9)),"kvs":[\#(foo)],"count":"1"}"#, "serializable on \(member)")
        }
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"AA==","range_end":"AA==","min_mod_revision":6,"keys_only":true}"#), 200,
                   #"{\#(hdr(9)),"kvs":[\#((Self.keysA + [Self.keyFoo]).joined(separator: ","))],"count":"6"}"#,
                   "count ignores the revision filters")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"AA==","range_end":"AA==","max_create_revision":4,"keys_only":true}"#), 200,
                   #"{\#(hdr(9)),"kvs":[\#(Self.keyFoo),\#(Self.keyZoo)],"count":"6"}"#, "max_create_revision")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"Zm9v","revision":1000}"#), 400,
                   etcdError("etcdserver: mvcc: required revision is a future revision", code: 11))
    }

    private func deleteRange(_ f: GatewayFixture) throws {
        expectEtcd(try f.call("/v3/kv/deleterange", #"{"key":"em9v","prev_kv":true}"#), 200,
                   #"{\#(hdr(10)),"deleted":"1","prev_kvs":[{"key":"em9v","create_revision":"4","mod_revision":"4","version":"1","value":"eg=="}]}"#)
        expectEtcd(try f.call("/v3/kv/deleterange", #"{"key":"em9v"}"#), 200, "{\(hdr(10))}", "missing key")
        _ = try f.call("/v3/kv/put", #"{"key":"\#(b64("b/1"))","value":"MQ=="}"#)
        _ = try f.call("/v3/kv/put", #"{"key":"\#(b64("b/2"))","value":"Mg=="}"#)
        expectEtcd(try f.call("/v3/kv/deleterange", #"{"key":"Yi8=","range_end":"YjA="}"#), 200, #"{\#(hdr(13)),"deleted":"2"}"#)
    }

    private func txn(_ f: GatewayFixture) throws {
        let qux = #"{"key":"Zm9v","create_revision":"2","mod_revision":"14","version":"4","value":"cXV4"}"#
        expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"Zm9v","result":"EQUAL","target":"VALUE","value":"YmF6"}],"success":[{"request_put":{"key":"Zm9v","value":"cXV4"}},{"request_range":{"key":"Zm9v"}}],"failure":[{"request_range":{"key":"Zm9v"}}]}"#),
                   200, #"{\#(hdr(14)),"succeeded":true,"responses":[{"response_put":{"header":{"revision":"14"}}},{"response_range":{"header":{"revision":"14"},"kvs":[\#(qux)],"count":"1"}}]}"#)
        expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"Zm9v","result":"EQUAL","target":"VALUE","value":"YmF6"}],"success":[{"request_put":{"key":"Zm9v","value":"cXV4"}}],"failure":[{"request_range":{"key":"Zm9v"}}]}"#),
                   200, #"{\#(hdr(14)),"responses":[{"response_range":{"header":{"revision":"14"},"kvs":[\#(qux)],"count":"1"}}]}"#,
                   "failure branch")
        expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"bmV3","target":"CREATE","result":"EQUAL","create_revision":0}],"success":[{"request_put":{"key":"bmV3","value":"MQ=="}}],"failure":[{"request_range":{"key":"bmV3"}}]}"#),
                   200, #"{\#(hdr(15)),"succeeded":true,"responses":[{"response_put":{"header":{"revision":"15"}}}]}"#, "create if absent")
        expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"Zm9v","target":"VERSION","result":"GREATER","version":1},{"key":"Zm9v","target":"MOD","result":"LESS","mod_revision":100}],"success":[{"request_delete_range":{"key":"bmV3","prev_kv":true}}]}"#),
                   200, #"{\#(hdr(16)),"succeeded":true,"responses":[{"response_delete_range":{"header":{"revision":"16"},"deleted":"1","prev_kvs":[{"key":"bmV3","create_revision":"15","mod_revision":"15","version":"1","value":"MQ=="}]}}]}"#)
        expectEtcd(try f.call("/v3/kv/txn", #"{"compare":[{"key":"YS8=","range_end":"YTA=","target":0,"result":0,"version":1}],"success":[{"request_range":{"key":"YS8=","range_end":"YTA=","count_only":true}}]}"#),
                   200, #"{\#(hdr(16)),"succeeded":true,"responses":[{"response_range":{"header":{"revision":"16"},"count":"3"}}]}"#,
                   "numeric enums")
        expectEtcd(try f.call("/v3/kv/txn", "{}"), 200, #"{\#(hdr(16)),"succeeded":true}"#, "empty txn")
        expectEtcd(try f.call("/v3/kv/txn", #"{"success":[{"request_put":{"key":"Zm9v","value":"MQ=="}},{"request_put":{"key":"Zm9v","value":"Mg=="}}]}"#),
                   400, etcdError("etcdserver: duplicate key given in txn request", code: 3))
        expectEtcd(try f.call("/v3/kv/txn", #"{"success":[{"request_txn":{"success":[{"request_range":{"key":"Zm9v"}}]}}]}"#),
                   200, #"{\#(hdr(16)),"succeeded":true,"responses":[{"response_txn":{"header":{},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"16"},"kvs":[\#(qux)],"count":"1"}}]}}]}"#,
                   "nested txn")
    }

    private func watch(_ f: GatewayFixture) throws {
        // A prefix watch with prev_kv, then a put, a delete and a txn of two puts (one message).
        let prefix = try f.openWatch(#"{"create_request":{"key":"YS8=","range_end":"YTA=","prev_kv":true}}"#)
        expectEtcd(try prefix.nextMessage(), #"{"result":{\#(hdr(16)),"created":true}}"#)
        #expect(try prefix.responseStatus() == 200)
        #expect(prefix.headers["transfer-encoding"] == "chunked")
        #expect(prefix.headers["content-type"] == "application/json")
        _ = try f.call("/v3/kv/put", #"{"key":"YS8x","value":"bmV3MQ=="}"#)
        _ = try f.call("/v3/kv/deleterange", #"{"key":"YS8y"}"#)
        _ = try f.call("/v3/kv/txn", #"{"success":[{"request_put":{"key":"YS80","value":"dDQ="}},{"request_put":{"key":"YS81","value":"dDU="}}]}"#)
        expectEtcd(try prefix.nextMessage(), #"{"result":{\#(hdr(17)),"events":[{"kv":{"key":"YS8x","create_revision":"7","mod_revision":"17","version":"2","value":"bmV3MQ=="},"prev_kv":\#(Self.a1)}]}}"#)
        expectEtcd(try prefix.nextMessage(), #"{"result":{\#(hdr(18)),"events":[{"type":"DELETE","kv":{"key":"YS8y","mod_revision":"18"},"prev_kv":\#(Self.a2)}]}}"#)
        expectEtcd(try prefix.nextMessage(), #"{"result":{\#(hdr(19)),"events":[{"kv":{"key":"YS80","create_revision":"19","mod_revision":"19","version":"1","value":"dDQ="}},{"kv":{"key":"YS81","create_revision":"19","mod_revision":"19","version":"1","value":"dDU="}}]}}"#)
        prefix.close()

        // History replay from start_revision 2, on a follower (once it has applied revision 19).
        try f.waitForRevision(19, on: f.follower)
        let history = try f.openWatch(#"{"create_request":{"key":"Zm9v","start_revision":2}}"#, on: f.follower)
        expectEtcd(try history.nextMessage(), #"{"result":{\#(hdr(19)),"created":true}}"#)
        expectEtcd(try history.nextMessage(), #"{"result":{\#(hdr(19)),"events":[{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}},{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"3","version":"2","value":"YmF6"}},{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"6","version":"3","value":"YmF6"}},{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"14","version":"4","value":"cXV4"}}]}}"#)
        history.close()

        // Periodic progress notifications on an idle key (the suite's interval is 10 ticks).
        let idle = try f.openWatch(#"{"create_request":{"key":"aWRsZQ==","progress_notify":true}}"#)
        expectEtcd(try idle.nextMessage(), #"{"result":{\#(hdr(19)),"created":true}}"#)
        expectEtcd(try idle.nextMessage(), #"{"result":{\#(hdr(19))}}"#)
        expectEtcd(try idle.nextMessage(), #"{"result":{\#(hdr(19))}}"#)
        idle.close()

        // Several requests in one body: create 42 (NODELETE), create (auto id 0), cancel 42, progress.
        let several = try f.openWatch(#"{"create_request":{"key":"YS8=","range_end":"YTA=","filters":["NODELETE"],"watch_id":42}}{"create_request":{"key":"Zm9v"}}{"cancel_request":{"watch_id":42}}{"progress_request":{}}"#)
        expectEtcd(try several.nextMessage(), #"{"result":{\#(hdr(19)),"watch_id":"42","created":true}}"#)
        expectEtcd(try several.nextMessage(), #"{"result":{\#(hdr(19)),"created":true}}"#)
        expectEtcd(try several.nextMessage(), #"{"result":{\#(hdr(19)),"watch_id":"42","canceled":true}}"#)
        expectEtcd(try several.nextMessage(), #"{"result":{\#(hdr(19)),"watch_id":"-1"}}"#)
        _ = try f.call("/v3/kv/put", #"{"key":"Zm9v","value":"YWZ0ZXItY2FuY2Vs"}"#)
        _ = try f.call("/v3/kv/put", #"{"key":"YS85","value":"OQ=="}"#)
        expectEtcd(try several.nextMessage(), #"{"result":{\#(hdr(20)),"events":[{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"20","version":"5","value":"YWZ0ZXItY2FuY2Vs"}}]}}"#)
        several.close()

        // filters:[1] is NODELETE: after put, delete, put only the two puts arrive.
        let filtered = try f.openWatch(#"{"create_request":{"key":"Zm9v","fragment":true,"filters":[1]}}"#)
        expectEtcd(try filtered.nextMessage(), #"{"result":{\#(hdr(21)),"created":true}}"#)
        _ = try f.call("/v3/kv/put", #"{"key":"Zm9v","value":"eA=="}"#)
        _ = try f.call("/v3/kv/deleterange", #"{"key":"Zm9v"}"#)
        expectEtcd(try filtered.nextMessage(), #"{"result":{\#(hdr(22)),"events":[{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"22","version":"6","value":"eA=="}}]}}"#)
        filtered.close()
    }

    private func compaction(_ f: GatewayFixture) throws {
        let compacted = etcdError("etcdserver: mvcc: required revision has been compacted", code: 11)
        expectEtcd(try f.call("/v3/kv/compaction", #"{"revision":20,"physical":true}"#), 200, "{\(hdr(23))}")
        expectEtcd(try f.call("/v3/kv/compaction", #"{"revision":20}"#), 400, compacted)
        expectEtcd(try f.call("/v3/kv/compaction", #"{"revision":123}"#), 400,
                   etcdError("etcdserver: mvcc: required revision is a future revision", code: 11))
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"Zm9v","revision":2}"#), 400, compacted)
        let stream = try f.openWatch(#"{"create_request":{"key":"Zm9v","start_revision":2}}"#)
        expectEtcd(try stream.nextMessage(), #"{"result":{\#(hdr(23)),"created":true}}"#)
        expectEtcd(try stream.nextMessage(),
                   #"{"result":{"header":{"cluster_id":"1","member_id":"1","raft_term":"1"},"canceled":true,"compact_revision":"20"}}"#)
        stream.close()
    }

    private func leases(_ f: GatewayFixture) throws {
        let granted = try f.call("/v3/lease/grant", #"{"TTL":60}"#)
        guard case .string(let autoID)? = granted.json?["ID"], let autoNumber = Int64(autoID), autoNumber > 0 else {
            Issue.record("no ID in \(granted.text)")
            return
        }
        expectEtcd(granted, 200, #"{\#(hdr(23)),"ID":"\#(autoID)","TTL":"60"}"#)
        expectEtcd(try f.call("/v3/lease/grant", #"{"TTL":5,"ID":1000}"#), 200, #"{\#(hdr(23)),"ID":"1000","TTL":"5"}"#)
        expectEtcd(try f.call("/v3/lease/grant", #"{"TTL":5,"ID":1000}"#), 412, etcdError("etcdserver: lease already exists", code: 9))
        _ = try f.call("/v3/kv/put", #"{"key":"bGVhc2Vk","value":"dg==","lease":1000}"#)
        // The remaining TTL is 4 (etcd rounds down) or 5 (the same second): accept both.
        let ttl = try f.call("/v3/lease/timetolive", #"{"ID":1000,"keys":true}"#)
        let remaining = ttl.json?["TTL"] == .string("5") ? "5" : "4"
        expectEtcd(ttl, 200, #"{\#(hdr(24)),"ID":"1000","TTL":"\#(remaining)","grantedTTL":"5","keys":["bGVhc2Vk"]}"#)
        let legacy = try f.call("/v3/kv/lease/timetolive", #"{"ID":1000}"#)
        let legacyRemaining = legacy.json?["TTL"] == .string("5") ? "5" : "4"
        expectEtcd(legacy, 200, #"{\#(hdr(24)),"ID":"1000","TTL":"\#(legacyRemaining)","grantedTTL":"5"}"#, "legacy path")
        expectEtcd(try f.call("/v3/lease/timetolive", #"{"ID":999}"#), 200, #"{\#(hdr(24)),"ID":"999","TTL":"-1"}"#)

        let one = try f.openKeepAlive(#"{"ID":1000}"#)
        expectEtcd(try one.nextMessage(), #"{"result":{\#(hdr(24)),"ID":"1000","TTL":"5"}}"#)
        #expect(try one.nextChunk() == nil, "the stream ends with the body")
        let unknown = try f.openKeepAlive(#"{"ID":999}"#)
        expectEtcd(try unknown.nextMessage(), #"{"result":{\#(hdr(24)),"ID":"999"}}"#)
        try f.waitForRevision(24, on: f.follower)
        let two = try f.openKeepAlive(#"{"ID":1000}{"ID":1000}"#, on: f.follower)
        expectEtcd(try two.nextMessage(), #"{"result":{\#(hdr(24)),"ID":"1000","TTL":"5"}}"#)
        expectEtcd(try two.nextMessage(), #"{"result":{\#(hdr(24)),"ID":"1000","TTL":"5"}}"#)
        #expect(try two.nextChunk() == nil)

        let ids = ["1000", autoID].sorted { Int64($0) ?? 0 < Int64($1) ?? 0 }.map { #"{"ID":"\#($0)"}"# }.joined(separator: ",")
        expectEtcd(try f.call("/v3/lease/leases", "{}"), 200, #"{\#(hdr(24)),"leases":[\#(ids)]}"#)
        expectEtcd(try f.call("/v3/lease/revoke", #"{"ID":1000}"#), 200, "{\(hdr(25))}")
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"bGVhc2Vk"}"#), 200, "{\(hdr(25))}", "the leased key is gone")
        let notFound = etcdError("etcdserver: requested lease not found", code: 5)
        expectEtcd(try f.call("/v3/lease/revoke", #"{"ID":1000}"#), 404, notFound)
        expectEtcd(try f.call("/v3/kv/lease/revoke", #"{"ID":1000}"#), 404, notFound, "legacy path")
    }

    private func maintenance(_ f: GatewayFixture) throws {
        let status = try f.call("/v3/maintenance/status", "{}")
        #expect(status.status == 200)
        let fields = status.json.flatMap { v -> [String]? in
            if case .object(let members) = v { return members.map(\.key) } else { return nil }
        }
        #expect(fields == ["header", "version", "dbSize", "leader", "raftIndex", "raftTerm", "raftAppliedIndex", "dbSizeInUse"])
        #expect(status.json?["version"] == .string("3.4.23"))
        expectEtcd(try f.call("/v3/maintenance/alarm", #"{"action":"GET"}"#), 200, "{}")
        let hash = try f.call("/v3/maintenance/hash", "{}")
        #expect(hash.status == 200)
        if case .number(let text)? = hash.json?["hash"] { #expect(UInt32(text) != nil) } else { Issue.record("hash: \(hash.text)") }
        #expect(hash.json?["header"]?["revision"] == .string("25"))
        let members = try f.call("/v3/cluster/member/list", "{}")
        #expect(members.status == 200)
        #expect(members.json?["header"]?["revision"] == nil, "member list header has no revision")
        if case .array(let list)? = members.json?["members"] {
            #expect(list.count == 3)
            for m in list {
                if case .object(let fs) = m { #expect(fs.map(\.key) == ["ID", "name", "peerURLs", "clientURLs"]) }
            }
        } else {
            Issue.record("members: \(members.text)")
        }
        expectEtcd(try f.call("/v3/auth/authenticate", #"{"name":"root","password":"x"}"#), 412,
                   etcdError("etcdserver: authentication is not enabled", code: 9))
        let version = try f.call("/version", "", method: "GET")
        #expect(version.json?["etcdserver"] == .string("3.4.23"))
        #expect(version.json?["etcdcluster"] == .string("3.4.0"))
        let health = try f.call("/health", "", method: "GET")
        #expect(health.status == 200)
        #expect(health.text == #"{"health":"true"}"#)
        #expect(health.headers["content-type"]?.hasPrefix("text/plain") == true)
    }

    private func errors(_ f: GatewayFixture) throws {
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"#), 400, etcdError("unexpected EOF", code: 3))
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"!!!notbase64","value":"dg=="}"#), 400,
                   etcdError("illegal base64 data at input byte 0", code: 3))
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"Zm9v","value":"dg==","bogus":1}"#), 200, "{\(hdr(26))}", "unknown field")
        expectEtcd(try f.call("/v3/kv/put", #"{"key":5}"#), 400,
                   etcdError("json: cannot unmarshal number into Go value of type []uint8", code: 3))
        expectEtcd(try f.call("/v3/kv/range", ""), 400, etcdError("etcdserver: key is not provided", code: 3))
        let unknown = try f.call("/v3/kv/nope", "{}")
        #expect(unknown.status == 404)
        #expect(unknown.text.hasPrefix("Not Found"))
        let get = try f.call("/v3/kv/range", "", method: "GET")
        #expect(get.status == 405)
        #expect(get.text.hasPrefix("Method Not Allowed"))
        let alpha = try f.call("/v3alpha/kv/range", #"{"key":"YS8x"}"#)
        #expect(alpha.status == 404)
        #expect(alpha.text.hasPrefix("404 page not found"))
        expectEtcd(try f.call("/v3beta/kv/range", #"{"key":"YS8x"}"#), 200,
                   #"{\#(hdr(26)),"kvs":[{"key":"YS8x","create_revision":"7","mod_revision":"17","version":"2","value":"bmV3MQ=="}],"count":"1"}"#)
    }
}
