#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import Raft
import WAL
import MVCC
import Wire

/// The thread that owns one member's Raft node, WAL and keyspace.
///
/// Other threads hand it ``LoopInput``s through ``submit(_:)``; each turn of the loop drains every
/// input, ticks if a tick is due, then runs Raft's `Ready` cycle — send, hand the batch to the
/// ``WALWriter`` thread (one write, one fsync: group commit), apply what is committed, answer
/// waiting clients, feed watchers; once the fsync is done, send what needed it and advance — and
/// sleeps until the next tick, the next input or the end of the fsync. Inputs and ticks keep being
/// handled while the fsync runs (see docs/architecture-replica.md).
///
/// - Warning: everything but ``submit(_:)``, `notePersisted()` (the WAL writer's wake-up) and the
///   read-only lets runs on the loop thread.
final class RaftLoop: @unchecked Sendable {
    // @unchecked Sendable: `inbox` is a Mutex; every other mutable property is touched only on the
    // loop thread (the closures and callbacks other threads run only call `submit`, or, on the WAL
    // writer's thread, `notePersisted`, which touches only `inbox` and the semaphore).
    struct InboxState {
        var inputs: [LoopInput] = []
        var sleeping = false
        /// The loop has ended: inputs are refused at once (see ``refuseAfterStop(_:)``).
        var closed = false
        /// Batches the ``WALWriter`` has finished (counted on its thread): while above
        /// ``RaftLoop/collectedBatches`` an outcome waits for the loop. A count, not a flag, because
        /// the loop may collect an outcome just before the writer's wake-up call lands.
        var persistedBatches = 0
    }

    let member: MemberConfig
    let cluster: ClusterConfig
    let options: ReplicaOptions
    let log: ReplicaLog
    let metrics: ReplicaMetrics
    private let inbox = Mutex(InboxState())
    private let wakeup = DispatchSemaphore(value: 0)

    // Loop-thread state.
    var node: RaftNode
    let wal: WriteAheadLog
    let keyspace: Keyspace
    var transport: PeerTransport?
    var running = true
    var nextSequence: UInt64
    var pendingWrites: [UInt64: PendingWrite] = [:]
    var reads: ReadBatcher
    var keepAlives: [UInt64: PendingKeepAlive] = [:]
    /// Lease queries that reached the leader before it had applied all it knew committed.
    var leaseQueriesAwaitingApply: [LeaseQueryAwaitingApply] = []
    var pendingMemberChanges: [UInt64: PendingMemberChange] = [:]
    var registry: MemberRegistry
    var ledger = ProposalLedger()
    var revoking: [Int64: UInt64] = [:]
    var watchSessions: [Int: WatchSession] = [:]
    var watchHandles: [Int: (session: Int, watchID: Int64)] = [:]
    var lastTickNanoseconds: UInt64
    var lastSnapshotIndex: UInt64
    var snapshotInProgress = false
    var lastRole: Role = .follower
    var lastLeader: NodeID = noNode
    /// Set when a stop was asked for: the loop runs until leadership has moved or this time passes.
    var stopDeadline: UInt64?
    var progressTicks = 0
    /// The last turn moved unsynced watchers forward: take another turn at once.
    var catchingUp = false
    var failure: ReplicaError?
    /// Writes `Ready` batches on their own thread; started by ``run()``.
    var walWriter: WALWriter?
    /// The `Ready` whose entries the ``walWriter`` is writing: not yet advanced.
    var inFlight: Ready?
    /// Outcomes collected from the ``walWriter`` (compare ``InboxState/persistedBatches``).
    var collectedBatches = 0
    let snapshotQueue = DispatchQueue(label: "tern.snapshot")

    struct PendingWrite {
        var completion: WriteCompletion
        var deadline: UInt64
    }

    struct PendingMemberChange {
        var completion: @Sendable (Result<MembershipView, GatewayError>, HeaderContext) -> Void
        var deadline: UInt64
    }

    struct PendingKeepAlive {
        var completion: @Sendable (Result<Int64?, GatewayError>, HeaderContext) -> Void
        var deadline: UInt64
        /// The member a forwarded keep-alive must be answered to (nil: a local client).
        var replyTo: (member: NodeID, sequence: UInt64)?
    }

