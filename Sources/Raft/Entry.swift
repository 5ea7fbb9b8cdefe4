/// A member of a Raft group, named by a non-zero number. `0` means "nobody".
public typealias NodeID = UInt64

/// The node id that stands for "no node" (no vote, no leader).
public let noNode: NodeID = 0

/// One record of the replicated log: an opaque command at a position (index) written by a leader of a term.
public struct Entry: Sendable, Equatable, Hashable {
    /// What an entry carries: an application command, or a membership change the Raft core itself interprets.
    public enum Kind: UInt8, Sendable, Equatable, Hashable {
        /// Opaque bytes for the state machine. An empty normal entry is what a new leader appends to commit its term.
        case normal = 0
        /// An encoded ``ConfChange``.
        case confChange = 1
    }

    public var term: UInt64
    public var index: UInt64
    public var kind: Kind
    public var data: [UInt8]

    public init(term: UInt64, index: UInt64, kind: Kind = .normal, data: [UInt8] = []) {
        self.term = term
        self.index = index
        self.kind = kind
        self.data = data
    }

    /// Bytes this entry counts for in size limits (payload plus a fixed header estimate).
    public var sizeBytes: Int { data.count + 24 }
}

/// The state Raft must persist before it answers a vote or acknowledges entries: current term, vote, commit index.
public struct HardState: Sendable, Equatable, Hashable {
    public var term: UInt64
    public var vote: NodeID
    public var commit: UInt64

    public init(term: UInt64 = 0, vote: NodeID = noNode, commit: UInt64 = 0) {
        self.term = term
        self.vote = vote
        self.commit = commit
    }

    /// True for the state of a node that has never persisted anything.
    public var isEmpty: Bool { self == HardState() }
}

/// The membership of a group: who votes, who only learns. Both lists are kept sorted.
public struct ConfState: Sendable, Equatable, Hashable {
    public var voters: [NodeID]
    public var learners: [NodeID]

    public init(voters: [NodeID] = [], learners: [NodeID] = []) {
        self.voters = voters.sorted()
        self.learners = learners.sorted()
    }

    /// Every member, voters then learners.
    public var members: [NodeID] { voters + learners }
}

/// What a snapshot covers: the last log position folded into it, and the membership at that position.
public struct SnapshotMetadata: Sendable, Equatable, Hashable {
    public var index: UInt64
    public var term: UInt64
    public var confState: ConfState

    public init(index: UInt64 = 0, term: UInt64 = 0, confState: ConfState = ConfState()) {
        self.index = index
        self.term = term
        self.confState = confState
    }
}

/// A state-machine image at a log position, with the Raft metadata it replaces the log prefix for.
public struct Snapshot: Sendable, Equatable, Hashable {
    public var metadata: SnapshotMetadata
    /// The application's serialized state; opaque to Raft.
    public var data: [UInt8]

    public init(metadata: SnapshotMetadata = SnapshotMetadata(), data: [UInt8] = []) {
        self.metadata = metadata
        self.data = data
    }

    public var isEmpty: Bool { metadata.index == 0 }
}
