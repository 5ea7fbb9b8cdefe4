import Checksum
import Raft

/// Reads one saved snapshot's state-machine bytes piece by piece, verifying each chunk's checksum,
/// so a large snapshot can be streamed to a follower without loading it whole.
///
/// Get one from ``WriteAheadLog/openSnapshot(index:term:)``. The file stays open until the reader is
/// released, so the WAL may release (delete) the snapshot meanwhile without disturbing a send in
/// progress.
///
/// - Warning: ``read(from:maxBytes:)`` does file I/O; call it off the Raft loop thread for large
///   snapshots (the peer transport's snapshot provider runs on a network thread). Any thread may call
///   it; reads use `pread` and do not share a file position.
public final class SnapshotReader: Sendable {
    /// What the snapshot covers.
    public let metadata: SnapshotMetadata
    /// The number of state-machine bytes (what ``Snapshot/data`` would hold).
    public let dataCount: Int
    /// The file, for error messages.
    public let path: String
    private let file: any StorageFile
    private let layout: SnapshotFile.Layout

    init(file: any StorageFile, path: String) throws(WALError) {
        self.file = file
        self.path = path
        do throws(WALError) {
            let size = try io { () throws(FileSystemError) in try file.size() }
            let fixed = try io { () throws(FileSystemError) in try file.read(at: 0, count: min(16, size)) }
            guard fixed.count == 16 else { throw WALError.corruptSnapshot(file: path, offset: 0, reason: "shorter than a header") }
            let metadataLength = fixed.withUnsafeBytes { Int(loadUInt32($0, at: 8)) }
            guard metadataLength <= size - 16 else { throw WALError.corruptSnapshot(file: path, offset: 8, reason: "bad metadata length") }
            let header = try io { () throws(FileSystemError) in try file.read(at: 0, count: 16 + metadataLength) }
            let parsed: Result<SnapshotFile.Layout, WALError> = header.withUnsafeBytes { buffer in
                do throws(WALError) { return .success(try SnapshotFile.layout(buffer, fileSize: size, file: path)) } catch {
                    return .failure(error)
                }
            }
            layout = try parsed.get()
        } catch {
            file.close()
            throw error
        }
        metadata = layout.metadata
        dataCount = layout.dataCount
    }

    deinit { file.close() }

    /// Up to `maxBytes` state-machine bytes from data offset `offset` (fewer only at the end; none at
    /// or past it). Every chunk touched is verified whole.
    /// - Throws: ``WALError/io(_:)``, or ``WALError/corruptSnapshot(file:offset:reason:)`` for a damaged chunk.
    public func read(from offset: Int, maxBytes: Int) throws(WALError) -> [UInt8] {
        let end = min(dataCount, offset + max(0, maxBytes))
        guard offset >= 0, offset < end else { return [] }
        let size = layout.chunkSize
        let firstChunk = offset / size
        let lastChunk = (end - 1) / size
        // Whole chunks with their checksums, read in one call.
        let fileStart = layout.dataStart + firstChunk * (size + 4)
        let lastLength = min(size, dataCount - lastChunk * size)
        let fileCount = (lastChunk - firstChunk) * (size + 4) + lastLength + 4
        let raw = try io { () throws(FileSystemError) in try file.read(at: fileStart, count: fileCount) }
        guard raw.count == fileCount else {
            throw .corruptSnapshot(file: path, offset: fileStart, reason: "file ends inside a chunk")
        }
        var out: [UInt8] = []
        out.reserveCapacity(end - offset)
        let path = self.path
        let result: WALError? = raw.withUnsafeBytes { raw in
            for chunk in firstChunk...lastChunk {
                let at = (chunk - firstChunk) * (size + 4)
                let length = min(size, dataCount - chunk * size)
                let bytes = UnsafeRawBufferPointer(rebasing: raw[at..<(at + length)])
                guard CRC32C.checksum(bytes) == loadUInt32(raw, at: at + length) else {
                    return .corruptSnapshot(file: path, offset: fileStart + at,
                                            reason: "data checksum mismatch in the chunk of \(length) bytes at this offset")
                }
                let from = max(offset, chunk * size) - chunk * size
                let to = min(end, chunk * size + length) - chunk * size
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[from..<to]))
            }
            return nil
        }
        if let result { throw result }
        return out
    }
}
