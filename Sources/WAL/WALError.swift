/// Why a WAL operation failed. After any error from a write path the WAL refuses further writes
/// (``failed``): the caller must reopen it, which recovers from what is durable.
public enum WALError: Error, Equatable, Sendable {
    /// A storage operation failed.
    case io(FileSystemError)
    /// A WAL record before the torn tail is damaged: recovery refuses to go on. `offset` is the record's start.
    case corruptRecord(file: String, offset: Int, reason: String)
    /// A snapshot file is damaged; `offset` is the start of the damaged section.
    case corruptSnapshot(file: String, offset: Int, reason: String)
    /// Segment files are missing between two that exist (sequence numbers not contiguous).
    case missingSegment(afterSequence: UInt64, found: UInt64)
    /// The directory holds snapshot files but no WAL segment: the log they need is gone.
    case noSegments(snapshotFile: String)
    /// The WAL points to a snapshot (its marker is durable) whose file is not in the directory.
    case missingSnapshot(file: String)
    /// The recovered log does not start right after the snapshot, or has a hole.
    case logGap(expectedIndex: UInt64, foundIndex: UInt64)
    /// A file name in the directory looks like a WAL or snapshot file but cannot be parsed.
    case unexpectedFile(name: String)
    /// Entries handed to `save` are not a contiguous run that attaches to the log; nothing was written.
    case invalidEntries(reason: String)
    /// A hard state handed to `save` has a term or commit index beyond 2^62; nothing was written.
    case invalidHardState(reason: String)
    /// A snapshot handed to `saveSnapshot` is older than the current one or beyond the log; nothing was written.
    case invalidSnapshot(reason: String)
    /// A configured crash point fired (tests and fault injection): the WAL stopped there, like a dead process.
    case crashed(at: CrashPoint)
    /// An earlier write failed or a crash point fired; reopen the WAL to recover.
    case failed
    /// The WAL was closed.
    case closed
}
