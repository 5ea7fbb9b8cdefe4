import Raft

/// A Raft group of pure nodes wired through a ``SimulatedNetwork``, driven step by step from one
/// seed. Nodes crash (losing everything not persisted) and restart from their storage. Every step
/// feeds the ``InvariantChecker``.
final class SimulatedCluster {
    struct NodeSlot {
        var raft: RaftNode?
        var storage: SimulatedStorage
        var machine = ChainStateMachine()
        var incarnation: UInt64 = 0
    }

    let seed: UInt64
    var random: SeededRandom
    var network = SimulatedNetwork()
    var checker = InvariantChecker()
    private(set) var slots: [NodeID: NodeSlot] = [:]
    /// Every node id ever created, sorted (dictionary order must never leak into behaviour).
    private(set) var ids: [NodeID] = []
    private(set) var round = 0
    var roundsPerTick = 3
    /// Compact a node's log after this many applied entries beyond its snapshot (nil: never).
    var snapshotEvery: UInt64?
    /// Chance that a node crashes between sending its pre-persist messages and persisting.
    var crashBeforePersistRate = 0.0
    /// Chance that a `Ready` with a batch to write is persisted asynchronously, as the replica's
    /// WAL writer does (see SimulatedCluster+Pipeline.swift); 0 keeps every persist synchronous.
    var pipelineRate = 0.0
    /// An asynchronous persist completes 1...this many delivery rounds after it started.
    var maxPersistDelayRounds = 4
    /// The `Ready` each node is persisting asynchronously (absent: none in flight).
    var inFlight: [NodeID: InFlightPersist] = [:]
    var pipelineStats = PipelineStats()
    var baseConfig: RaftConfig
    /// ReadIndex answers: context → (read index, lowest index the read must see).
    private(set) var readResults: [[UInt8]: UInt64] = [:]
    private var readFloors: [[UInt8]: UInt64] = [:]
    /// Recent events, printed when a run fails.
    private(set) var trace: [String] = []
    let makeStorage: (NodeID) -> SimulatedStorage

    init(seed: UInt64, voters: [NodeID], config: RaftConfig = RaftConfig(id: 1), spare: [NodeID] = [],
         makeStorage: @escaping (NodeID) -> SimulatedStorage = { _ in MemoryStorage() }) {
        self.seed = seed
        self.makeStorage = makeStorage
        random = SeededRandom(seed: seed)
        baseConfig = config
        for id in voters { addSlot(id, bootstrapVoters: voters) }
        for id in spare { addSlot(id, bootstrapVoters: nil) }
    }

    private func config(for id: NodeID, incarnation: UInt64) -> RaftConfig {
        var c = baseConfig
        c.id = id
        c.randomSeed = seed &+ id &* 7919 &+ incarnation &* 104_729
        return c
    }

    private func addSlot(_ id: NodeID, bootstrapVoters: [NodeID]?) {
        let cfg = config(for: id, incarnation: 0)
        let node = bootstrapVoters.map { RaftNode.bootstrap(config: cfg, voters: $0) } ?? RaftNode(config: cfg)
        slots[id] = NodeSlot(raft: node, storage: makeStorage(id))
        ids = (ids + [id]).sorted()
    }

    // MARK: Access

    func node(_ id: NodeID) -> RaftNode? { slots[id]?.raft }
    func isUp(_ id: NodeID) -> Bool { slots[id]?.raft != nil }
    var liveIDs: [NodeID] { ids.filter(isUp) }
    func machine(_ id: NodeID) -> ChainStateMachine? { slots[id]?.machine }

    /// The live node that believes it leads the highest term, if any.
    var leader: NodeID? {
        liveIDs.filter { node($0)?.role == .leader }.max { node($0)!.term < node($1)!.term }
    }

    func log(_ text: String) {
        trace.append("r\(round) \(text)")
        if trace.count > 400 { trace.removeFirst(trace.count - 300) }
    }

