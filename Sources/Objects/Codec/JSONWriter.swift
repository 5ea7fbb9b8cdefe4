import JSON

/// Appends compact JSON straight into a byte buffer: objects and arrays opened and closed
/// explicitly, commas placed automatically, and member helpers that follow Kubernetes'
/// `omitempty` (an empty string, zero number, false, empty list or map is left out).
public struct JSONWriter {
    /// The text written so far.
    public private(set) var bytes: [UInt8]
    /// True when the next value or key at the current level needs no comma before it.
    private var atStart = true

    /// A writer with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    private mutating func separate() {
        if !atStart { bytes.append(UInt8(ascii: ",")) }
        atStart = false
    }

    /// Opens an object (as a value: top level, array element or after ``key(_:)``).
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        atStart = true
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        atStart = false
    }

    /// Opens an array.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        atStart = true
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        atStart = false
    }

    /// Writes a member name and its colon; the value follows.
    @inline(__always)
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        atStart = true
    }

    /// Writes a member name that is not known at compile time (map keys, unknown members).
    public mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        atStart = true
    }

    /// A string value.
    public mutating func value(_ text: String) {
        separate()
        appendString(text)
    }

    /// Appends a string literal: text with nothing to escape is copied in one go, anything else
    /// goes through ``JSONText/appendString(_:to:)``.
    @inline(__always)
    private mutating func appendString(_ text: String) {
        var text = text
        let copied: Bool = text.withUTF8 { utf8 in
            for c in utf8 where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                return false
            }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if !copied { JSONText.appendString(text, to: &bytes) }
    }

    /// An integer value.
    @inline(__always)
    public mutating func value<T: BinaryInteger>(_ number: T) {
        separate()
        if let narrow = Int64(exactly: number) {
            appendDecimal(narrow)
        } else {
            JSONText.appendDecimal(number, to: &bytes)
        }
    }

    /// The decimal digits of `number`, written without generic arithmetic.
    private mutating func appendDecimal(_ number: Int64) {
        if number >= 0, number < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: number))
            return
        }
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buf in
            var k = buf.count
            while magnitude > 0 {
                k -= 1
                buf[k] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: buf[k...])
        }
    }

    /// A boolean value.
    public mutating func value(_ flag: Bool) {
        separate()
        bytes.append(contentsOf: flag ? "true".utf8 : "false".utf8)
    }

    /// A timestamp as an RFC 3339 string (with six fraction digits when `micro`).
    public mutating func value(_ time: Timestamp, micro: Bool) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        time.appendRFC3339(to: &bytes, micro: micro)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `null`.
    public mutating func nullValue() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A captured JSON value, written as it was read.
    public mutating func value(_ json: JSONValue) {
        separate()
        json.append(to: &bytes)
    }

    /// Bytes that are already one complete JSON value (an object encoded once and shared by a
    /// list and many watch events), copied as they are.
    /// - Warning: the bytes are not checked; passing anything but one JSON value corrupts the output.
    public mutating func rawValue(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    /// The members a type does not model, after its known ones.
    public mutating func unknown(_ fields: UnknownFields) {
        for member in fields.members {
            key(member.key)
            value(member.value)
        }
    }
}
