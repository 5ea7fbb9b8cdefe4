import Raft
import WAL

/// A simulated node's storage through the real WAL on a ``SimulatedDisk``: unsynced writes are lost
/// (or torn) at a crash exactly as on a power cut, and a save may be cut off part-way.
struct WALStorage: SimulatedStorage {
    let disk: SimulatedDisk
    let directory = "/node"
    var wal: WriteAheadLog?
    var random: SeededRandom
    /// Chance that a save fails part-way through its writes.
    var tornSaveRate: Double
    var options: WALOptions

    init(seed: UInt64, tornSaveRate: Double) {
        disk = SimulatedDisk(seed: seed)
        random = SeededRandom(seed: seed ^ 0x5157)
        self.tornSaveRate = tornSaveRate
        options = WALOptions()
        options.segmentSizeBytes = 4096  // small segments: rotation and release really happen
        wal = try? WriteAheadLog.open(directory: directory, fileSystem: disk, options: options).0
    }

    private mutating func openWAL() -> WriteAheadLog? {
        if wal == nil { wal = try? WriteAheadLog.open(directory: directory, fileSystem: disk, options: options).0 }
        return wal
    }

    mutating func persist(_ rd: Ready) -> Bool {
        guard let wal = openWAL() else { return false }
        if chance(tornSaveRate, &random) { disk.failAfter(operations: Int(random.next() % 4)) }
        defer { disk.failAfter(operations: nil) }
        do {
            if let snapshot = rd.snapshot {
                try wal.save(hardState: rd.hardState, entries: rd.entries, installing: snapshot)
            } else {
                try wal.save(hardState: rd.hardState, entries: rd.entries)
            }
            return true
        } catch {
            return false
        }
    }

    @discardableResult
    mutating func saveSnapshot(_ snapshot: Snapshot) -> Bool {
        // A failed local snapshot is not fatal: the log still holds everything.
        guard let wal = openWAL() else { return false }
        do { try wal.saveSnapshot(snapshot) } catch { return false }
        return true
    }

    func snapshotData(for metadata: SnapshotMetadata) -> [UInt8]? {
        // Through the same reader the replica streams snapshots to followers with.
        guard let wal, let reader = try? wal.openSnapshot(index: metadata.index, term: metadata.term),
              reader.metadata == metadata else { return nil }
        return try? reader.read(from: 0, maxBytes: reader.dataCount)
    }

    func load() -> (state: PersistentState, snapshot: Snapshot) {
        guard let (reader, recovered) = try? WriteAheadLog.open(directory: directory, fileSystem: disk, options: options) else {
            return (PersistentState(), Snapshot())
        }
        reader.close()
        let snapshot = recovered.snapshot ?? Snapshot()
        return (PersistentState(hardState: recovered.hardState, snapshot: snapshot.metadata, entries: recovered.entries), snapshot)
    }

    mutating func crash() {
        wal?.close()
        wal = nil
        disk.failAfter(operations: nil)
        disk.crash()
    }
}