    func with(_ id: NodeID, _ body: (inout RaftNode) -> Void) {
        guard var n = slots[id]?.raft else { return }
        body(&n)
        slots[id]?.raft = n
    }

    // MARK: Driving

    /// One tick of logical time: every live node ticks, then `roundsPerTick` delivery rounds.
    func tick() {
        for id in liveIDs { with(id) { $0.tick() } }
        for _ in 0..<roundsPerTick { deliveryRound() }
    }

    func ticks(_ n: Int) { for _ in 0..<n { tick() } }

    /// Delivers due messages and processes every node's `Ready` until nothing changes this round.
    func deliveryRound() {
        round += 1
        processAllReady()
        for m in network.due(now: round) {
            guard isUp(m.to) else { continue }
            with(m.to) { $0.step(m) }
            if m.kind == .snapshot, isUp(m.from) { with(m.from) { $0.reportSnapshot(to: m.to, delivered: true) } }
        }
        processAllReady()
    }

    func processAllReady() {
        var rounds = 0
        while rounds < 10 {
            rounds += 1
            var any = false
            for id in liveIDs {
                if inFlight[id] != nil {
                    if pumpInFlight(id) { any = true }
                } else if node(id)?.hasReady == true {
                    any = true
                    processReady(id)
                }
            }
            if !any { break }
        }
    }

    func dispatch(_ messages: [Message], from id: NodeID) {
        for var m in messages {
            if m.kind == .snapshot, let meta = m.snapshot?.metadata {
                // The node sent only the metadata: attach the bytes from its storage, like a replica.
                guard let data = slots[id]?.storage.snapshotData(for: meta) else {
                    checker.fail("node \(id) sent snapshot @\(meta.index) that its storage does not hold")
                    continue
                }
                m.snapshot?.data = data
            }
            let delivered = network.send(m, now: round, random: &random)
            if !delivered && m.kind == .snapshot && chance(0.5, &random) {
                with(m.from) { $0.reportSnapshot(to: m.to, delivered: false) }
            }
        }
    }

    func processReady(_ id: NodeID) {
        guard var slot = slots[id], var n = slot.raft else { return }
        let rd = n.ready()
        if let soft = rd.softState, soft.role == .leader {
            checker.observeLeader(id, term: n.term)
            checker.checkLeaderCompleteness(n)
            log("\(id) leads t\(n.term) last=\(n.lastIndex) commit=\(n.commitIndex)")
        }
        dispatch(rd.messages, from: id)
        if rd.snapshot == nil, rd.mustSync, chance(pipelineRate, &random) {
            slot.raft = n
            slots[id] = slot
            startPersist(id, rd)
            return
        }
        finishReady(id, rd, node: n)
    }

    /// The rest of a `Ready` once its batch is written: persist (or crash), send what promised
    /// durability, install and apply (entries applied while the persist was in flight are skipped),
    /// advance, and maybe take an application snapshot.
    func finishReady(_ id: NodeID, _ rd: Ready, node: RaftNode) {
        guard var slot = slots[id] else { return }
        var n = node
        if rd.mustSync && chance(crashBeforePersistRate, &random) {
            slots[id] = slot
            crash(id)
            return
        }
        guard slot.storage.persist(rd) else {
            slots[id] = slot
            crash(id)
            return
        }
        if let hs = rd.hardState { checker.observeDurableCommit(hs.commit, of: id) }
        dispatch(rd.messagesAfterPersist, from: id)
        if let snap = rd.snapshot {
            if let sm = ChainStateMachine.decode(snap.data) {
                checker.observeSnapshotRestore(index: sm.appliedIndex, hash: sm.hash, by: id)
                slot.machine = sm
            } else {
                checker.fail("node \(id) received an undecodable snapshot")
            }
            log("\(id) installs snapshot @\(snap.metadata.index)")
        }
        for e in rd.committedEntries where e.index > slot.machine.appliedIndex {
            slot.machine.apply(e)
            checker.observeApply(e, by: id, hashAfter: slot.machine.hash)
        }
        for rs in rd.readStates { readResults[rs.context] = rs.index }
        n.advance(rd)
        if let every = snapshotEvery, n.appliedIndex >= n.firstIndex - 1 + every {
            let index = n.appliedIndex
            precondition(slot.machine.appliedIndex == index, "state machine behind raft")
            let snap = Snapshot(
                metadata: SnapshotMetadata(index: index, term: n.term(at: index) ?? 0, confState: n.confState(at: index)),
                data: slot.machine.encoded())
            // Like a replica, compact only once the snapshot is stored: followers are sent it from there.
            if slot.storage.saveSnapshot(snap) { n.compact(to: snap.metadata) }
        }
        slot.raft = n
        slots[id] = slot
    }

