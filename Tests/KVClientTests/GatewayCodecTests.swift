import Testing
@testable import KVClient
import MVCC
import JSON

/// The HTTP client's pure pieces: base64, error mapping, request bodies and answer decoding.
@Suite("gateway codec")
struct GatewayCodecTests {
    /// xorshift64*, so a failing seed replays exactly.
    struct SeededBytes {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    @Test("base64 matches the gateway's encoder and round-trips", arguments: [1, 2, 3, 0x5eed] as [UInt64])
    func base64(seed: UInt64) {
        var random = SeededBytes(state: seed)
        for length in 0..<70 {
            let bytes = random.bytes(length)
            let quoted = GatewayBase64.quoted(bytes)
            #expect(quoted == [0x22] + Base64.encode(bytes) + [0x22], "seed \(seed), length \(length)")
            let text = String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
            #expect(GatewayBase64.decode(Substring(text).utf8) == bytes, "seed \(seed), length \(length)")
        }
        #expect(GatewayBase64.decode(Substring("Zm9").utf8) == nil)
        #expect(GatewayBase64.decode(Substring("Zm9*").utf8) == nil)
    }

    @Test("gateway errors map to KVError")
    func errors() {
        #expect(KVError.fromGateway(httpStatus: 400, grpcCode: 11, message: "etcdserver: mvcc: required revision has been compacted",
                                    compactRevision: 7) == .compacted(compactRevision: 7))
        #expect(KVError.fromGateway(httpStatus: 400, grpcCode: 11, message: "etcdserver: mvcc: required revision is a future revision")
                == .futureRevision)
        #expect(KVError.fromGateway(httpStatus: 400, grpcCode: 11, message: "etcdserver: too large lease TTL")
                == .invalidRequest("etcdserver: too large lease TTL"))
        #expect(KVError.fromGateway(httpStatus: 404, grpcCode: 5, message: "etcdserver: requested lease not found") == .leaseNotFound)
        #expect(KVError.fromGateway(httpStatus: 503, grpcCode: 14, message: "etcdserver: no leader") == .unavailable("etcdserver: no leader"))
        #expect(KVError.fromGateway(httpStatus: 412, grpcCode: 9, message: "etcdserver: lease already exists")
                == .invalidRequest("etcdserver: lease already exists"))
        let body = Array(#"{"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14}"#.utf8)
        #expect(GatewayResponseDecoding.error(status: 503, body: body) == .unavailable("etcdserver: request timed out"))
        #expect(GatewayResponseDecoding.error(status: 404, body: Array("404 page not found\n".utf8)) == .transport("HTTP 404: 404 page not found\n"))
        #expect(GatewayResponseDecoding.error(status: 413, body: Array("too big".utf8))
                == .invalidRequest("etcdserver: request is too large (HTTP 413)"))
    }

    @Test("request bodies are the gateway's JSON")
    func requests() throws {
        let txn = TxnCommand(compares: [.absent(b("k")), TxnCompare(.prefix(b("p")), .less, .value(b("v")))],
                             success: [.put(PutCommand(key: b("k"), value: b("v"), lease: 5, prevKV: true))],
                             failure: [.range(RangeQuery(KeyRange(key: b("k")), limit: 2, revision: 9, serializable: true, keysOnly: true)),
                                       .delete(DeleteCommand(KeyRange(key: b("a"), end: [0]), prevKV: true))])
        let text = String(decoding: GatewayRequestEncoding.txn(txn), as: UTF8.self)
        #expect(text == #"{"compare":[{"key":"aw==","result":"EQUAL","target":"CREATE","create_revision":"0"},"#
                + #"{"key":"cA==","range_end":"cQ==","result":"LESS","target":"VALUE","value":"dg=="}],"#
                + #""success":[{"request_put":{"key":"aw==","value":"dg==","lease":"5","prev_kv":true}}],"#
                + #""failure":[{"request_range":{"key":"aw==","limit":"2","revision":"9","serializable":true,"keys_only":true}},"#
                + #"{"request_delete_range":{"key":"YQ==","range_end":"AA==","prev_kv":true}}]}"#)
        let watch = String(decoding: GatewayRequestEncoding.watchCreate(WatchQuery(.prefix(b("a/")), startRevision: 3, prevKV: true,
                                                                                     progressNotify: true)), as: UTF8.self)
        #expect(watch == #"{"create_request":{"key":"YS8=","range_end":"YTA=","start_revision":"3","progress_notify":true,"prev_kv":true}}"#)
    }

    @Test("answers decode, missing fields as zero values; malformed ones are .transport")
    func answers() throws {
        let range = try JSONParser.parse(Array(#"{"header":{"revision":"9"},"kvs":[{"key":"YS8x","create_revision":"2","mod_revision":"3","version":"2","value":"dg==","lease":"7"},{"key":"YS8y","create_revision":"4","mod_revision":"4","version":"1"}],"more":true,"count":"3"}"#.utf8))
        #expect(try GatewayResponseDecoding.range(range) == RangeResult(revision: 9, pairs: [
            KVPair(key: b("a/1"), value: b("v"), createRevision: 2, modRevision: 3, version: 2, lease: 7),
            KVPair(key: b("a/2"), value: [], createRevision: 4, modRevision: 4, version: 1),
        ], more: true, count: 3))
        let txn = try JSONParser.parse(Array(#"{"header":{"revision":"14"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"14"}}},{"response_delete_range":{"header":{"revision":"14"},"deleted":"1"}},{"response_range":{"header":{"revision":"14"}}}]}"#.utf8))
        #expect(try GatewayResponseDecoding.txn(txn) == WriteResult(revision: 14, succeeded: true, results: [
            .put(previous: nil), .delete(deleted: 1, previous: []), .range(RangeResult(revision: 14, pairs: [], more: false, count: 0)),
        ]))
        let event = try JSONParser.parse(Array(#"{"type":"DELETE","kv":{"key":"YQ==","mod_revision":"5"},"prev_kv":{"key":"YQ==","create_revision":"2","mod_revision":"4","version":"2","value":"eA=="}}"#.utf8))
        let decoded = try GatewayResponseDecoding.event(event)
        #expect(decoded.kind == .delete && decoded.pair.modRevision == 5 && decoded.previous?.value == b("x"))
        let bad = try JSONParser.parse(Array(#"{"header":{"revision":"nine"}}"#.utf8))
        #expect(throws: KVError.transport("malformed gateway answer: header.revision nine")) { _ = try GatewayResponseDecoding.range(bad) }
        let badBytes = try JSONParser.parse(Array(#"{"kvs":[{"key":"!!"}]}"#.utf8))
        #expect(throws: KVError.self) { _ = try GatewayResponseDecoding.range(badBytes) }
    }
}
