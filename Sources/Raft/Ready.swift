/// The role a node plays in its current term.
public enum Role: Sendable, Equatable {
    case follower
    case preCandidate
    case candidate
    case leader
}

/// Volatile facts about a node that the application may want to show or act on.
public struct SoftState: Sendable, Equatable {
    public var leader: NodeID
    public var role: Role

    public init(leader: NodeID, role: Role) {
        self.leader = leader
        self.role = role
    }
}

/// The answer to a ReadIndex request: once the application has applied up to `index`, a read
/// issued with `context` may be served from the local state and is linearizable.
public struct ReadState: Sendable, Equatable {
    public var index: UInt64
    public var context: [UInt8]

    public init(index: UInt64, context: [UInt8]) {
        self.index = index
        self.context = context
    }
}

/// Everything a node asks its caller to do, handed out by ``RaftNode/ready()``.
///
/// The caller, in this order:
/// 1. sends `messages` (they do not depend on this batch being durable) — may overlap with step 2;
/// 2. persists `snapshot` (if any), then `entries` and `hardState`, with one fsync for the batch;
/// 3. sends `messagesAfterPersist` (votes and acknowledgements that promise durability);
/// 4. applies `snapshot`, then `committedEntries` in order, and serves `readStates` once applied;
/// 5. calls ``RaftNode/advance(_:)`` with this value.
public struct Ready: Sendable, Equatable {
    public var softState: SoftState?
    public var hardState: HardState?
    public var entries: [Entry] = []
    public var snapshot: Snapshot?
    public var committedEntries: [Entry] = []
    public var messages: [Message] = []
    public var messagesAfterPersist: [Message] = []
    public var readStates: [ReadState] = []

    public init() {}

    /// True if the batch holds anything that must reach disk (and be fsynced) before replies go out.
    public var mustSync: Bool { hardState != nil || !entries.isEmpty || snapshot != nil }
}

/// The durable state a node restarts from: what the WAL recovered.
public struct PersistentState: Sendable, Equatable {
    public var hardState: HardState
    public var snapshot: SnapshotMetadata
    /// The entries after `snapshot.index`, in order, without gaps.
    public var entries: [Entry]

    public init(hardState: HardState = HardState(), snapshot: SnapshotMetadata = SnapshotMetadata(),
                entries: [Entry] = []) {
        self.hardState = hardState
        self.snapshot = snapshot
        self.entries = entries
    }
}

/// Why a proposal was not accepted. A dropped proposal was never appended: it is safe to retry.
public enum ProposalError: Error, Equatable, Sendable {
    /// No leader is known; retry after an election.
    case noLeader
    /// A leadership transfer is in progress.
    case transferInProgress
    /// A membership change is still uncommitted, or the leader has not yet committed in its term.
    case confChangePending
    /// The change is not valid for the current membership (the text says why).
    case invalidConfChange(String)
    /// This node is not a voter or learner of the group (removed, or not yet joined).
    case notMember
}
