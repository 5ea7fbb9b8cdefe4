/// Settings of a ``WriteAheadLog``.
public struct WALOptions: Sendable {
    /// Bytes preallocated for each segment file; a batch larger than this gets a segment of its own size.
    public var segmentSizeBytes: Int
    /// How many snapshot files to keep; WAL segments are released once wholly covered by the oldest kept one.
    public var retainedSnapshotCount: Int
    /// Where fault tests stop the WAL (see ``CrashPoints``).
    public var crashPoints: CrashPoints

    /// Creates options; the defaults are 64 MiB segments, two snapshots kept, no crash points.
    public init(segmentSizeBytes: Int = 64 * 1024 * 1024, retainedSnapshotCount: Int = 2, crashPoints: CrashPoints = .none) {
        self.segmentSizeBytes = max(segmentSizeBytes, 256)
        self.retainedSnapshotCount = max(retainedSnapshotCount, 1)
        self.crashPoints = crashPoints
    }
}
