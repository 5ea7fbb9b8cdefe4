/// One member of a Raft group as a pure value: no sockets, files, clocks or threads.
///
/// Drive it with ``tick()``, ``step(_:)``, ``propose(_:)``, ``readIndex(context:)``,
/// ``transferLeadership(to:)`` and ``proposeConfChange(_:)``; collect its work with ``ready()``, do the
/// I/O that ``Ready`` describes, and acknowledge it with ``advance(_:)``. Randomness comes only from
/// a generator seeded by ``RaftConfig/randomSeed``, so a run replays exactly.
///
/// - Warning: not thread-safe; one thread owns a node.
public struct RaftNode: Sendable {
    public let config: RaftConfig
    public var id: NodeID { config.id }

    public internal(set) var role: Role = .follower
    public internal(set) var term: UInt64 = 0
    var vote: NodeID = noNode
    /// The leader of `term`, if known.
    public internal(set) var leader: NodeID = noNode

    var log: RaftLog
    var membership: MembershipLog
    /// The leader's view of every member (voters and learners, itself included).
    var progress: [NodeID: Progress] = [:]
    var votes: [NodeID: Bool] = [:]

    var electionElapsed = 0
    var heartbeatElapsed = 0
    var randomizedElectionTimeout = 0
    var random: SeededRandom

    /// The target of a leadership transfer in progress, or `noNode`.
    public internal(set) var transferTarget: NodeID = noNode
    /// ReadIndex requests that arrived before the leader committed an entry of its term.
    var readsAwaitingTermCommit: [Message] = []
    var readOnly = ReadOnlyQueue()
    var readStates: [ReadState] = []
    /// Set when new entries or a new commit index should be broadcast at the next `ready()`.
    var broadcastPending = false
    /// What the newest snapshot the application gave us covers. Followers too far behind are sent a
    /// snapshot message carrying only this; the application supplies the bytes (from its own storage)
    /// when it sends the message, so the node never holds a state-machine image.
    var latestSnapshot: SnapshotMetadata?

    var outbox: [Message] = []
    var outboxAfterPersist: [Message] = []
    var persistedHardState: HardState
    var reportedSoftState: SoftState
    var awaitingAdvance = false

    /// A node restarting from `state` (empty for a brand-new node). `appliedIndex` is how far the
    /// application's state machine already is (at least the snapshot index).
    public init(config: RaftConfig, state: PersistentState = PersistentState(), appliedIndex: UInt64 = 0) {
        precondition(config.id != noNode, "node id 0 is reserved")
        precondition(config.electionTicks > config.heartbeatTicks && config.heartbeatTicks > 0,
                     "electionTicks must exceed heartbeatTicks > 0")
        self.config = config
        random = SeededRandom(seed: config.randomSeed ^ (config.id &* 0x2545_F491_4F6C_DD1D))
        log = RaftLog(restoring: state, applied: appliedIndex)
        membership = MembershipLog(base: state.snapshot.confState, baseIndex: state.snapshot.index)
        membership.appended(state.entries)
        term = state.hardState.term
        vote = state.hardState.vote
        persistedHardState = state.hardState
        reportedSoftState = SoftState(leader: noNode, role: .follower)
        resetElectionTimer()
    }

    /// A brand-new member of a brand-new group: the log starts with one committed entry that sets
    /// `voters`. Every founding member must be created with the same `voters`.
    public static func bootstrap(config: RaftConfig, voters: [NodeID]) -> RaftNode {
        let changes = voters.sorted().map { ConfChange(kind: .addVoter, nodeID: $0) }
        let first = Entry(term: 1, index: 1, kind: .confChange, data: ConfChange.encode(changes))
        var node = RaftNode(config: config)
        node.term = 1
        node.log.append([first])
        node.log.commit(to: 1)
        node.membership.appended([first])
        return node
    }

    // MARK: Inspection

