import JSON

/// Hand-written JSON in the shape of etcd 3.4's gateway (jsonpb with snake_case names, int64 as JSON
/// strings, zero fields omitted, bytes as base64), written straight into `[UInt8]`.
public enum GatewayJSON {
    /// Appends `"name":` (the name must need no escaping).
    @inlinable
    static func appendName(_ name: StaticString, to output: inout [UInt8], first: inout Bool) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        output.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { output.append(contentsOf: $0) }
        output.append(UInt8(ascii: "\""))
        output.append(UInt8(ascii: ":"))
    }

    /// Appends the decimal digits of `value`.
    @inlinable
    static func appendDecimal(_ value: Int64, to output: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            output.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Appends `,"name":"<int64>"` unless `value` is zero.
    @inlinable
    static func appendInt64Field(_ name: StaticString, _ value: Int64, to output: inout [UInt8], first: inout Bool) {
        if value == 0 { return }
        appendName(name, to: &output, first: &first)
        output.append(UInt8(ascii: "\""))
        appendDecimal(value, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// Appends `,"name":"<base64>"` unless `bytes` is empty.
    @inlinable
    static func appendBytesField(_ name: StaticString, _ bytes: [UInt8], to output: inout [UInt8], first: inout Bool) {
        if bytes.isEmpty { return }
        appendName(name, to: &output, first: &first)
        output.append(UInt8(ascii: "\""))
        Base64.encode(bytes, into: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// Appends `,"name":true` when `flag` is set.
    @inlinable
    static func appendTrueField(_ name: StaticString, _ flag: Bool, to output: inout [UInt8], first: inout Bool) {
        if !flag { return }
        appendName(name, to: &output, first: &first)
        output.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
    }

    /// Appends `text` as a JSON string (quotes, backslashes and control characters escaped).
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                           hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends a KeyValue object: `{"key","create_revision","mod_revision","version","value","lease"}`.
    public static func appendKeyValue(_ kv: KeyValue, to output: inout [UInt8]) {
        var first = true
        output.append(UInt8(ascii: "{"))
        appendBytesField("key", kv.key, to: &output, first: &first)
        appendInt64Field("create_revision", kv.createRevision, to: &output, first: &first)
        appendInt64Field("mod_revision", kv.modRevision, to: &output, first: &first)
        appendInt64Field("version", kv.version, to: &output, first: &first)
        appendBytesField("value", kv.value, to: &output, first: &first)
        appendInt64Field("lease", kv.lease, to: &output, first: &first)
        output.append(UInt8(ascii: "}"))
    }

    /// Appends an Event object: `{"type":"DELETE"?,"kv":{..},"prev_kv":{..}?}` (PUT's type is omitted).
    public static func appendEvent(_ event: Event, includePrevKV: Bool, to output: inout [UInt8]) {
        var first = true
        output.append(UInt8(ascii: "{"))
        if event.kind == .delete {
            appendName("type", to: &output, first: &first)
            output.append(contentsOf: Array("\"DELETE\"".utf8))
        }
        appendName("kv", to: &output, first: &first)
        appendKeyValue(event.kv, to: &output)
        if includePrevKV, let previous = event.prevKV {
            appendName("prev_kv", to: &output, first: &first)
            appendKeyValue(previous, to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Appends a ResponseHeader object with zero fields omitted.
    public static func appendHeader(_ header: ResponseHeader, to output: inout [UInt8]) {
        var first = true
        output.append(UInt8(ascii: "{"))
        appendUInt64Field("cluster_id", header.clusterID, to: &output, first: &first)
        appendUInt64Field("member_id", header.memberID, to: &output, first: &first)
        appendInt64Field("revision", header.revision, to: &output, first: &first)
        appendUInt64Field("raft_term", header.raftTerm, to: &output, first: &first)
        output.append(UInt8(ascii: "}"))
    }

    /// Appends `,"name":"<uint64>"` unless zero.
    static func appendUInt64Field(_ name: StaticString, _ value: UInt64, to output: inout [UInt8], first: inout Bool) {
        if value == 0 { return }
        appendName(name, to: &output, first: &first)
        output.append(UInt8(ascii: "\""))
        if value > UInt64(Int64.max) {
            output.append(contentsOf: Array(String(value).utf8))
        } else {
            appendDecimal(Int64(value), to: &output)
        }
        output.append(UInt8(ascii: "\""))
    }
}
