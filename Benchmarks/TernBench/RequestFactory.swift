import JSON
import Wire

/// Builds the HTTP/1.1 requests of the etcd v3 JSON gateway: keys and values base64, values
/// stamped with the monotonic clock so watchers can measure put-to-event latency.
///
/// Value layout (ASCII): 20 digits of CLOCK_MONOTONIC ns, a 4-byte tag (`tbch` unless
/// `--value-tag`), 12 digits of the put's sequence number, then `x` up to the value size. (The C
/// `gwload` uses the same first 24 bytes with tag `gwld`; both tags are decoded.)
struct RequestFactory {
    let prefix: [UInt8]
    let digits: Int
    let valueSize: Int
    private var valueScratch: [UInt8]
    private var keyScratch: [UInt8]

    init(prefix: String, keySize: Int, valueSize: Int, tag: [UInt8] = Array("tbch".utf8)) {
        self.prefix = Array(prefix.utf8)
        digits = max(10, keySize - self.prefix.count)
        self.valueSize = valueSize
        valueScratch = [UInt8](repeating: UInt8(ascii: "x"), count: valueSize)
        for (i, byte) in tag.prefix(4).enumerated() { valueScratch[20 + i] = byte }
        keyScratch = self.prefix + [UInt8](repeating: 48, count: digits)
    }

    /// The key `prefix` + `n` zero-padded.
    mutating func key(_ n: Int) -> [UInt8] {
        Self.writeDigits(UInt64(n), count: digits, into: &keyScratch, at: prefix.count)
        return keyScratch
    }

    private static func writeDigits(_ value: UInt64, count: Int, into bytes: inout [UInt8], at offset: Int) {
        var v = value
        var i = offset + count - 1
        while i >= offset {
            bytes[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
    }

    /// A complete `POST path` request with a JSON body.
    static func request(_ path: StaticString, host: Endpoint, body: [UInt8]) -> [UInt8] {
        var r: [UInt8] = []
        r.reserveCapacity(body.count + 128)
        appendRequest(path, host: host, body: body, to: &r)
        return r
    }

    private static let postPrefix: [UInt8] = Array("POST ".utf8)
    private static let versionHost: [UInt8] = Array(" HTTP/1.1\r\nHost: ".utf8)
    private static let typeLength: [UInt8] = Array("\r\nContent-Type: application/json\r\nContent-Length: ".utf8)
    private static let headEnd: [UInt8] = Array("\r\n\r\n".utf8)

    /// Appends a complete `POST path` request with a JSON body to `r` (no temporary strings).
    static func appendRequest(_ path: StaticString, host: Endpoint, body: [UInt8], to r: inout [UInt8]) {
        r.append(contentsOf: postPrefix)
        r.append(contentsOf: UnsafeBufferPointer(start: path.utf8Start, count: path.utf8CodeUnitCount))
        r.append(contentsOf: versionHost)
        r.append(contentsOf: host.hostPort)
        r.append(contentsOf: typeLength)
        appendDecimal(body.count, to: &r)
        r.append(contentsOf: headEnd)
        r.append(contentsOf: body)
    }

    private static func appendDecimal(_ value: Int, to r: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &r) }
        r.append(UInt8(48 + value % 10))
    }

    private static let keyOpen: [UInt8] = Array(#"{"key":""#.utf8)
    private static let valueOpen: [UInt8] = Array(#"","value":""#.utf8)
    private static let stringClose: [UInt8] = Array(#""}"#.utf8)
    private static let serializableClose: [UInt8] = Array(#"","serializable":true}"#.utf8)

    /// `{"key":..,"value":..}` for key number `keyNumber`, stamped now with `sequence`.
    mutating func putBody(keyNumber: Int, sequence: Int) -> [UInt8] {
        Self.writeDigits(MonotonicClock.nowNanoseconds(), count: 20, into: &valueScratch, at: 0)
        Self.writeDigits(UInt64(sequence), count: 12, into: &valueScratch, at: 24)
        var body: [UInt8] = []
        body.reserveCapacity(valueSize * 4 / 3 + 64)
        body.append(contentsOf: Self.keyOpen)
        Base64.encode(key(keyNumber), to: &body)
        body.append(contentsOf: Self.valueOpen)
        Base64.encode(valueScratch, to: &body)
        body.append(contentsOf: Self.stringClose)
        return body
    }

    /// `{"key":..}` (plus `"serializable":true`) for key number `keyNumber`.
    mutating func rangeBody(keyNumber: Int, serializable: Bool) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(64)
        body.append(contentsOf: Self.keyOpen)
        Base64.encode(key(keyNumber), to: &body)
        body.append(contentsOf: serializable ? Self.serializableClose : Self.stringClose)
        return body
    }

    /// A compare-and-set: put `key` if its mod_revision is still `modRevision`, else read it.
    mutating func casBody(keyNumber: Int, modRevision: Int64, sequence: Int) -> [UInt8] {
        var k: [UInt8] = []
        Base64.encode(key(keyNumber), to: &k)
        let keyText = String(decoding: k, as: UTF8.self)
        var put = putBody(keyNumber: keyNumber, sequence: sequence)
        put.removeFirst()  // leading "{": reuse the put's members inside request_put
        var body = Array(#"{"compare":[{"key":"\#(keyText)","target":"MOD","mod_revision":"\#(modRevision)"}],"success":[{"request_put":{"#.utf8)
        body.append(contentsOf: put)
        body.append(contentsOf: Array(#"}],"failure":[{"request_range":{"key":"\#(keyText)"}}]}"#.utf8))
        return body
    }

    /// A watch create request on the whole prefix, optionally from `startRevision`.
    func watchCreateBody(startRevision: Int64) -> [UInt8] {
        var end = prefix
        if let last = end.indices.last { end[last] &+= 1 }
        var body: [UInt8] = Array(#"{"create_request":{"key":""#.utf8)
        Base64.encode(prefix, to: &body)
        body.append(contentsOf: Array(#"","range_end":""#.utf8))
        Base64.encode(end, to: &body)
        body.append(UInt8(ascii: "\""))
        if startRevision > 0 { body.append(contentsOf: Array(#","start_revision":"\#(startRevision)""#.utf8)) }
        body.append(contentsOf: Array("}}".utf8))
        return body
    }
}