    public var hardState: HardState { HardState(term: term, vote: vote, commit: log.committed) }
    public var softState: SoftState { SoftState(leader: leader, role: role) }
    public var conf: ConfState { membership.current }
    public var commitIndex: UInt64 { log.committed }
    public var appliedIndex: UInt64 { log.applied }
    public var lastIndex: UInt64 { log.lastIndex }
    public var firstIndex: UInt64 { log.firstIndex }
    public var isVoter: Bool { conf.voters.contains(id) }
    /// The entry at `index`, if the log still holds it (for tests and debugging).
    public func entry(at index: UInt64) -> Entry? { log.entry(at: index) }
    public func term(at index: UInt64) -> UInt64? { log.term(at: index) }
    /// The leader's replication state of `follower` (match index), for tests and status pages.
    public func matchIndex(of follower: NodeID) -> UInt64? { progress[follower]?.match }

    // MARK: Inputs

    /// Advances logical time by one tick: elections on followers, heartbeats and checks on leaders.
    public mutating func tick() {
        if role == .leader {
            tickLeader()
        } else {
            electionElapsed += 1
            if isVoter && electionElapsed >= randomizedElectionTimeout {
                electionElapsed = 0
                startElection(transfer: false)
            }
        }
    }

    /// Proposes commands to be appended to the log. On a follower they are forwarded to the leader.
    public mutating func propose(_ commands: [[UInt8]]) throws(ProposalError) {
        try proposeEntries(commands.map { Entry(term: 0, index: 0, kind: .normal, data: $0) })
    }

    /// Proposes one command.
    public mutating func propose(_ command: [UInt8]) throws(ProposalError) {
        try propose([command])
    }

    /// Proposes a membership change (one at a time; see ``ConfChange``).
    /// On the leader the change is validated (``proposeEntries`` does it); a follower forwards it.
    public mutating func proposeConfChange(_ change: ConfChange) throws(ProposalError) {
        try proposeEntries([Entry(term: 0, index: 0, kind: .confChange, data: ConfChange.encode([change]))])
    }

    /// Asks for a linearizable read index. The answer arrives as a ``ReadState`` with the same
    /// `context` in a later `Ready`, or never if leadership changes (retry with a fresh context).
    public mutating func readIndex(context: [UInt8]) {
        handleReadIndex(Message(kind: .readIndex, from: id, to: id, term: term, context: context))
    }

    /// Asks the leader to hand leadership to `target`.
    public mutating func transferLeadership(to target: NodeID) {
        if role == .leader {
            handleTransferLeader(target: target)
        } else if leader != noNode {
            send(Message(kind: .transferLeader, from: id, to: leader, term: term, index: target))
        }
    }

    /// Tells the leader whether a snapshot it sent to `follower` was delivered.
    public mutating func reportSnapshot(to follower: NodeID, delivered: Bool) {
        guard role == .leader, var pr = progress[follower], pr.state == .snapshot else { return }
        if !delivered { pr.probeSent = false }
        pr.becomeProbe()
        progress[follower] = pr
    }

    /// Tells the leader that `follower` could not be reached, so pipelining to it stops.
    public mutating func reportUnreachable(_ follower: NodeID) {
        guard role == .leader, var pr = progress[follower], pr.state == .replicate else { return }
        pr.becomeProbe()
        progress[follower] = pr
    }

    /// Tells the node that the application saved a snapshot of its state through `metadata.index`
    /// (which must be applied) and drops the log entries it covers. The node keeps only the metadata:
    /// a follower that falls behind the new start of the log is sent a ``Message/Kind-swift.enum/snapshot``
    /// message whose `snapshot.data` is empty, and the application fills in (or streams) the bytes of
    /// the snapshot that metadata names when it sends the message.
    public mutating func compact(to metadata: SnapshotMetadata) {
        let index = metadata.index
        guard index >= log.snapshotIndex, index <= log.applied, index <= log.stableIndex else { return }
        if index >= (latestSnapshot?.index ?? 0) { latestSnapshot = metadata }
        guard index > log.snapshotIndex else { return }  // e.g. at restart, the log already starts here
        membership.compacted(through: index)
        log.compact(through: index)
    }

