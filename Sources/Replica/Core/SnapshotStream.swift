import Raft
import WAL

/// A snapshot message for a follower as a byte stream: the peer envelope's head (everything up to
/// the snapshot data) from memory, then the data read piece by piece from the WAL's snapshot file.
///
/// The leader never holds the state-machine image: the peer transport pulls pieces through
/// ``piece(at:maxBytes:)`` as the connection drains.
///
/// - Warning: ``piece(at:maxBytes:)`` reads the file; the transport calls it on a network thread,
///   never the Raft loop's.
struct SnapshotStream: Sendable {
    let head: [UInt8]
    let reader: SnapshotReader

    /// The stream of `message` (a `.snapshot` message, whose data is ignored) with the bytes `reader` reads.
    init(message: Message, reader: SnapshotReader) {
        head = PeerEnvelope.raftSnapshotHead(message, dataCount: reader.dataCount)
        self.reader = reader
    }

    /// The whole envelope's size.
    var totalBytes: Int { head.count + reader.dataCount }

    /// Up to `maxBytes` of the envelope from `offset` (fewer only at the end).
    /// - Throws: what ``SnapshotReader/read(from:maxBytes:)`` throws (a damaged or unreadable file).
    func piece(at offset: Int, maxBytes: Int) throws(WALError) -> [UInt8] {
        var piece: [UInt8] = []
        var offset = offset
        var want = maxBytes
        if offset < head.count {
            piece = Array(head[offset..<min(head.count, offset + want)])
            want -= piece.count
            offset = head.count
        }
        if want > 0 {
            piece += try reader.read(from: offset - head.count, maxBytes: want)
        }
        return piece
    }
}
