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

    /// Where a snapshot file's parts are, from its verified header: the metadata, then the data in
    /// checksummed chunks.
    struct Layout: Equatable {
        var metadata: SnapshotMetadata
        /// State-machine bytes (without the chunk checksums).
        var dataCount: Int
        var chunkSize: Int
        /// File offset of the first data chunk.
        var dataStart: Int

        /// The file's total size.
        var fileSize: Int { dataStart + dataCount + 4 * ((dataCount + chunkSize - 1) / chunkSize) }
    }

    /// The header (magic, metadata length and CRC, metadata) of `snapshot`.
    static func header(_ snapshot: Snapshot) -> [UInt8] {
        var metadata = ByteWriter()
        metadata.append(snapshot.metadata.index)
        metadata.append(snapshot.metadata.term)
        metadata.append(UInt32(snapshot.metadata.confState.voters.count))
        for voter in snapshot.metadata.confState.voters { metadata.append(voter) }
        metadata.append(UInt32(snapshot.metadata.confState.learners.count))
        for learner in snapshot.metadata.confState.learners { metadata.append(learner) }
        metadata.append(UInt64(snapshot.data.count))
        metadata.append(UInt32(chunkSize))
        var file = ByteWriter(capacity: 16 + metadata.bytes.count)
        file.append(magic)
        file.append(UInt32(metadata.bytes.count))
        file.append(CRC32C.checksum(metadata.bytes))
        file.append(contentsOf: metadata.bytes)
        return file.bytes
    }

    /// The whole file image of `snapshot` (tests; ``write(_:to:)`` writes the same bytes piecewise).
    static func encode(_ snapshot: Snapshot) -> [UInt8] {
        var file = header(snapshot)
        appendChunks(of: snapshot.data, from: 0, to: snapshot.data.count, into: &file)
        return file
    }

    /// Writes the file image of `snapshot` to `file` from offset 0 in pieces of about `pieceBytes`, so
    /// the image is never built whole next to the snapshot's own bytes.
    static func write(_ snapshot: Snapshot, to file: any StorageFile, pieceBytes: Int = 1 << 20) throws(FileSystemError) {
        var piece = header(snapshot)
        var offset = 0
        let chunksPerPiece = max(1, pieceBytes / chunkSize)
        var start = 0
        repeat {
            let end = min(snapshot.data.count, start + chunksPerPiece * chunkSize)
            appendChunks(of: snapshot.data, from: start, to: end, into: &piece)
            try file.write(piece, at: offset)
            offset += piece.count
            piece.removeAll(keepingCapacity: true)
            start = end
        } while start < snapshot.data.count
    }

    /// Appends `data[from..<to]` (`from` on a chunk boundary) as chunks, each followed by its CRC-32C.
    private static func appendChunks(of data: [UInt8], from: Int, to: Int, into out: inout [UInt8]) {
        data.withUnsafeBytes { data in
            var start = from
            while start < to {
                let chunk = UnsafeRawBufferPointer(rebasing: data[start..<min(start + chunkSize, to)])
                out.append(contentsOf: chunk)
                var crc = CRC32C.checksum(chunk).littleEndian
                withUnsafeBytes(of: &crc) { out.append(contentsOf: $0) }
                start += chunkSize
            }
        }
    }

    /// Decodes and verifies a snapshot file; throws ``WALError/corruptSnapshot(file:offset:reason:)``.
    static func decode(_ bytes: [UInt8], file: String) throws(WALError) -> Snapshot {
        let result: Result<Snapshot, WALError> = bytes.withUnsafeBytes { buffer in
            do throws(WALError) { return .success(try decode(buffer, file: file)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses and verifies the header at the start of `buffer` (which may be just the header's bytes)
    /// of a file of `fileSize` bytes.
    static func layout(_ buffer: UnsafeRawBufferPointer, fileSize: Int, file: String) throws(WALError) -> Layout {
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
              let chunk = meta.readUInt32().map(Int.init), chunk > 0, meta.remaining == 0, dataLength <= fileSize
        else { throw corrupt(16, "malformed metadata") }
        let metadata = SnapshotMetadata(index: index, term: term, confState: ConfState(voters: voters, learners: learners))
        let layout = Layout(metadata: metadata, dataCount: dataLength, chunkSize: chunk, dataStart: 16 + metadataLength)
        guard fileSize == layout.fileSize else {
            throw corrupt(layout.dataStart, "file is \(fileSize) bytes, metadata says \(layout.fileSize)")
        }
        return layout
    }

    private static func decode(_ buffer: UnsafeRawBufferPointer, file: String) throws(WALError) -> Snapshot {
        let layout = try layout(buffer, fileSize: buffer.count, file: file)
        var data: [UInt8] = []
        data.reserveCapacity(layout.dataCount)
        var offset = layout.dataStart
        var remaining = layout.dataCount
        while remaining > 0 {
            let length = min(layout.chunkSize, remaining)
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
            guard CRC32C.checksum(bytes) == loadUInt32(buffer, at: offset + length) else {
                throw .corruptSnapshot(file: file, offset: offset,
                                       reason: "data checksum mismatch in the chunk of \(length) bytes at this offset")
            }
            data.append(contentsOf: bytes)
            offset += length + 4
            remaining -= length
        }
        return Snapshot(metadata: layout.metadata, data: data)
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
