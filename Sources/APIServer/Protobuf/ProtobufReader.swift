/// Why protobuf bytes could not be read.
public enum ProtobufError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(offset: Int)
    case badWireType(Int, offset: Int)
    case notUTF8(field: Int)
    case notKubernetesEnvelope
    /// The envelope names a kind we do not decode from protobuf.
    case unsupportedKind(apiVersion: String, kind: String)

    public var description: String {
        switch self {
        case .truncated(let o): return "truncated protobuf at byte \(o)"
        case .badWireType(let t, let o): return "unsupported protobuf wire type \(t) at byte \(o)"
        case .notUTF8(let f): return "protobuf field \(f) is not UTF-8 text"
        case .notKubernetesEnvelope: return "the body does not start with the Kubernetes protobuf magic \"k8s\\0\""
        case .unsupportedKind(let v, let k): return "protobuf bodies are decoded only for ConfigMap, Secret, Namespace and ServiceAccount, not \(v) \(k)"
        }
    }
}

/// A minimal protobuf wire-format reader: iterates the fields of one message. Enough for the few
/// Kubernetes messages kubectl sends as protobuf (strings, bytes, varints, nested messages, maps).
struct ProtobufReader {
    /// One field's value as it appears on the wire.
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed64
        case fixed32
    }

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    /// The next field (number, value), or nil at the end of the message.
    mutating func next() throws(ProtobufError) -> (field: Int, value: Value)? {
        guard index < bytes.endIndex else { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1:
            guard bytes.endIndex - index >= 8 else { throw .truncated(offset: index) }
            index += 8
            return (field, .fixed64)
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - index) else { throw .truncated(offset: index) }
            let start = index
            index += Int(length)
            return (field, .bytes(bytes[start..<index]))
        case 5:
            guard bytes.endIndex - index >= 4 else { throw .truncated(offset: index) }
            index += 4
            return (field, .fixed32)
        default: throw .badWireType(Int(key & 7), offset: index)
        }
    }

    private mutating func varint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex, shift < 64 else { throw .truncated(offset: index) }
            let b = bytes[index]
            index += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    static func string(_ value: Value, field: Int) throws(ProtobufError) -> String {
        guard case .bytes(let b) = value, let s = String(validating: b, as: UTF8.self) else { throw .notUTF8(field: field) }
        return s
    }

    /// A map entry message (`key` = 1, `value` = 2).
    static func mapEntry(_ value: Value) throws(ProtobufError) -> (key: String, value: Value?) {
        guard case .bytes(let b) = value else { throw .badWireType(0, offset: 0) }
        var r = ProtobufReader(b)
        var key = ""
        var v: Value?
        while let (f, fv) = try r.next() {
            if f == 1 { key = try string(fv, field: 1) } else if f == 2 { v = fv }
        }
        return (key, v)
    }
}