    /// The membership in effect at `index` (for the snapshot metadata of an application snapshot).
    public func confState(at index: UInt64) -> ConfState { membership.conf(at: index) }

    // MARK: Ready / advance

    /// True if ``ready()`` has work for the caller.
    public var hasReady: Bool {
        if awaitingAdvance { return false }
        if broadcastPending && role == .leader { return true }
        return softState != reportedSoftState || hardState != persistedHardState
            || !log.unstableEntries.isEmpty || log.pendingSnapshot != nil
            || log.committed > max(log.applying, log.snapshotIndex)
            || !outbox.isEmpty || !outboxAfterPersist.isEmpty || !readStates.isEmpty
    }

    /// Collects the work the caller must do. Call ``advance(_:)`` with the result before the next
    /// `ready()`; other inputs may be given in between.
    public mutating func ready() -> Ready {
        precondition(!awaitingAdvance, "ready() called again before advance()")
        if broadcastPending && role == .leader { broadcastAppend() }
        broadcastPending = false
        var rd = Ready()
        if softState != reportedSoftState { rd.softState = softState }
        if hardState != persistedHardState { rd.hardState = hardState }
        rd.entries = Array(log.unstableEntries)
        rd.snapshot = log.pendingSnapshot
        rd.committedEntries = log.entriesToApply(maxBytes: config.maxCommittedBytesPerReady)
        if let last = rd.committedEntries.last { log.applying = last.index }
        if let snap = rd.snapshot { log.applying = max(log.applying, snap.metadata.index) }
        rd.messages = outbox
        rd.messagesAfterPersist = outboxAfterPersist
        rd.readStates = readStates
        outbox = []
        outboxAfterPersist = []
        readStates = []
        awaitingAdvance = true
        return rd
    }

    /// Acknowledges that the caller persisted and applied `rd`.
    public mutating func advance(_ rd: Ready) {
        awaitingAdvance = false
        if let soft = rd.softState { reportedSoftState = soft }
        if let hs = rd.hardState { persistedHardState = hs }
        if let snap = rd.snapshot {
            log.snapshotPersisted(snap.metadata)
            log.applied = max(log.applied, snap.metadata.index)
            // Keep its metadata to send on: if this node leads later, members behind the start of
            // its log can only catch up from this snapshot (until the application takes a newer
            // one). The bytes are the caller's to keep (it just persisted them), not ours.
            if snap.metadata.index >= (latestSnapshot?.index ?? 0) { latestSnapshot = snap.metadata }
        }
        if let last = rd.entries.last { log.stable(through: last.index, term: last.term) }
        if let last = rd.committedEntries.last { log.applied = max(log.applied, last.index) }
        if role == .leader, var own = progress[id] {
            // The leader counts itself only for what it has made durable.
            if own.acknowledge(log.stableIndex) {
                progress[id] = own
                if maybeCommit() { broadcastPending = true }
            }
        }
    }

    // MARK: Internal helpers shared by the extensions

    mutating func send(_ m: Message) {
        if m.kind.isSafeBeforePersist {
            outbox.append(m)
        } else {
            outboxAfterPersist.append(m)
        }
    }

    mutating func resetElectionTimer() {
        electionElapsed = 0
        randomizedElectionTimeout = config.electionTicks + Int(random.next() % UInt64(config.electionTicks))
    }

    mutating func reset(term newTerm: UInt64) {
        if term != newTerm {
            term = newTerm
            vote = noNode
        }
        leader = noNode
        resetElectionTimer()
        heartbeatElapsed = 0
        votes = [:]
        transferTarget = noNode
        readOnly.removeAll()
        readsAwaitingTermCommit = []
        progress = [:]
        broadcastPending = false
    }
}
