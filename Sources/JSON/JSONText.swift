/// Writing JSON text straight into a byte buffer.
public enum JSONText {
    /// Appends `text` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5c, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5c, 0x5c])
            case 0x0a: out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case 0x0d: out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5c, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends the decimal digits of `value`.
    public static func appendDecimal<T: BinaryInteger>(_ value: T, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let start = out.count
        while magnitude > 0 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        out[start...].reverse()
    }
}

/// Builds one JSON object in etcd gateway style: fields appended in order, zero values skipped
/// by the `…IfSet` helpers, 64-bit integers written as strings.
public struct JSONObjectWriter {
    public private(set) var bytes: [UInt8]
    private var empty = true

    public init(capacity: Int = 128) {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(capacity)
    }

    private mutating func name(_ key: StaticString) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"key":<raw JSON>`.
    public mutating func raw(_ key: StaticString, _ json: [UInt8]) {
        name(key)
        bytes.append(contentsOf: json)
    }

    public mutating func string(_ key: StaticString, _ value: String) {
        name(key)
        JSONText.appendString(value, to: &bytes)
    }

    /// `"key":"<decimal>"` (int64/uint64 as etcd writes them), skipped when zero.
    public mutating func int64StringIfSet<T: BinaryInteger>(_ key: StaticString, _ value: T) {
        guard value != 0 else { return }
        int64String(key, value)
    }

    /// `"key":"<decimal>"`, always.
    public mutating func int64String<T: BinaryInteger>(_ key: StaticString, _ value: T) {
        name(key)
        bytes.append(UInt8(ascii: "\""))
        JSONText.appendDecimal(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":<decimal>` (int32/uint32 as numbers).
    public mutating func number<T: BinaryInteger>(_ key: StaticString, _ value: T) {
        name(key)
        JSONText.appendDecimal(value, to: &bytes)
    }

    /// `"key":true`, only when set.
    public mutating func trueIfSet(_ key: StaticString, _ flag: Bool) {
        guard flag else { return }
        name(key)
        bytes.append(contentsOf: "true".utf8)
    }

    /// `"key":[<raw>,<raw>...]`, skipped when empty.
    public mutating func arrayIfSet(_ key: StaticString, _ items: [[UInt8]]) {
        guard !items.isEmpty else { return }
        name(key)
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The finished object.
    public mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