    init(member: MemberConfig, cluster: ClusterConfig, options: ReplicaOptions, log: ReplicaLog,
         metrics: ReplicaMetrics = ReplicaMetrics(), fileSystem: any FileSystem = POSIXFileSystem()) throws(ReplicaError) {
        self.member = member
        self.metrics = metrics
        self.cluster = cluster
        self.options = options
        self.log = log
        let directory = cluster.dataDirectory(of: member.name)
        let opened: (WriteAheadLog, RecoveredState)
        do {
            opened = try WriteAheadLog.open(directory: directory, fileSystem: fileSystem, options: options.walOptions)
        } catch {
            throw .storage("cannot open the WAL in \(directory): \(error)")
        }
        wal = opened.0
        var recovered = opened.1
        if let image = options.restoreFrom {
            recovered = try Self.restore(image, into: wal, recovered: recovered, cluster: cluster, log: log)
        }
        if let torn = recovered.tornTail {
            log.warning("cut a torn WAL tail: \(torn.byteCount) bytes at \(torn.segment):\(torn.offset), copy in \(torn.copyPath)")
        }
        keyspace = Keyspace()
        registry = MemberRegistry(cluster.members.map { $0.name == member.name ? member : $0 })
        let raftConfig = RaftConfig(id: member.id, electionTicks: options.electionTicks,
                                    heartbeatTicks: options.heartbeatTicks, preVote: true, checkQuorum: true,
                                    randomSeed: MonotonicClock.nowNanoseconds())
        var replay: ArraySlice<Entry> = []
        if recovered.snapshot == nil && recovered.entries.isEmpty && recovered.hardState.isEmpty {
            if options.join {
                node = RaftNode(config: raftConfig)
                log.info("joining cluster \(cluster.name): waiting for the leader to send the log")
            } else {
                node = RaftNode.bootstrap(config: raftConfig, voters: cluster.members.map(\.id))
                log.info("bootstrapping a new cluster \(cluster.name) with \(cluster.members.map(\.name))")
            }
        } else {
            var snapshotMeta = SnapshotMetadata()
            if let snap = recovered.snapshot {
                do {
                    let (state, metadata) = try KeyspaceState.decodeSnapshot(snap.data)
                    keyspace.restore(state)
                    if !metadata.isEmpty {
                        let replicated = try ReplicatedMetadata(decoding: metadata)
                        registry = replicated.registry
                        ledger = replicated.ledger
                    }
                } catch {
                    throw .storage("snapshot at index \(snap.metadata.index) does not decode: \(error)")
                }
                snapshotMeta = snap.metadata
            }
            let state = PersistentState(hardState: recovered.hardState, snapshot: snapshotMeta, entries: recovered.entries)
            // The committed entries after the snapshot are applied before the member serves anyone
            // (below), so its revision never goes back across a restart.
            let commit = recovered.hardState.commit
            replay = recovered.entries.drop { $0.index <= snapshotMeta.index }.prefix { $0.index <= commit }
            node = RaftNode(config: raftConfig, state: state, appliedIndex: replay.last?.index ?? snapshotMeta.index)
            if let snap = recovered.snapshot { node.compact(to: snap.metadata) }
            log.info("recovered: term \(recovered.hardState.term), commit \(recovered.hardState.commit), snapshot \(snapshotMeta.index), \(recovered.entries.count) entries")
        }
        lastSnapshotIndex = node.firstIndex - 1
        // Above anything this member proposed before a restart (the wall clock moves on between
        // incarnations; if it went back, `apply` moves the numbering past what the ledger has seen).
        nextSequence = max(Self.wallClockNanoseconds(), ledger.highest(of: member.id))
        reads = ReadBatcher(memberID: member.id, start: MonotonicClock.nowNanoseconds())
        lastTickNanoseconds = MonotonicClock.nowNanoseconds()
        if !replay.isEmpty {
            for entry in replay { apply(entry) }
            log.info("re-applied \(replay.count) committed entries from the WAL (through index \(replay.last!.index), revision \(keyspace.currentRevision))")
        }
    }

    /// Seeds an empty WAL with a snapshot at index 1 of a new group whose voters are the file's
    /// members, so that every founding member starts from the same keyspace.
    private static func restore(_ image: [UInt8], into wal: WriteAheadLog, recovered: RecoveredState,
                                cluster: ClusterConfig, log: ReplicaLog) throws(ReplicaError) -> RecoveredState {
        guard recovered.snapshot == nil, recovered.entries.isEmpty, recovered.hardState.isEmpty else {
            throw .configuration("--restore needs an empty data folder; this member already has a log")
        }
        do {
            _ = try KeyspaceState.decodeSnapshot(image)
        } catch {
            throw .configuration("the snapshot file does not decode: \(error)")
        }
        let snapshot = Snapshot(metadata: SnapshotMetadata(index: 1, term: 1, confState: ConfState(voters: cluster.members.map(\.id))),
                                data: image)
        let hardState = HardState(term: 1, vote: noNode, commit: 1)
        do {
            try wal.save(hardState: hardState, entries: [], installing: snapshot)
        } catch {
            throw .storage("cannot write the restored snapshot: \(error)")
        }
        log.info("restored the keyspace from a \(image.count)-byte snapshot into a new cluster")
        return RecoveredState(snapshot: snapshot, hardState: hardState, entries: [])
    }

