import Raft

/// What ``WriteAheadLog/open(directory:fileSystem:options:)`` found on disk.
public struct RecoveredState: Sendable, Equatable {
    /// The newest snapshot whose marker is durable in the WAL, or nil if there is none.
    public var snapshot: Snapshot?
    /// The last hard state saved (empty if none was).
    public var hardState: HardState
    /// The log entries after the snapshot, contiguous from `snapshot.index + 1` (or from 1).
    public var entries: [Entry]
    /// The torn tail cut from the last segment, if recovery found one.
    public var tornTail: TornTail?

    /// Creates a recovered state (tests build expected values with it).
    public init(snapshot: Snapshot? = nil, hardState: HardState = HardState(), entries: [Entry] = [], tornTail: TornTail? = nil) {
        self.snapshot = snapshot
        self.hardState = hardState
        self.entries = entries
        self.tornTail = tornTail
    }
}

/// A torn last record cut at recovery: where it was and where the copy of its bytes was kept.
public struct TornTail: Sendable, Equatable {
    /// The segment file it was cut from.
    public var segment: String
    /// The offset in that segment where the valid records end.
    public var offset: Int
    /// How many bytes (up to the last nonzero one) were cut.
    public var byteCount: Int
    /// The file holding a copy of the cut bytes.
    public var copyPath: String
}
