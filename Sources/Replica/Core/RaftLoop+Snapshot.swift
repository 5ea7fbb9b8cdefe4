import Raft
import WAL
import MVCC

extension RaftLoop {
    /// Every `snapshotEveryEntries` applied entries: an O(1) copy of the keyspace is serialized and
    /// saved in the background (writes go on meanwhile); the loop then compacts the Raft log and the
    /// WAL releases what the snapshot covers. The image lives only on the background queue until it
    /// is written: the loop gets its metadata back, and snapshots sent to followers are streamed from
    /// the WAL's file (``sendSnapshot(_:)``).
    func maybeSnapshot() {
        let applied = node.appliedIndex
        guard !snapshotInProgress, applied >= lastSnapshotIndex + options.snapshotEveryEntries,
              let term = node.term(at: applied) else { return }
        snapshotInProgress = true
        let state = keyspace.frozen()
        let metadata = SnapshotMetadata(index: applied, term: term, confState: node.confState(at: applied))
        let wal = self.wal
        let replicated = ReplicatedMetadata(registry: registry, ledger: ledger).encoded()
        let log = self.log
        snapshotQueue.async { [self] in
            let snapshot = Snapshot(metadata: metadata, data: state.encodeSnapshot(metadata: replicated))
            let byteCount = snapshot.data.count
            do {
                try wal.saveSnapshot(snapshot)
                submit(.snapshotFinished(metadata, byteCount: byteCount, saved: true))
            } catch {
                log.error("snapshot at \(metadata.index) failed: \(error); retrying after more entries")
                submit(.snapshotFinished(metadata, byteCount: byteCount, saved: false))
            }
        }
    }
}
