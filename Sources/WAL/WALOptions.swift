/// Settings of a ``WriteAheadLog``.
public struct WALOptions: Sendable {
    /// Bytes preallocated for each segment file; a batch larger than this gets a segment of its own size.
    public var segmentSizeBytes: Int
    /// How many snapshot files to keep; WAL segments are released once wholly covered by the oldest kept one.
    public var retainedSnapshotCount: Int
    /// Where fault tests stop the WAL (see ``CrashPoints``).
    public var crashPoints: CrashPoints
    /// How a new segment's space is reserved.
    public var preallocation: Preallocation
    /// Whether the next segment file is created and preallocated ahead of need on a background Dispatch queue,
    /// so a segment cut does not stall `save` (recommended on a real disk). Off by default: with it on, the
    /// order of operations on a ``SimulatedDisk`` depends on thread timing and seeded crashes stop replaying.
    public var prepareSegmentsAhead: Bool

    /// How a new segment's space is reserved before it is used.
    public enum Preallocation: Sendable, Equatable {
        /// `posix_fallocate`: instant, but each `fdatasync` into the reserved (unwritten) extents also commits
        /// their conversion to written ones in the file-system journal.
        case allocate
        /// Write zeros over the whole segment once, at creation: slower to create (a 64 MiB write and sync), but
        /// every later `fdatasync` flushes data only.
        case zeroFill
    }

    /// Creates options; the defaults are 64 MiB segments, two snapshots kept, no crash points.
    public init(
        segmentSizeBytes: Int = 64 * 1024 * 1024, retainedSnapshotCount: Int = 2, crashPoints: CrashPoints = .none,
        preallocation: Preallocation = .allocate, prepareSegmentsAhead: Bool = false
    ) {
        self.prepareSegmentsAhead = prepareSegmentsAhead
        self.segmentSizeBytes = max(segmentSizeBytes, 256)
        self.retainedSnapshotCount = max(retainedSnapshotCount, 1)
        self.crashPoints = crashPoints
        self.preallocation = preallocation
    }
}
