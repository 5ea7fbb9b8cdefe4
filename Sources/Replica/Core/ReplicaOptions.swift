import WAL

/// How a replica runs: its clock, Raft timing, snapshots and limits.
public struct ReplicaOptions: Sendable {
    /// One Raft tick.
    public var tickNanoseconds: UInt64 = 100_000_000
    /// Election timeout in ticks (randomized up to twice this).
    public var electionTicks = 10
    public var heartbeatTicks = 1
    /// Take a state-machine snapshot (and release WAL segments) after this many applied entries.
    /// etcd's default too: each snapshot encodes the whole keyspace, which at 10,000 halved put
    /// throughput under load (docs/benchmarks.md).
    public var snapshotEveryEntries: UInt64 = 100_000
    /// A client request not answered within this time gets "request timed out" (its outcome is unknown).
    public var requestTimeoutNanoseconds: UInt64 = 5_000_000_000
    /// Largest decoded request (etcd: 1.5 MiB).
    public var maxRequestBytes = 1_572_864
    /// Send progress notifications to watchers that asked for them every this many ticks
    /// (etcd's default is ten minutes; ours is one, at the default tick).
    public var watchProgressTicks = 600
    /// Event-loop threads for the client and peer servers.
    public var networkThreads = 1
    /// The next WAL segment is prepared in the background, so a segment cut never stalls a save.
    public var walOptions = WALOptions(prepareSegmentsAhead: true)
    /// Start a brand-new cluster from this keyspace snapshot file (`tern kv snapshot save`); the
    /// data folder must be empty. Every founding member restores from the same file.
    public var restoreFrom: [UInt8]?
    /// Join a running cluster (after `member add`) instead of bootstrapping a new one when the data
    /// folder is empty.
    public var join = false
    /// How long a joining member with an empty data folder asks the others for its id (``MemberIdentity``).
    public var joinLookupTimeoutNanoseconds: UInt64 = 30_000_000_000

    public init() {}

    /// The election timeout as a duration.
    public var electionTimeoutNanoseconds: UInt64 { tickNanoseconds * UInt64(electionTicks) }
}
