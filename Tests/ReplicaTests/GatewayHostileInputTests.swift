import Testing
import Replica
import JSON

/// Malformed, mistyped and oversize requests: each gets etcd 3.4's status and error body, and
/// changes nothing (the revision does not move and the cluster keeps serving).
@Suite("hostile client input", .serialized, .timeLimit(.minutes(1)), .sharedCluster)
struct GatewayHostileInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var path: String
        var body: String
        var status: Int
        var code: Int
        var message: String
        var testDescription: String { "\(path) \(body.prefix(60))" }

        init(_ path: String, _ body: String, status: Int = 400, code: Int = 3, _ message: String) {
            self.path = path
            self.body = body
            self.status = status
            self.code = code
            self.message = message
        }
    }

    static let cases: [Case] = [
        // Bad JSON.
        Case("/v3/kv/put", #"{"key":"#, "unexpected EOF"),
        Case("/v3/kv/put", #"{"key":"Zm9v""#, "unexpected EOF"),
        Case("/v3/kv/range", #"{"key":"Zm9v","#, "unexpected EOF"),
        Case("/v3/kv/txn", #"{"success":[{"request_put":{"key":"Zm9v"}}"#, "unexpected EOF"),
        Case("/v3/kv/deleterange", #"{"key":"Zm9v",}"#, "invalid character '}' looking for beginning of object key string"),
        Case("/v3/kv/put", #"{"key":x}"#, "invalid character 'x' looking for beginning of value"),
        Case("/v3/lease/grant", #"{"TTL":60"#, "unexpected EOF"),
        Case("/v3/kv/compaction", #"{"revision":}"#, "invalid character '}' looking for beginning of value"),
        // Bad base64: Go names the first byte of the bad quantum; unpadded input is rejected.
        Case("/v3/kv/put", #"{"key":"!!!notbase64","value":"dg=="}"#, "illegal base64 data at input byte 0"),
        Case("/v3/kv/put", #"{"key":"Zm9","value":"dg=="}"#, "illegal base64 data at input byte 0"),
        Case("/v3/kv/put", #"{"key":"Zm9vYg","value":"dg=="}"#, "illegal base64 data at input byte 4"),
        Case("/v3/kv/put", #"{"key":"Zm9v!A==","value":"dg=="}"#, "illegal base64 data at input byte 4"),
        Case("/v3/kv/range", #"{"key":"Zm9v","range_end":"YT"}"#, "illegal base64 data at input byte 0"),
        Case("/v3/kv/txn", #"{"compare":[{"key":"Zm9v","target":"VALUE","value":"@@@@"}]}"#, "illegal base64 data at input byte 0"),
        // Wrong JSON types.
        Case("/v3/kv/put", #"{"key":5}"#, "json: cannot unmarshal number into Go value of type []uint8"),
        Case("/v3/kv/put", #"{"key":["Zm9v"]}"#, "json: cannot unmarshal array into Go value of type []uint8"),
        Case("/v3/kv/put", #"{"key":"Zm9v","prev_kv":"yes"}"#, "json: cannot unmarshal string into Go value of type bool"),
        Case("/v3/kv/range", #"{"key":"Zm9v","limit":true}"#, "json: cannot unmarshal bool into Go value of type int64"),
        Case("/v3/kv/range", #"{"key":"Zm9v","limit":1.5}"#, "json: cannot unmarshal number 1.5 into Go value of type int64"),
        Case("/v3/kv/range", #"{"key":"Zm9v","limit":"abc"}"#, "invalid character 'a' looking for beginning of value"),
        Case("/v3/kv/range", #"{"key":"Zm9v","sort_order":"SIDEWAYS"}"#,
             #"unknown value \"SIDEWAYS\" for enum etcdserverpb.RangeRequest_SortOrder"#),
        // jsonpb reads messages through map[string]json.RawMessage and repeated fields through []json.RawMessage.
        Case("/v3/kv/put", "[]", "json: cannot unmarshal array into Go value of type map[string]json.RawMessage"),
        Case("/v3/kv/put", #""Zm9v""#, "json: cannot unmarshal string into Go value of type map[string]json.RawMessage"),
        Case("/v3/kv/txn", #"{"compare":"x"}"#, "json: cannot unmarshal string into Go value of type []json.RawMessage"),
        Case("/v3/kv/txn", #"{"success":[5]}"#, "json: cannot unmarshal number into Go value of type map[string]json.RawMessage"),
        Case("/v3/kv/txn", #"{"success":[{"request_put":[]}]}"#, "json: cannot unmarshal array into Go value of type map[string]json.RawMessage"),
        Case("/v3/kv/txn", #"{"compare":[{"key":"Zm9v","result":"SAME"}]}"#,
             #"unknown value \"SAME\" for enum etcdserverpb.Compare_CompareResult"#),
        Case("/v3/kv/range", #"{"key":"Zm9v","sort_target":true}"#,
             "json: cannot unmarshal bool into Go value of type etcdserverpb.RangeRequest_SortTarget"),
        // Requests etcd refuses.
        Case("/v3/kv/put", #"{"value":"dg=="}"#, "etcdserver: key is not provided"),
        Case("/v3/kv/put", #"{"key":"bm9rZXk=","ignore_value":true}"#, "etcdserver: key not found"),
        Case("/v3/kv/put", #"{"key":"Zm9v","value":"dg==","ignore_value":true}"#, "etcdserver: value is provided"),
        Case("/v3/kv/put", #"{"key":"Zm9v","lease":7,"ignore_lease":true}"#, "etcdserver: lease is provided"),
        Case("/v3/kv/put", #"{"key":"Zm9v","value":"dg==","lease":"12345"}"#, status: 404, code: 5, "etcdserver: requested lease not found"),
        Case("/v3/kv/txn", #"{"success":[{"request_put":{"key":"Zm9v"}},{"request_put":{"key":"Zm9v"}}]}"#,
             "etcdserver: duplicate key given in txn request"),
        Case("/v3/kv/txn", #"{"success":[{"request_delete_range":{"key":"YQ==","range_end":"Yw=="}},{"request_put":{"key":"Yg=="}}]}"#,
             "etcdserver: duplicate key given in txn request"),
        Case("/v3/kv/txn", #"{"success":[\#(Array(repeating: #"{"request_range":{"key":"YQ=="}}"#, count: 129).joined(separator: ","))]}"#,
             "etcdserver: too many operations in txn request"),
        Case("/v3/lease/grant", #"{"TTL":9000000001}"#, code: 11, "etcdserver: too large lease TTL"),
        Case("/v3/lease/revoke", #"{"ID":4242}"#, status: 404, code: 5, "etcdserver: requested lease not found"),
        Case("/v3/kv/compaction", #"{"revision":100000}"#, code: 11, "etcdserver: mvcc: required revision is a future revision"),
        Case("/v3/kv/range", #"{"key":"Zm9v","revision":100000}"#, code: 11, "etcdserver: mvcc: required revision is a future revision"),
        Case("/v3/auth/authenticate", #"{"name":"root"}"#, status: 412, code: 9, "etcdserver: authentication is not enabled"),
    ]

    @Test("etcd's status and error body, and nothing changes", arguments: cases)
    func refused(_ c: Case) throws {
        let f = try GatewayFixture.shared()
        try seed(f)
        let before = try f.revision()
        for member in [f.leader, f.follower] {
            expectEtcd(try f.call(c.path, c.body, on: member), c.status, etcdError(c.message, code: c.code), "on \(member)")
        }
        #expect(try f.revision() == before)
    }

    /// A key to refer to, written once.
    private func seed(_ f: GatewayFixture) throws {
        if try f.call("/v3/kv/range", #"{"key":"Zm9v","count_only":true}"#).json?["count"] == nil {
            #expect(try f.call("/v3/kv/put", #"{"key":"Zm9v","value":"MQ=="}"#).status == 200)
        }
    }

    @Test("unknown fields are ignored, at any depth")
    func unknownFields() throws {
        let f = try GatewayFixture.shared()
        let before = try f.revision()
        let put = try f.call("/v3/kv/put", #"{"key":"dW5rbm93bg==","value":"dg==","bogus":{"nested":[1,{"x":null}]},"another":true}"#)
        expectEtcd(put, 200, "{\(hdr(before + 1))}")
        let txn = try f.call("/v3/kv/txn", #"{"what":1,"success":[{"request_range":{"key":"dW5rbm93bg==","keys_only":true,"extra":"x"},"also":2}]}"#)
        expectEtcd(txn, 200, #"{\#(hdr(before + 1)),"succeeded":true,"responses":[{"response_range":{"header":{"revision":"\#(before + 1)"},"kvs":[{"key":"dW5rbm93bg==","create_revision":"\#(before + 1)","mod_revision":"\#(before + 1)","version":"1"}],"count":"1"}}]}"#)
    }

    @Test("the size limit is on the decoded request: a 1.4 MB value passes, 2 MB (or two 0.8 MB puts) is too large")
    func oversize() throws {
        let f = try GatewayFixture.shared()
        let before = try f.revision()
        let tooLarge = etcdError("etcdserver: request is too large", code: 3)
        let big = String(repeating: "A", count: 2_000_000 / 3 * 4)
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"Ymln","value":"\#(big)"}"#, timeoutSeconds: 30), 400, tooLarge)
        let half = String(repeating: "B", count: 800_000 / 3 * 4)
        expectEtcd(try f.call("/v3/kv/txn", #"{"success":[{"request_put":{"key":"YQ==","value":"\#(half)"}},{"request_put":{"key":"Yg==","value":"\#(half)"}}]}"#,
                                 timeoutSeconds: 30), 400, tooLarge)
        #expect(try f.revision() == before)
        let accepted = String(repeating: "C", count: 1_400_000 / 3 * 4)
        expectEtcd(try f.call("/v3/kv/put", #"{"key":"Ymln","value":"\#(accepted)"}"#, timeoutSeconds: 30), 200, "{\(hdr(before + 1))}")
        let read = try f.call("/v3/kv/range", #"{"key":"Ymln","keys_only":true}"#, on: f.follower)
        #expect(read.raw.count < 400, "keys_only leaves the value out")
        #expect(read.json?["count"] == .string("1"))
    }

    @Test("a txn nested deeper than the log carries is refused before it is proposed; 16 levels pass")
    func deeplyNestedTxn() throws {
        let f = try GatewayFixture.shared()
        func nested(_ depth: Int) -> String {
            var body = #"{"success":[{"request_put":{"key":"ZGVlcA==","value":"dg=="}}]}"#
            for _ in 0..<depth { body = #"{"success":[{"request_txn":\#(body)}]}"# }
            return body
        }
        let before = try f.revision()
        expectEtcd(try f.call("/v3/kv/txn", nested(17)), 400, etcdError("etcdserver: too many operations in txn request", code: 3))
        #expect(try f.revision() == before)
        #expect(try f.call("/v3/kv/txn", nested(16)).status == 200)
        #expect(try f.revision() == before + 1, "the cluster still applies writes")
    }

    @Test("bad JSON on a streaming endpoint: 500 with code 2, and nothing is watched or renewed")
    func streamingErrors() throws {
        let f = try GatewayFixture.shared()
        let before = try f.revision()
        let cases: [(String, String, String)] = [
            ("/v3/watch", #"{"create_request":"#, "unexpected EOF"),
            ("/v3/watch", #"{"create_request":{"key":"!!"}}"#, "illegal base64 data at input byte 0"),
            ("/v3/watch", #"{"create_request":{"key":"Zm9v"}"#, "unexpected EOF"),
            ("/v3/watch", "[1]", "json: cannot unmarshal array into Go value of type map[string]json.RawMessage"),
            ("/v3/watch", #"{"create_request":5}"#, "json: cannot unmarshal number into Go value of type map[string]json.RawMessage"),
            ("/v3/watch", #"{"create_request":{"key":"Zm9v","filters":["NOEVENTS"]}}"#,
             #"unknown value \"NOEVENTS\" for enum etcdserverpb.WatchCreateRequest_FilterType"#),
            ("/v3/lease/keepalive", #"{"ID":"#, "unexpected EOF"),
            ("/v3/lease/keepalive", #"{"ID":true}"#, "json: cannot unmarshal bool into Go value of type int64"),
        ]
        for (path, body, message) in cases {
            let m = try f.cluster.config.member(named: f.leader)
            let stream = try ChunkedStream(host: m.client.host, port: m.client.port)
            try stream.start(path: path, firstChunk: Array(body.utf8), finish: true)
            #expect(try stream.responseStatus() == 500, "\(path) \(body)")
            let chunk = try stream.nextChunk() ?? []
            expectEtcd(GatewayReply(status: 500, headers: [:], raw: chunk, json: try? JSONParser.parse(chunk)), 500,
                       etcdError(message, code: 2), "\(path) \(body)")
        }
        #expect(try f.revision() == before)
    }

    @Test("requests that are not RPCs: 404 and 405 as etcd's gateway answers them")
    func paths() throws {
        let f = try GatewayFixture.shared()
        let unknown = try f.call("/v3/kv/nope", "{}")
        #expect(unknown.status == 404)
        #expect(unknown.text.hasPrefix("Not Found"))
        for path in ["/v3alpha/kv/range", "/v2/keys/foo", "/nothing"] {
            let r = try f.call(path, "{}")
            #expect(r.status == 404, "\(path)")
            #expect(r.text.hasPrefix("404 page not found"), "\(path)")
        }
        for path in ["/v3/kv/range", "/v3beta/kv/put", "/v3/lease/grant"] {
            let r = try f.call(path, "", method: "GET")
            #expect(r.status == 405, "\(path)")
        }
        #expect(try f.call("/v3beta/maintenance/status", "{}").status == 200)
    }
}
