/// Why bytes from outside could not be decoded.
public enum DecodeError: Error, Equatable, Sendable {
    /// The input ended before the value did.
    case truncated(offset: Int)
    /// The input is the wrong shape; the text says where.
    case malformed(String)
}

/// Appends varints, fixed-width integers and length-prefixed byte strings to a buffer.
public struct ByteWriter: Sendable {
    public var buffer: [UInt8]

    public init(capacity: Int = 64) {
        buffer = []
        buffer.reserveCapacity(capacity)
    }

    public mutating func byte(_ value: UInt8) { buffer.append(value) }

    public mutating func uvarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        buffer.append(UInt8(v))
    }

    public mutating func uint32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    public mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// A length (varint) followed by the bytes.
    public mutating func bytes(_ value: [UInt8]) {
        uvarint(UInt64(value.count))
        buffer.append(contentsOf: value)
    }
}

/// Reads what ``ByteWriter`` wrote, failing with a typed error on truncated or malformed input.
public struct ByteReader: Sendable {
    public let input: [UInt8]
    public private(set) var offset: Int

    public init(_ input: [UInt8], offset: Int = 0) {
        self.input = input
        self.offset = offset
    }

    public var isAtEnd: Bool { offset >= input.count }

    public mutating func byte() throws(DecodeError) -> UInt8 {
        guard offset < input.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return input[offset]
    }

    public mutating func uvarint() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63 && b > 1 { throw .malformed("varint overflows 64 bits at offset \(offset - 1)") }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .malformed("varint too long at offset \(offset - 1)") }
        }
    }

    public mutating func uint32() throws(DecodeError) -> UInt32 {
        guard input.count - offset >= 4 else { throw .truncated(offset: offset) }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(input[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return v
    }

    public mutating func uint64() throws(DecodeError) -> UInt64 {
        guard input.count - offset >= 8 else { throw .truncated(offset: offset) }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(input[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }

    public mutating func bytes() throws(DecodeError) -> [UInt8] {
        let length = try uvarint()
        guard length <= UInt64(input.count - offset) else { throw .truncated(offset: offset) }
        let n = Int(length)
        defer { offset += n }
        return Array(input[offset..<(offset + n)])
    }

    public func expectEnd() throws(DecodeError) {
        guard offset == input.count else { throw .malformed("\(input.count - offset) trailing bytes") }
    }
}
