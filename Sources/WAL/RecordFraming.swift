import Checksum
/// The frame around every WAL record, and the checks that tell a record, a clean end and damage apart.
///
/// Layout (little-endian), each record starting at a multiple of 8:
///
///     offset 0   UInt32  CRC-32C of bytes 4 ..< 12 + length (length, type, reserved, payload), continuing
///                        from the CRC-32C of the record's position (UInt64 segment sequence, UInt64 offset)
///     offset 4   UInt32  payload length in bytes
///     offset 8   UInt8   record type (``RecordType``; 0 is never valid)
///     offset 9   3 bytes reserved, zero
///     offset 12  payload
///                zero padding to the next multiple of 8
///
/// A preallocated segment reads as zeros past its last record, and twelve zero bytes are never a valid
/// header (type 0), so "all zeros from here to the end of the file" is a clean end of data. Seeding the
/// checksum with the position means a record is valid only where it was written: bytes that happen to
/// contain a whole record (an entry holding WAL bytes, a copied segment) never pass for one elsewhere.
enum RecordFraming {
    static let headerSize = 12
    static let alignment = 8

    /// The size a record with a payload of `payloadLength` bytes takes in a segment, padding included.
    static func framedSize(payloadLength: Int) -> Int {
        (headerSize + payloadLength + alignment - 1) / alignment * alignment
    }

    /// Appends a framed record to `buffer`: writes the header, lets `payload` append the payload, then pads and
    /// fills in the length. The checksum is filled in by ``seal(_:recordAt:sequence:offset:)`` once the
    /// record's position is known.
    static func append(type: RecordType, to buffer: inout ByteWriter, payload: (inout ByteWriter) -> Void) {
        let start = buffer.bytes.count
        buffer.bytes.append(contentsOf: repeatElement(0, count: headerSize))
        payload(&buffer)
        let length = buffer.bytes.count - start - headerSize
        let padded = framedSize(payloadLength: length)
        buffer.bytes.append(contentsOf: repeatElement(0, count: padded - headerSize - length))
        buffer.bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(length).littleEndian, toByteOffset: start + 4, as: UInt32.self)
            raw[start + 8] = type.rawValue
        }
    }

    /// Fills in the checksum of the record at `start` of `bytes`, which will be written at `offset` of segment
    /// `sequence`.
    static func seal(_ bytes: inout [UInt8], recordAt start: Int, sequence: UInt64, offset: Int) {
        bytes.withUnsafeMutableBytes { raw in
            let length = Int(loadUInt32(UnsafeRawBufferPointer(raw), at: start + 4))
            let covered = UnsafeRawBufferPointer(rebasing: raw[(start + 4)..<(start + headerSize + length)])
            let crc = CRC32C.checksum(covered, continuing: positionSeed(sequence: sequence, offset: offset))
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start, as: UInt32.self)
        }
    }

    /// The checksum a record's own checksum continues from: the CRC-32C of its segment sequence and offset.
    static func positionSeed(sequence: UInt64, offset: Int) -> UInt32 {
        withUnsafeBytes(of: (sequence.littleEndian, UInt64(offset).littleEndian)) { CRC32C.checksum($0) }
    }

    /// What sits at one offset of a segment.
    enum Inspection: Equatable {
        /// A valid record: its type, where its payload is, and where the next record starts.
        case record(type: RecordType, payload: Range<Int>, next: Int)
        /// Zero bytes where a header would be: the data ends here if the rest of the file is zeros too.
        case zeroHeader
        /// The end of the file, exactly.
        case endOfFile
        /// Something that is neither a record nor zeros.
        case damaged(reason: String)
    }

    /// Looks at the bytes at `offset` (a multiple of 8) of segment `sequence`.
    static func inspect(_ buffer: UnsafeRawBufferPointer, at offset: Int, sequence: UInt64) -> Inspection {
        let available = buffer.count - offset
        if available <= 0 { return .endOfFile }
        if available < headerSize {
            return isZero(buffer, from: offset, to: buffer.count) ? .zeroHeader : .damaged(reason: "truncated record header")
        }
        if isZero(buffer, from: offset, to: offset + headerSize) { return .zeroHeader }
        let length = Int(loadUInt32(buffer, at: offset + 4))
        guard let type = RecordType(rawValue: buffer[offset + 8]) else {
            return .damaged(reason: "unknown record type \(buffer[offset + 8])")
        }
        guard buffer[offset + 9] == 0, buffer[offset + 10] == 0, buffer[offset + 11] == 0 else {
            return .damaged(reason: "nonzero reserved header bytes")
        }
        guard length <= available - headerSize else {
            return .damaged(reason: "record length \(length) runs past the end of the file")
        }
        let covered = UnsafeRawBufferPointer(rebasing: buffer[(offset + 4)..<(offset + headerSize + length)])
        let stored = loadUInt32(buffer, at: offset)
        let computed = CRC32C.checksum(covered, continuing: positionSeed(sequence: sequence, offset: offset))
        guard stored == computed else {
            return .damaged(reason: "checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
        let next = min(offset + framedSize(payloadLength: length), buffer.count)
        guard isZero(buffer, from: offset + headerSize + length, to: next) else {
            return .damaged(reason: "nonzero padding after the record")
        }
        return .record(type: type, payload: (offset + headerSize)..<(offset + headerSize + length), next: next)
    }

    /// The first offset after `offset` (on the 8-byte grid) holding a valid record of segment `sequence`, if any.
    static func nextValidRecord(_ buffer: UnsafeRawBufferPointer, after offset: Int, sequence: UInt64) -> Int? {
        var candidate = (offset / alignment + 1) * alignment
        while candidate + headerSize <= buffer.count {
            if RecordType(rawValue: buffer[candidate + 8]) != nil,
               case .record = inspect(buffer, at: candidate, sequence: sequence) {
                return candidate
            }
            candidate += alignment
        }
        return nil
    }

    /// The offset just past the last nonzero byte in `start ..< buffer.count` (or `start` if all are zero).
    static func endOfNonzero(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Int {
        var end = buffer.count
        // Eight bytes at a time over the (usually long, preallocated) zero tail.
        while end - 8 >= start && buffer.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) == 0 { end -= 8 }
        while end > start && buffer[end - 1] == 0 { end -= 1 }
        return end
    }

    static func isZero(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Bool {
        var index = start
        while index + 8 <= end {
            if buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { return false }
            index += 8
        }
        while index < end {
            if buffer[index] != 0 { return false }
            index += 1
        }
        return true
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