    private static func wallClockNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(max(ts.tv_sec, 0)) &* 1_000_000_000 &+ UInt64(max(ts.tv_nsec, 0))
    }

    /// Hands work to the loop; callable from any thread.
    func submit(_ input: LoopInput) {
        let wake = inbox.withLock { state -> Bool? in
            if state.closed { return nil }
            state.inputs.append(input)
            let wasSleeping = state.sleeping
            state.sleeping = false
            return wasSleeping
        }
        guard let wake else { return refuseAfterStop(input) }
        if wake { wakeup.signal() }
    }

    var headerContext: HeaderContext {
        HeaderContext(clusterID: cluster.clusterID, memberID: member.id, raftTerm: node.term)
    }

    func now() -> UInt64 { MonotonicClock.nowNanoseconds() }

    /// The loop body; returns when stopped.
    func run() {
        do {
            walWriter = try WALWriter(name: "wal-\(member.name)", wal: wal) { [weak self] in self?.notePersisted() }
        } catch {
            fail(error)
        }
        while running {
            let inputs = inbox.withLock { state -> [LoopInput] in
                let taken = state.inputs
                state.inputs.removeAll(keepingCapacity: true)
                return taken
            }
            for input in inputs { handle(input) }
            reads.flush(into: &node)
            let t = now()
            var ticks = 0
            while t &- lastTickNanoseconds >= options.tickNanoseconds && ticks < 10 {
                lastTickNanoseconds &+= options.tickNanoseconds
                ticks += 1
                node.tick()
                onTick(now: t)
            }
            if t &- lastTickNanoseconds >= options.tickNanoseconds { lastTickNanoseconds = t }
            processReady()
            deliverWatchEvents()
            // A snapshot labels the keyspace with the applied index: only once the keyspace is
            // exactly at it (entries of an in-flight Ready are applied before `advance`).
            if inFlight == nil { maybeSnapshot() }
            if let deadline = stopDeadline, node.role != .leader || now() >= deadline { running = false }
            if !running { break }
            sleepUntilWorkOrTick()
        }
        shutdown()
    }

    private func sleepUntilWorkOrTick() {
        let shouldSleep = inbox.withLock { state -> Bool in
            if !state.inputs.isEmpty || node.hasReady || catchingUp || state.persistedBatches > collectedBatches { return false }
            state.sleeping = true
            return true
        }
        guard shouldSleep else { return }
        let elapsed = now() &- lastTickNanoseconds
        let wait = elapsed >= options.tickNanoseconds ? 0 : options.tickNanoseconds - elapsed
        _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(wait)))
        inbox.withLock { $0.sleeping = false }
    }

    /// Called on the WAL writer's thread when a batch is durable (or failed): wakes the loop.
    private func notePersisted() {
        let wake = inbox.withLock { state -> Bool in
            state.persistedBatches += 1
            let wasSleeping = state.sleeping
            state.sleeping = false
            return wasSleeping
        }
        if wake { wakeup.signal() }
    }

    private func handle(_ input: LoopInput) {
        switch input {
        case .peer(let from, let envelope):
            handlePeer(from: from, envelope)
        case .write(let request, let completion):
            propose(request, completion: completion)
        case .read(let request, let completion):
            reads.add(request, completion: completion, deadline: now() + options.requestTimeoutNanoseconds)
        case .keepAlive(let leaseID, let completion):
            keepAlive(leaseID: leaseID, completion: completion, replyTo: nil)
        case .leaseTimeToLive(let leaseID, let keys, let completion):
            leaseTimeToLive(leaseID: leaseID, keys: keys, completion: completion)
        case .memberChange(let change, let completion):
            proposeMemberChange(change, completion: completion)
        case .query(let body):
            body(LoopView(keyspace: keyspace, node: node, header: headerContext,
                          nowNanoseconds: Int64(bitPattern: now()), membership: membershipView()))
        case .queryOrStopped(let body):
            body(LoopView(keyspace: keyspace, node: node, header: headerContext,
                          nowNanoseconds: Int64(bitPattern: now()), membership: membershipView()))
        case .watch(let command):
            handleWatch(command)
        case .snapshotFinished(let metadata, let byteCount, let saved):
            snapshotInProgress = false
            lastSnapshotIndex = metadata.index
            if saved {
                metrics.snapshotsSaved.add(1, ordering: .relaxed)
                node.compact(to: metadata)
                log.info("snapshot at index \(metadata.index) saved (\(byteCount) bytes)")
            }
        case .stop:
            beginStop()
        }
    }

    private func handlePeer(from: NodeID, _ envelope: PeerEnvelope) {
        switch envelope {
        case .raft(let m):
            guard m.from == from else { return }
            node.step(m)
        case .keepAlive(let sequence, let leaseID):
            keepAlive(leaseID: leaseID, completion: { _, _ in }, replyTo: (from, sequence))
        case .leaseAnswer(let sequence, let ttl):
            if let pending = keepAlives.removeValue(forKey: sequence) {
                pending.completion(.success(ttl < 0 ? nil : ttl), headerContext)
            }
        case .leaseTTL(let sequence, let leaseID):
            answerLeaseTTL(leaseID: leaseID, to: from, sequence: sequence)
        }
    }

    /// Proposes a write; its client is answered when this member applies it.
    func propose(_ request: WriteRequest, completion: WriteCompletion?) {
        nextSequence &+= 1
        let proposal = Proposal(id: RequestID(origin: member.id, sequence: nextSequence), request: request)
        let bytes = proposal.encoded()
        // Every member must be able to apply what enters the log: refuse anything whose encoding
        // does not decode back to the same request (it would stop every member that applies it).
        guard (try? Proposal(decoding: bytes)) == proposal else {
            completion?(.failure(.invalid("etcdserver: request cannot be encoded (too deeply nested?)")), headerContext)
            return
        }
        do {
            try node.propose(bytes)
        } catch {
            // Refused at once: never appended, so the client may safely retry.
            completion?(.failure(error == .transferInProgress ? .leaderChanged : .noLeader), headerContext)
            return
        }
        if let completion {
            pendingWrites[nextSequence] = PendingWrite(completion: completion,
                                                       deadline: now() + options.requestTimeoutNanoseconds)
        }
    }

    private func onTick(now t: UInt64) {
        // Requests whose outcome we cannot learn in time: the client hears "timed out" (unknown outcome).
        for p in Self.takeExpired(&pendingWrites, now: t, \.deadline) { p.completion(.failure(.timedOut), headerContext) }
        reads.expire(now: t, header: headerContext)
        for p in Self.takeExpired(&keepAlives, now: t, \.deadline) { p.completion(.failure(.timedOut), headerContext) }
        for p in Self.takeExpired(&pendingMemberChanges, now: t, \.deadline) { p.completion(.failure(.timedOut), headerContext) }
        expireLeases(now: t)
        tickWatchProgress()
    }

    /// A graceful stop: a leader first hands leadership to its most caught-up voter, so the
    /// cluster does not wait an election timeout.
    func beginStop() {
        guard stopDeadline == nil else { return }
        stopDeadline = now() + options.electionTimeoutNanoseconds
        guard node.role == .leader else { return }
        let candidates = node.conf.voters.filter { $0 != member.id }
        guard let target = candidates.max(by: { (node.matchIndex(of: $0) ?? 0, $1) < (node.matchIndex(of: $1) ?? 0, $0) }) else { return }
        log.info("stopping: handing leadership to \(String(target, radix: 16))")
        node.transferLeadership(to: target)
    }

    /// Removes and returns, in sequence order, the pending requests whose deadline has passed.
    private static func takeExpired<Pending>(_ table: inout [UInt64: Pending], now t: UInt64,
                                             _ deadline: KeyPath<Pending, UInt64>) -> [Pending] {
        let expired = table.filter { $0.value[keyPath: deadline] <= t }.map(\.key).sorted()
        return expired.compactMap { table.removeValue(forKey: $0) }
    }

    /// Fails what is pending and closes the WAL: at the end of ``run()``, or from ``Member/stop()``
    /// for a loop that never ran.
    func shutdown() {
        let leftovers = inbox.withLock { state -> [LoopInput] in
            state.closed = true
            defer { state.inputs.removeAll() }
            return state.inputs
        }
        for input in leftovers { refuseAfterStop(input) }
        for (_, pending) in pendingWrites { pending.completion(.failure(.stopping), headerContext) }
        pendingWrites.removeAll()
        reads.failAll(.stopping, header: headerContext)
        for (_, pending) in keepAlives { pending.completion(.failure(.stopping), headerContext) }
        keepAlives.removeAll()
        failLeaseQueriesAwaitingApply()
        for (_, pending) in pendingMemberChanges { pending.completion(.failure(.stopping), headerContext) }
        pendingMemberChanges.removeAll()
        for (_, session) in watchSessions { session.output.end() }
        watchSessions.removeAll()
        // A batch still being written is left to finish (never advanced): the WAL stays consistent.
        walWriter?.close()
        inFlight = nil
        snapshotQueue.sync {}
        wal.close()
    }
}
