/// The settings of one Raft node. Times are in ticks; the application decides how long a tick is.
public struct RaftConfig: Sendable, Equatable {
    /// This node's id (non-zero).
    public var id: NodeID
    /// A follower that hears nothing from a leader for a random time in
    /// `[electionTicks, 2 * electionTicks)` starts an election.
    public var electionTicks: Int
    /// A leader sends heartbeats every `heartbeatTicks`.
    public var heartbeatTicks: Int
    /// Ask for pre-votes before bumping the term, so a rejoining node cannot depose a healthy leader.
    public var preVote: Bool
    /// A leader that has not heard from a quorum within an election timeout steps down, and voters
    /// ignore vote requests while they have a live leader.
    public var checkQuorum: Bool
    /// Serve ReadIndex from the leader's lease instead of a heartbeat round. Only honoured with
    /// `checkQuorum`; unsafe if the leader's process can be paused, hence off by default.
    public var leaseReads: Bool
    /// At most this many bytes of entries in one append message (at least one entry is always sent).
    public var maxMessageBytes: Int
    /// At most this many append messages in flight to one follower in the replicate state.
    public var maxInflightMessages: Int
    /// At most this many bytes of committed entries handed out in one `Ready`.
    public var maxCommittedBytesPerReady: Int
    /// Seed of the node's random source (election timeouts).
    public var randomSeed: UInt64

    public init(
        id: NodeID, electionTicks: Int = 10, heartbeatTicks: Int = 1, preVote: Bool = true,
        checkQuorum: Bool = true, leaseReads: Bool = false, maxMessageBytes: Int = 1 << 20,
        maxInflightMessages: Int = 256, maxCommittedBytesPerReady: Int = 8 << 20, randomSeed: UInt64 = 0
    ) {
        self.id = id
        self.electionTicks = electionTicks
        self.heartbeatTicks = heartbeatTicks
        self.preVote = preVote
        self.checkQuorum = checkQuorum
        self.leaseReads = leaseReads
        self.maxMessageBytes = maxMessageBytes
        self.maxInflightMessages = maxInflightMessages
        self.maxCommittedBytesPerReady = maxCommittedBytesPerReady
        self.randomSeed = randomSeed
    }
}
