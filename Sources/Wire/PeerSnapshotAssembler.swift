/// Why snapshot chunks could not be reassembled.
public enum PeerSnapshotError: Error, Equatable, Sendable {
    /// A chunk arrived out of order (chunks are sent in order on one connection).
    case unexpectedOffset(expected: UInt64, got: UInt64)
    /// The snapshot is larger than the receiver allows.
    case tooLarge(totalBytes: UInt64, limit: UInt64)
    /// A chunk of another snapshot arrived before this one completed.
    case interleaved(expectedID: UInt64, got: UInt64)
}

/// Reassembles a snapshot from its chunks (a chunk sink for receivers that want the whole thing).
public struct PeerSnapshotAssembler: Sendable {
    /// Largest snapshot accepted.
    public let maxBytes: UInt64
    private var snapshotID: UInt64?
    private var bytes: [UInt8] = []

    /// Makes an assembler that refuses snapshots over `maxBytes`.
    public init(maxBytes: UInt64 = 8 << 30) {
        self.maxBytes = maxBytes
    }

    /// Adds the next chunk; returns the whole snapshot when this chunk completes it.
    /// A chunk at offset 0 restarts assembly (the sender retried after a broken connection).
    /// - Throws: ``PeerSnapshotError``; the partial snapshot is discarded.
    public mutating func add(_ chunk: PeerSnapshotChunk) throws(PeerSnapshotError) -> [UInt8]? {
        if chunk.totalBytes > maxBytes {
            reset()
            throw .tooLarge(totalBytes: chunk.totalBytes, limit: maxBytes)
        }
        if chunk.offset == 0 {
            reset()
            snapshotID = chunk.snapshotID
            bytes.reserveCapacity(Int(chunk.totalBytes))
        } else if let id = snapshotID, id != chunk.snapshotID {
            reset()
            throw .interleaved(expectedID: id, got: chunk.snapshotID)
        }
        guard chunk.offset == UInt64(bytes.count) else {
            let expected = UInt64(bytes.count)
            reset()
            throw .unexpectedOffset(expected: expected, got: chunk.offset)
        }
        bytes.append(contentsOf: chunk.bytes)
        if chunk.isLast {
            let whole = bytes
            reset()
            return whole
        }
        return nil
    }

    private mutating func reset() {
        snapshotID = nil
        bytes = []
    }
}
