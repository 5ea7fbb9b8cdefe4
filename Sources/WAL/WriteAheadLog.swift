import Raft
import Synchronization

/// The crash-safe store of a Raft member's log, hard state and snapshots, in one data directory.
///
/// Open it with ``open(directory:fileSystem:options:)``, which recovers what is durable. Then hand each Raft
/// `Ready` batch to ``save(hardState:entries:)`` (one record, one `fdatasync`: group commit), a snapshot
/// received from a leader to ``save(hardState:entries:installing:)``, and a snapshot the state machine took
/// for compaction to ``saveSnapshot(_:)``. Entries whose index is at or below the last one replace the log
/// from that index on, exactly as Raft truncates on a conflict, and recovery honours it.
///
/// After any write error (or a crash point firing) the WAL refuses further writes with ``WALError/failed``;
/// reopen it to recover. The on-disk format is described in `docs/architecture-wal.md`.
///
/// - Warning: meant to be driven by one thread (the replica's WAL writer, for its Raft loop). Calls are serialized by a mutex,
///   so a second thread is safe but waits for the `fdatasync` in progress.
public final class WriteAheadLog: Sendable {
    private let core: Mutex<WALCore>

    private init(core: consuming WALCore) {
        self.core = Mutex(core)
    }

    /// Opens (creating if needed) the WAL in `directory` and returns it with the recovered state.
    ///
    /// A torn last record is cut (a copy kept beside its segment); damage anywhere else throws
    /// ``WALError/corruptRecord(file:offset:reason:)`` or ``WALError/corruptSnapshot(file:offset:reason:)``.
    /// The directory is locked until ``close()``: a second open throws `.io(.locked(path:))`.
    public static func open(
        directory: String, fileSystem: any FileSystem = POSIXFileSystem(), options: WALOptions = WALOptions()
    ) throws(WALError) -> (WriteAheadLog, RecoveredState) {
        var (core, recovered) = try WALCore.recover(directory: directory, fileSystem: fileSystem, options: options)
        core.startPreparingSegments()
        return (WriteAheadLog(core: core), recovered)
    }

    /// Durably appends a batch: an optional new hard state and entries, in one record with one `fdatasync`.
    ///
    /// `entries` must be contiguous, start at most one past ``lastIndex`` and after the snapshot; entries at
    /// existing indexes replace the log from there on. Does nothing when there is nothing to save.
    /// - Throws: ``WALError/invalidEntries(reason:)`` (nothing written), or an I/O error (WAL now failed).
    public func save(hardState: HardState?, entries: [Entry]) throws(WALError) {
        try core.withLock { (core) throws(WALError) in try core.save(hardState: hardState, entries: entries, installing: nil) }
    }

    /// Installs a snapshot received from a leader: writes its file durably, then one WAL record with its
    /// marker (which discards the whole log before it), the hard state and the entries after it.
    ///
    /// `entries`, if any, must start at `snapshot.metadata.index + 1`.
    public func save(hardState: HardState?, entries: [Entry], installing snapshot: Snapshot) throws(WALError) {
        try core.withLock { (core) throws(WALError) in
            try core.save(hardState: hardState, entries: entries, installing: snapshot)
        }
    }

    /// Saves a snapshot the local state machine took: file (temporary, `fdatasync`, rename, directory `fsync`),
    /// then a marker record; entries after it stay. Then releases snapshots beyond the retained count and
    /// segments wholly covered by the oldest kept snapshot.
    ///
    /// - Throws: ``WALError/invalidSnapshot(reason:)`` if it is not newer than the current snapshot or lies
    ///   beyond the log (nothing written).
    ///
    /// The image (all of the keyspace: up to hundreds of MB) is written and synced without holding
    /// the WAL's lock, so this member's appends and their fsyncs go on meanwhile; only the rename,
    /// the directory sync and the marker record take the lock.
    public func saveSnapshot(_ snapshot: Snapshot) throws(WALError) {
        let (temporary, fileSystem) = try core.withLock { (core) throws(WALError) -> (String, any FileSystem) in
            try core.checkSnapshotToSave(snapshot)
            let name = SnapshotName(index: snapshot.metadata.index, term: snapshot.metadata.term)
            // Its own temporary name: an install of the same snapshot may write `<name>.tmp` meanwhile.
            return (joinPath(core.directory, name.fileName) + ".local" + temporarySuffix, core.fileSystem)
        }
        do {
            try writeSnapshotImage(snapshot, to: temporary, fileSystem: fileSystem)
        } catch {
            core.withLock { $0.markFailed() }
            throw error
        }
        try core.withLock { (core) throws(WALError) in try core.recordSnapshot(snapshot, writtenTo: temporary) }
    }

    /// Opens the saved snapshot at (`index`, `term`) for reading piece by piece (to stream it to a
    /// follower). Only the header is read here; see ``SnapshotReader``. Does not wait for a save in
    /// progress beyond looking the name up.
    /// - Throws: ``WALError/missingSnapshot(file:)`` if the WAL no longer keeps that snapshot (a newer
    ///   one replaced it), ``WALError/corruptSnapshot(file:offset:reason:)`` for a damaged header, or
    ///   an I/O error. None of these fail the WAL.
    public func openSnapshot(index: UInt64, term: UInt64) throws(WALError) -> SnapshotReader {
        let name = SnapshotName(index: index, term: term)
        let (directory, fileSystem, kept) = core.withLock { ($0.directory, $0.fileSystem, $0.snapshots.contains(name)) }
        let path = joinPath(directory, name.fileName)
        guard kept else { throw .missingSnapshot(file: path) }
        let file: any StorageFile
        do throws(FileSystemError) {
            file = try fileSystem.openFile(atPath: path, create: false)
        } catch {
            // Released between the look-up and the open.
            if case .notFound = error { throw .missingSnapshot(file: path) }
            throw .io(error)
        }
        let reader = try SnapshotReader(file: file, path: path)
        guard reader.metadata.index == index, reader.metadata.term == term else {
            throw .corruptSnapshot(file: path, offset: 16, reason: "metadata does not match the file name")
        }
        return reader
    }

    /// Closes the current segment file and releases the directory lock. Further calls throw ``WALError/closed``.
    /// Dropping the last reference closes it too.
    public func close() {
        core.withLock { $0.close() }
    }

    deinit {
        core.withLock { $0.close() }
    }

    /// The index of the last entry in the log (the snapshot's index if the log after it is empty).
    public var lastIndex: UInt64 { core.withLock { $0.lastIndex } }

    /// The last hard state saved.
    public var hardState: HardState { core.withLock { $0.hardState } }

    /// The index of the newest durable snapshot (0 if none).
    public var snapshotIndex: UInt64 { core.withLock { $0.snapshotIndex } }

    /// The WAL segment file names, oldest first (for tests and tooling).
    public var segmentFileNames: [String] { core.withLock { $0.segments.map(\.fileName) } }

    /// The snapshot file names kept, oldest first (for tests and tooling).
    public var snapshotFileNames: [String] { core.withLock { $0.snapshots.map(\.fileName) } }
}
