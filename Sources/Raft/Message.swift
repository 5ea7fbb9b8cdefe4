/// A message between Raft nodes, or from the application into its own node.
///
/// One flat value for every kind, as in etcd's raft: each kind uses the fields it needs.
/// - `index`/`logTerm`: for `.append`, the position just before `entries`; for votes, the candidate's
///   last log position; for `.appendResponse`, the index the follower matched (or, with `reject`, the
///   `index` of the append it rejects); for `.readIndexResponse`, the read index.
/// - `rejectHint`/`logTerm` on a rejecting `.appendResponse`: where the leader should probe next.
public struct Message: Sendable, Equatable {
    /// Every kind of message the core sends or understands.
    public enum Kind: UInt8, Sendable, Equatable, CaseIterable {
        case append = 0
        case appendResponse = 1
        case vote = 2
        case voteResponse = 3
        case preVote = 4
        case preVoteResponse = 5
        case heartbeat = 6
        case heartbeatResponse = 7
        case snapshot = 8
        /// Entries a follower forwards to its leader.
        case propose = 9
        /// A linearizable read request, forwarded by a follower to its leader.
        case readIndex = 10
        case readIndexResponse = 11
        /// A request, forwarded to the leader, to hand leadership to `from`'s chosen target (`index`).
        case transferLeader = 12
        /// The leader tells a caught-up target to campaign at once.
        case timeoutNow = 13

        /// True for kinds that a node may send before it has persisted its `Ready`: they carry no
        /// promise about the sender's own durable state (a leader's replication traffic, forwarded
        /// requests). Votes, vote replies and acknowledgements go out only after persisting.
        public var isSafeBeforePersist: Bool {
            switch self {
            case .append, .heartbeat, .snapshot, .timeoutNow, .propose, .readIndex, .readIndexResponse,
                 .transferLeader:
                return true
            case .appendResponse, .vote, .voteResponse, .preVote, .preVoteResponse, .heartbeatResponse:
                return false
            }
        }

        public var isResponse: Bool {
            switch self {
            case .appendResponse, .voteResponse, .preVoteResponse, .heartbeatResponse, .readIndexResponse:
                return true
            default:
                return false
            }
        }
    }

    public var kind: Kind
    public var from: NodeID
    public var to: NodeID
    public var term: UInt64
    public var logTerm: UInt64
    public var index: UInt64
    public var entries: [Entry]
    public var commit: UInt64
    public var reject: Bool
    public var rejectHint: UInt64
    /// On `.snapshot`: the snapshot. A node sends it with empty `data` (it keeps only metadata);
    /// the application attaches the bytes of the snapshot `metadata` names before it goes out
    /// (see ``encodedSnapshotHead(dataCount:)`` to stream them without building the message).
    public var snapshot: Snapshot?
    /// Opaque bytes echoed back: read-request ids on heartbeats, the transfer flag on votes.
    public var context: [UInt8]

    public init(
        kind: Kind, from: NodeID, to: NodeID, term: UInt64, logTerm: UInt64 = 0, index: UInt64 = 0,
        entries: [Entry] = [], commit: UInt64 = 0, reject: Bool = false, rejectHint: UInt64 = 0,
        snapshot: Snapshot? = nil, context: [UInt8] = []
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.term = term
        self.logTerm = logTerm
        self.index = index
        self.entries = entries
        self.commit = commit
        self.reject = reject
        self.rejectHint = rejectHint
        self.snapshot = snapshot
        self.context = context
    }
}

/// The `context` a candidate puts on its vote requests when it campaigns because of a leadership
/// transfer: voters then grant even though they heard from a leader recently.
public let campaignTransferContext: [UInt8] = Array("transfer".utf8)
