import Raft

/// What a simulated node keeps across a crash: the durable part of its Raft state.
protocol SimulatedStorage {
    /// Persists a `Ready`'s snapshot, entries and hard state (one "fsync"). False if the write
    /// failed part-way (the node then crashes before anything that depended on it).
    mutating func persist(_ rd: Ready) -> Bool
    /// Records an application snapshot and drops the entries it covers; false if it was not saved.
    @discardableResult
    mutating func saveSnapshot(_ snapshot: Snapshot) -> Bool
    /// What a restarted node reads back.
    func load() -> (state: PersistentState, snapshot: Snapshot)
    /// The bytes of the stored snapshot `metadata` names (a node keeps only snapshot metadata; its
    /// snapshot messages go out with the bytes attached from here), or nil if it is no longer stored.
    func snapshotData(for metadata: SnapshotMetadata) -> [UInt8]?
    /// A crash: whatever was not made durable is gone.
    mutating func crash()
}

/// Storage that is durable as soon as `persist` returns (a perfect disk).
struct MemoryStorage: SimulatedStorage {
    var hardState = HardState()
    var snapshot = Snapshot()
    var entries: [Entry] = []

    mutating func persist(_ rd: Ready) -> Bool {
        if let snap = rd.snapshot, snap.metadata.index > snapshot.metadata.index {
            snapshot = snap
            entries.removeAll { $0.index <= snap.metadata.index }
            // The follower's log was replaced by the snapshot: nothing after it survives.
            entries.removeAll()
        }
        if let first = rd.entries.first {
            entries.removeAll { $0.index >= first.index }
            entries.append(contentsOf: rd.entries)
        }
        if let hs = rd.hardState { hardState = hs }
        return true
    }

    @discardableResult
    mutating func saveSnapshot(_ snap: Snapshot) -> Bool {
        guard snap.metadata.index > snapshot.metadata.index else { return false }
        snapshot = snap
        entries.removeAll { $0.index <= snap.metadata.index }
        return true
    }

    func snapshotData(for metadata: SnapshotMetadata) -> [UInt8]? {
        snapshot.metadata == metadata ? snapshot.data : nil
    }

    func load() -> (state: PersistentState, snapshot: Snapshot) {
        (PersistentState(hardState: hardState, snapshot: snapshot.metadata, entries: entries), snapshot)
    }

    mutating func crash() {}
}
