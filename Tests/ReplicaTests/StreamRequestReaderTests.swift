import Testing
import Raft
import JSON
import Wire
@testable import Replica

/// The reader behind the watch and keep-alive streams: concatenated JSON messages split at any byte,
/// and etcd's rule for a message that does not decode (first → 500, later → stop reading).
@Suite("streaming request reader")
struct StreamRequestReaderTests {
    /// Decodes like the keep-alive stream: an object with an int64 "ID".
    private func collect(_ value: JSONValue, into ids: inout [Int64]) throws(GatewayError) {
        ids.append(try GatewayDecoder(value, type: "LeaseKeepAliveRequest").int64("ID"))
    }

    @Test("messages split at random byte boundaries arrive whole and in order", arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func randomSplits(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let expected: [Int64] = (0..<50).map { _ in Int64.random(in: -1_000_000...Int64.max, using: &random) }
        var text = ""
        for (i, id) in expected.enumerated() {
            // Numbers and strings, with and without whitespace between messages.
            text += i % 2 == 0 ? #"{"ID":\#(id)}"# : #" {"ID" : "\#(id)", "extra":[1,{"x":"}"}]}"# + "\n"
        }
        let bytes = Array(text.utf8)
        let reader = StreamRequestReader()
        var ids: [Int64] = []
        var offset = 0
        while offset < bytes.count {
            let n = Int.random(in: 1...9, using: &random)
            let piece = Array(bytes[offset..<min(offset + n, bytes.count)])
            offset += n
            let outcome = reader.handle(.bytes(piece)) { (v: JSONValue) throws(GatewayError) in try collect(v, into: &ids) }
            #expect(outcome == .continue, "seed \(seed)")
        }
        #expect(reader.handle(.end) { (v: JSONValue) throws(GatewayError) in try collect(v, into: &ids) } == .stopped)
        #expect(ids == expected, "seed \(seed)")
    }

    @Test("a bad first message fails the request with code 2; a bad later one only stops the reading")
    func badMessages() {
        var ids: [Int64] = []
        let handle = { (v: JSONValue) throws(GatewayError) in try collect(v, into: &ids) }
        let first = StreamRequestReader()
        #expect(first.handle(.bytes(Array(#"{"ID":true}"#.utf8)), handle)
                == .failedFirst(GatewayError(httpStatus: 500, grpcCode: 2, message: "json: cannot unmarshal bool into Go value of type int64")))
        let truncated = StreamRequestReader()
        #expect(truncated.handle(.bytes(Array(#"{"ID":"#.utf8)), handle) == .continue)
        #expect(truncated.handle(.end, handle) == .failedFirst(GatewayError(httpStatus: 500, grpcCode: 2, message: "unexpected EOF")))
        let later = StreamRequestReader()
        #expect(later.handle(.bytes(Array(#"{"ID":1}{"ID":x}{"ID":2}"#.utf8)), handle) == .stopped)
        #expect(later.handle(.bytes(Array(#"{"ID":3}"#.utf8)), handle) == .continue, "nothing more is read")
        #expect(ids == [1])
        #expect(StreamRequestReader().handle(.aborted, handle) == .aborted)
        #expect(StreamRequestReader().handle(.end, handle) == .stopped, "an empty body is no error")
    }
}
