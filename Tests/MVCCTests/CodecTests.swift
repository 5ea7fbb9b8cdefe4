import JSON
import Testing
@testable import MVCC

@Suite("Binary request codec and gateway JSON")
struct CodecTests {
    static let samples: [WriteRequest] = [
        .put(PutRequest(key: b("foo"), value: b("bar"), lease: 7, prevKV: true, ignoreValue: false, ignoreLease: false)),
        .put(PutRequest(key: b("k"), ignoreValue: true, ignoreLease: true)),
        .deleteRange(DeleteRangeRequest(key: b("a/"), rangeEnd: b("a0"), prevKV: true)),
        .txn(TxnRequest(
            compare: [Compare(key: b("foo"), result: .equal, target: .value(b("baz"))),
                      Compare(key: b("a"), rangeEnd: b("b"), result: .greater, target: .version(2)),
                      Compare(key: b("m"), result: .less, target: .modRevision(9)),
                      Compare(key: b("c"), result: .notEqual, target: .createRevision(0)),
                      Compare(key: b("l"), result: .equal, target: .lease(3))],
            success: [.put(PutRequest(key: b("foo"), value: b("qux"))),
                      .range(RangeRequest(key: b("a"), rangeEnd: [0], limit: 5, revision: 3, sortOrder: .descend,
                                          sortTarget: .mod, serializable: true, keysOnly: true, countOnly: false,
                                          minModRevision: 1, maxModRevision: 2, minCreateRevision: 3, maxCreateRevision: 4)),
                      .txn(TxnRequest(success: [.deleteRange(DeleteRangeRequest(key: b("z")))]))],
            failure: [.range(RangeRequest(key: b("foo")))])),
        .compaction(CompactionRequest(revision: 20, physical: true)),
        .leaseGrant(LeaseGrantRequest(ttlSeconds: 60, id: 1000)),
        .leaseRevoke(LeaseRevokeRequest(id: -5)),
        .leaseCheckpoint(LeaseCheckpointRequest(checkpoints: [.init(id: 1, remainingTTLSeconds: 4)])),
    ]

    @Test("every write request round-trips and encodes deterministically")
    func roundTrip() throws {
        for request in Self.samples {
            let bytes = WriteRequestCodec.encode(request)
            #expect(try WriteRequestCodec.decode(bytes) == request)
            #expect(WriteRequestCodec.encode(try WriteRequestCodec.decode(bytes)) == bytes)
        }
    }

    @Test("truncations, trailing bytes, unknown tags and random bytes are refused without crashing", arguments: [1 as UInt64, 2])
    func badInput(seed: UInt64) {
        for request in Self.samples {
            let bytes = WriteRequestCodec.encode(request)
            for length in 0..<bytes.count {
                #expect(throws: DecodeError.self) { try WriteRequestCodec.decode(Array(bytes.prefix(length))) }
            }
            #expect(throws: DecodeError.trailingBytes(count: 1)) { try WriteRequestCodec.decode(bytes + [0]) }
        }
        #expect(throws: DecodeError.unknownTag(9, offset: 1)) { try WriteRequestCodec.decode([1, 9]) }
        #expect(throws: DecodeError.unknownTag(2, offset: 0)) { try WriteRequestCodec.decode([2, 1]) }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<64, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty { bytes[0] = 1 }
            if bytes.count > 1 { bytes[1] = UInt8.random(in: 1...7, using: &generator) }
            // Either a value that re-encodes to the same bytes, or a typed error.
            if let decoded = try? WriteRequestCodec.decode(bytes) {
                #expect(WriteRequestCodec.encode(decoded) == bytes, "seed \(seed)")
            }
        }
        // Deep nesting is refused.
        var nested = TxnRequest()
        for _ in 0...WriteRequestCodec.maxTxnDepth + 1 { nested = TxnRequest(success: [.txn(nested)]) }
        let deep = WriteRequestCodec.encode(.txn(nested))
        #expect(throws: DecodeError.self) { try WriteRequestCodec.decode(deep) }
    }

    @Test("base64 round-trips and matches known encodings; bad base64 is refused", arguments: [3 as UInt64])
    func base64(seed: UInt64) {
        #expect(s(Base64.encode(b("foo"))) == "Zm9v")
        #expect(s(Base64.encode(b("a"))) == "YQ==")
        #expect(s(Base64.encode(b("v-a/1"))) == "di1hLzE=")
        #expect(s(Base64.encode([0])) == "AA==")
        var generator = SeededGenerator(seed: seed)
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode(b("!!!notbase64")) == nil)
        #expect(Base64.decode(b("YQ")) == nil, "unpadded is refused")
        #expect(Base64.decode(b("Y===")) == nil)
    }

    @Test("KeyValue, Event and header JSON match etcd 3.4's gateway output")
    func gatewayJSON() {
        var kv: [UInt8] = []
        GatewayJSON.appendKeyValue(KeyValue(key: b("foo"), createRevision: 2, modRevision: 6, version: 3, value: b("baz")), to: &kv)
        #expect(s(kv) == #"{"key":"Zm9v","create_revision":"2","mod_revision":"6","version":"3","value":"YmF6"}"#)
        var leased: [UInt8] = []
        GatewayJSON.appendKeyValue(KeyValue(key: b("bar"), createRevision: 5, modRevision: 5, version: 1, value: [], lease: 1000), to: &leased)
        #expect(s(leased) == #"{"key":"YmFy","create_revision":"5","mod_revision":"5","version":"1","lease":"1000"}"#)
        var header: [UInt8] = []
        GatewayJSON.appendHeader(ResponseHeader(revision: 9, clusterID: 15875391935852295136, memberID: 7383792418829112008, raftTerm: 2), to: &header)
        #expect(s(header) == #"{"cluster_id":"15875391935852295136","member_id":"7383792418829112008","revision":"9","raft_term":"2"}"#)
        var negative: [UInt8] = []
        GatewayJSON.appendKeyValue(KeyValue(key: b("n"), createRevision: 0, modRevision: 0, version: 0, value: [], lease: -5), to: &negative)
        #expect(s(negative) == #"{"key":"bg==","lease":"-5"}"#)
        let delete = Event(kind: .delete, kv: KeyValue(key: b("foo"), createRevision: 0, modRevision: 20, version: 0, value: []), prevKV: nil)
        #expect(s(SharedEvent(delete, withPrevKV: true).json) == #"{"type":"DELETE","kv":{"key":"Zm9v","mod_revision":"20"}}"#)
    }
}

@Suite("Watch notices")
struct WatchNoticeTests {
    @Test("created, cancel and progress responses match the gateway transcripts")
    func shapes() {
        let header = ResponseHeader(revision: 19, clusterID: 15875391935852295136, memberID: 7383792418829112008, raftTerm: 2)
        let prefix = #"{"result":{"header":{"cluster_id":"15875391935852295136","member_id":"7383792418829112008","revision":"19","raft_term":"2"}"#
        func json(_ notice: WatchNotice) -> String {
            var output: [UInt8] = []
            notice.appendJSON(header: header, to: &output)
            return s(output)
        }
        #expect(json(.created(watchID: 42)) == prefix + #","watch_id":"42","created":true}}"#)
        #expect(json(.created(watchID: 0)) == prefix + #","created":true}}"#)
        #expect(json(.canceled(watchID: 42)) == prefix + #","watch_id":"42","canceled":true}}"#)
        #expect(json(.progress(watchID: -1)) == prefix + #","watch_id":"-1"}}"#)
        #expect(json(.progress(watchID: nil)) == prefix + "}}")
    }
}
