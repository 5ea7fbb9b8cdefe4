import Synchronization

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

/// Per-sender snapshot reassembly for ``PeerTransport``'s whole-snapshot initializer. Chunks from
/// one sender arrive in order on one connection; a reconnect restarts at offset 0.
final class PeerSnapshotReassembly: Sendable {
    private struct SenderState {
        var assembler: PeerSnapshotAssembler
        var refusedID: UInt64?   // the rest of a refused snapshot's chunks are skipped quietly
    }
    private let senders = Mutex<[UInt64: SenderState]>([:])
    private let maxBytes: UInt64
    private let deliver: @Sendable (UInt64, UInt64, [UInt8]) -> Void
    let refused = Atomic<Int>(0)

    init(maxBytes: UInt64, deliver: @escaping @Sendable (UInt64, UInt64, [UInt8]) -> Void) {
        self.maxBytes = maxBytes
        self.deliver = deliver
    }

    func add(from: UInt64, _ chunk: PeerSnapshotChunk) {
        let whole = senders.withLock { table -> [UInt8]? in
            var state = table[from] ?? SenderState(assembler: PeerSnapshotAssembler(maxBytes: maxBytes))
            defer { table[from] = state }
            if chunk.offset != 0, state.refusedID == chunk.snapshotID { return nil }
            state.refusedID = nil
            do {
                return try state.assembler.add(chunk)
            } catch {
                state.refusedID = chunk.snapshotID
                refused.wrappingAdd(1, ordering: .relaxed)
                return nil
            }
        }
        if let whole { deliver(from, chunk.snapshotID, whole) }
    }
}
