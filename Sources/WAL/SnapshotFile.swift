import Checksum
import Raft

/// The on-disk form of a snapshot: the Raft metadata and the state machine's bytes, checksummed in sections so
/// a damaged byte is reported with the offset of its section.
///
///     offset 0    8 bytes  magic "TERNSNP1"
///     offset 8    UInt32   metadata length M
///     offset 12   UInt32   CRC-32C of the metadata
///     offset 16   metadata: UInt64 index, UInt64 term, UInt32 voter count, voters (UInt64 each),
///                 UInt32 learner count, learners, UInt64 data length D, UInt32 chunk size C
///     offset 16+M data in chunks of C bytes (the last may be shorter), each followed by its UInt32 CRC-32C
///
/// The state machine's bytes include its own applied index, and the metadata names the log position they
/// cover, so state and applied index are in one file made durable in one rename.
enum SnapshotFile {
    static let magic: UInt64 = 0x3150_4E53_4E52_4554  // "TERNSNP1" little-endian
    static let chunkSize = 64 * 1024

    static func encode(_ snapshot: Snapshot) -> [UInt8] {
        var metadata = ByteWriter()
        metadata.append(snapshot.metadata.index)
        metadata.append(snapshot.metadata.term)
        metadata.append(UInt32(snapshot.metadata.confState.voters.count))
        for voter in snapshot.metadata.confState.voters { metadata.append(voter) }
        metadata.append(UInt32(snapshot.metadata.confState.learners.count))
        for learner in snapshot.metadata.confState.learners { metadata.append(learner) }
        metadata.append(UInt64(snapshot.data.count))
        metadata.append(UInt32(chunkSize))

        let chunks = (snapshot.data.count + chunkSize - 1) / chunkSize
        var file = ByteWriter(capacity: 16 + metadata.bytes.count + snapshot.data.count + 4 * chunks)
        file.append(magic)
        file.append(UInt32(metadata.bytes.count))
        file.append(CRC32C.checksum(metadata.bytes))
        file.append(contentsOf: metadata.bytes)
        snapshot.data.withUnsafeBytes { data in
            var start = 0
            while start < data.count {
                let chunk = UnsafeRawBufferPointer(rebasing: data[start..<min(start + chunkSize, data.count)])
                file.bytes.append(contentsOf: chunk)
                file.append(CRC32C.checksum(chunk))
                start += chunkSize
            }
        }
        return file.bytes
    }

    /// Decodes and verifies a snapshot file; throws ``WALError/corruptSnapshot(file:offset:reason:)``.
    static func decode(_ bytes: [UInt8], file: String) throws(WALError) -> Snapshot {
        let result: Result<Snapshot, WALError> = bytes.withUnsafeBytes { buffer in
            do throws(WALError) { return .success(try decode(buffer, file: file)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func decode(_ buffer: UnsafeRawBufferPointer, file: String) throws(WALError) -> Snapshot {
        func corrupt(_ offset: Int, _ reason: String) -> WALError { .corruptSnapshot(file: file, offset: offset, reason: reason) }
        var reader = ByteReader(buffer)
        guard reader.readUInt64() == magic else { throw corrupt(0, "bad magic") }
        guard let metadataLength = reader.readUInt32().map(Int.init), let metadataCRC = reader.readUInt32(),
              metadataLength <= reader.remaining
        else { throw corrupt(8, "bad metadata length") }
        let metadataBytes = UnsafeRawBufferPointer(rebasing: buffer[16..<(16 + metadataLength)])
        guard CRC32C.checksum(metadataBytes) == metadataCRC else { throw corrupt(16, "metadata checksum mismatch") }

        var meta = ByteReader(buffer, from: 16, to: 16 + metadataLength)
        guard let index = meta.readUInt64(), let term = meta.readUInt64(), index <= maximumLogIndex, term <= maximumLogIndex,
              let voters = readIDs(&meta), let learners = readIDs(&meta),
              let dataLength = meta.readUInt64().map(Int.init(exactly:)) ?? nil,
              let chunk = meta.readUInt32().map(Int.init), chunk > 0, meta.remaining == 0, dataLength <= buffer.count
        else { throw corrupt(16, "malformed metadata") }

        let dataStart = 16 + metadataLength
        let chunkCount = (dataLength + chunk - 1) / chunk
        guard buffer.count - dataStart == dataLength + 4 * chunkCount else {
            throw corrupt(dataStart, "file is \(buffer.count) bytes, metadata says \(dataStart + dataLength + 4 * chunkCount)")
        }
        var data: [UInt8] = []
        data.reserveCapacity(dataLength)
        var offset = dataStart
        var remaining = dataLength
        while remaining > 0 {
            let length = min(chunk, remaining)
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
            guard CRC32C.checksum(bytes) == loadUInt32(buffer, at: offset + length) else {
                throw corrupt(offset, "data checksum mismatch in the chunk of \(length) bytes at this offset")
            }
            data.append(contentsOf: bytes)
            offset += length + 4
            remaining -= length
        }
        let metadata = SnapshotMetadata(index: index, term: term, confState: ConfState(voters: voters, learners: learners))
        return Snapshot(metadata: metadata, data: data)
    }

    private static func readIDs(_ reader: inout ByteReader) -> [NodeID]? {
        guard let count = reader.readUInt32(), Int(count) <= reader.remaining / 8 else { return nil }
        var ids: [NodeID] = []
        for _ in 0..<count {
            guard let id = reader.readUInt64() else { return nil }
            ids.append(id)
        }
        return ids
    }
}
