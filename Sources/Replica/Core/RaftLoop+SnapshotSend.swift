import Raft
import WAL

extension RaftLoop {
    /// Sends a follower the snapshot Raft asked for. Raft's message carries only the metadata; the
    /// bytes are streamed from the WAL's snapshot file by the transport's network thread (the loop
    /// only opens the file and reads its header). If the WAL no longer keeps that snapshot (a newer
    /// one replaced it) or the transport does not know the peer, Raft hears that it was not
    /// delivered and retries with its newest snapshot.
    func sendSnapshot(_ m: Message) {
        guard let transport, let metadata = m.snapshot?.metadata else { return }
        let reader: SnapshotReader
        do {
            reader = try wal.openSnapshot(index: metadata.index, term: metadata.term)
        } catch {
            log.warning("cannot send the snapshot at \(metadata.index) to \(String(m.to, radix: 16)): \(error)")
            node.reportSnapshot(to: m.to, delivered: false)
            return
        }
        let stream = SnapshotStream(message: m, reader: reader)
        let log = self.log
        let accepted = transport.sendSnapshot(to: m.to, snapshotID: metadata.index,
                                              totalBytes: UInt64(stream.totalBytes)) { offset, maxBytes in
            do {
                return try stream.piece(at: Int(offset), maxBytes: maxBytes)
            } catch {
                // An empty piece abandons the send (counted by the transport); Raft retries later.
                log.error("abandoning the snapshot at \(metadata.index): \(error)")
                return []
            }
        }
        if !accepted { node.reportSnapshot(to: m.to, delivered: false) }
    }
}
