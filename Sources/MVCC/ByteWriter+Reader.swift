/// Appends fixed-width little-endian integers and length-prefixed byte strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    mutating func blob(_ value: [UInt8]) {
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }
}

/// Reads what ``ByteWriter`` wrote, refusing truncated or implausible input with a ``DecodeError``.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    let end: Int

    init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - offset }

    mutating func need(_ count: Int) throws(DecodeError) {
        if count < 0 || remaining < count { throw .truncated(offset: offset) }
    }

    mutating func u8() throws(DecodeError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bool() throws(DecodeError) -> Bool {
        let at = offset
        let value = try u8()
        if value > 1 { throw .unknownTag(value, offset: at) }
        return value == 1
    }

    mutating func u32() throws(DecodeError) -> UInt32 {
        try need(4)
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
        offset += 4
        return value
    }

    mutating func u64() throws(DecodeError) -> UInt64 {
        try need(8)
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    mutating func i64() throws(DecodeError) -> Int64 { Int64(bitPattern: try u64()) }

    mutating func blob() throws(DecodeError) -> [UInt8] {
        let at = offset
        let count = Int(try u32())
        if count > remaining { throw .badLength(Int64(count), offset: at) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// A count of items each at least `minimumItemBytes` long, checked against the remaining input.
    mutating func count(minimumItemBytes: Int) throws(DecodeError) -> Int {
        let at = offset
        let count = Int(try u32())
        if count * Swift.max(1, minimumItemBytes) > remaining { throw .badLength(Int64(count), offset: at) }
        return count
    }
}
