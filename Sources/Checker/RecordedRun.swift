/// Everything a fault-injection run recorded, as input to ``ReliabilityVerifier``.
public struct RecordedRun: Sendable {
    /// The KV operations of every logical client.
    public var history: [KVOperation]
    /// The committed log a healthy member reports after the run (from an empty store at `baseRevision`).
    public var committedLog: [CommittedRevision]
    /// The revision of the empty store the log starts from.
    public var baseRevision: Int64
    /// A range over every key after the run (header revision, records), if taken.
    public var finalRead: (revision: Int64, kvs: [KeyValue])?
    /// Every watch stream.
    public var watches: [WatchRecord]
    /// Every (term, leader) sighting.
    public var leaderObservations: [LeaderObservation]
    /// Pinned (`revision=R`) and serializable reads.
    public var pinnedReads: [PinnedRead]

    /// Creates a run record; only the history and the log are required.
    public init(history: [KVOperation], committedLog: [CommittedRevision], baseRevision: Int64 = 1,
                finalRead: (revision: Int64, kvs: [KeyValue])? = nil, watches: [WatchRecord] = [],
                leaderObservations: [LeaderObservation] = [], pinnedReads: [PinnedRead] = []) {
        self.history = history
        self.committedLog = committedLog
        self.baseRevision = baseRevision
        self.finalRead = finalRead
        self.watches = watches
        self.leaderObservations = leaderObservations
        self.pinnedReads = pinnedReads
    }
}