    /// Applies the committed entries of `rd` that node `id`'s state machine has not applied yet.
    func applyCommitted(_ rd: Ready, at id: NodeID) {
        guard var machine = slots[id]?.machine else { return }
        for e in rd.committedEntries where e.index > machine.appliedIndex {
            machine.apply(e)
            checker.observeApply(e, by: id, hashAfter: machine.hash)
        }
        slots[id]?.machine = machine
    }

    // MARK: Faults

    /// Kills a node: its volatile state is gone; its storage loses what was not made durable.
    func crash(_ id: NodeID) {
        guard isUp(id) else { return }
        slots[id]?.raft = nil
        if inFlight.removeValue(forKey: id) != nil {  // never persisted: lost with the process
            pipelineStats.lostInFlight += 1
            log("\(id) loses its in-flight batch")
        }
        slots[id]?.storage.crash()
        log("\(id) crashes")
    }

    /// Restarts a crashed node from its storage alone.
    func restart(_ id: NodeID) {
        guard var slot = slots[id], slot.raft == nil else { return }
        slot.incarnation += 1
        let (state, snapshot) = slot.storage.load()
        slot.machine = ChainStateMachine.decode(snapshot.data) ?? ChainStateMachine()
        var n = RaftNode(config: config(for: id, incarnation: slot.incarnation), state: state,
                         appliedIndex: snapshot.metadata.index)
        if !snapshot.isEmpty { n.compact(to: snapshot.metadata) }
        slot.raft = n
        slots[id] = slot
        checker.observeDurableCommit(state.hardState.commit, of: id)
        log("\(id) restarts term=\(state.hardState.term) commit=\(state.hardState.commit) entries=\(state.entries.count)")
    }

    // MARK: Clients

    /// Proposes `data` at node `id`; returns false if the node refused it at once.
    @discardableResult
    func propose(_ data: [UInt8], at id: NodeID) -> Bool {
        var ok = false
        with(id) {
            do {
                try $0.propose(data)
                ok = true
            } catch {
                ok = false
            }
        }
        return ok
    }

    /// Starts a linearizable read at `id`; its answer must be at least the highest index applied
    /// anywhere now (everything that completed before the read began).
    func read(context: [UInt8], at id: NodeID) {
        readFloors[context] = checker.highestApplied
        with(id) { $0.readIndex(context: context) }
    }

    /// Checks every answered read against its floor.
    func checkReads() {
        for (context, index) in readResults.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if let floor = readFloors[context], index < floor {
                checker.fail("stale read \(String(decoding: context, as: UTF8.self)): index \(index) < \(floor)")
            }
        }
    }

    /// Log matching across every pair of live nodes.
    func checkLogs() {
        let live = liveIDs
        for (i, a) in live.enumerated() {
            for b in live[(i + 1)...] { checker.checkLogMatching(node(a)!, node(b)!) }
        }
    }

    func failureReport() -> String {
        "seed \(seed): " + checker.violations.joined(separator: "; ") + "\n--- last events ---\n"
            + trace.suffix(60).joined(separator: "\n")
    }
}
