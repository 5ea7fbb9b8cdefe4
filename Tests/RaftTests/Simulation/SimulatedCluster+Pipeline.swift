import Raft

/// A `Ready` whose batch a node is persisting asynchronously, and the delivery round its "fsync"
/// completes in.
struct InFlightPersist {
    var ready: Ready
    var dueRound: Int
}

/// How much a run exercised the pipelined WAL (so a test can tell the mode really engaged).
struct PipelineStats: Equatable {
    /// Readies persisted asynchronously.
    var asyncPersists = 0
    /// Of those, Readies that applied entries their own batch was still writing.
    var appliedBeforeDurable = 0
    /// Messages sent by `takeMessagesSafeBeforePersist()` while a batch was in flight.
    var earlyMessages = 0
    /// Batches lost to a crash while in flight.
    var lostInFlight = 0
}

/// The replica's pipelined WAL (Sources/Replica/Core/RaftLoop+Ready.swift), modelled step for step:
///
/// 1. `ready()`; send `messages`; hand the batch to the writer (here: keep it in ``SimulatedCluster/inFlight``,
///    the storage does not hold it yet);
/// 2. while the write runs: apply `committedEntries`, step incoming messages, tick, and send
///    `takeMessagesSafeBeforePersist()` every round;
/// 3. when the write is durable (``InFlightPersist/dueRound``): persist, send `messagesAfterPersist`,
///    `advance`, and only then the next `ready()`.
///
/// A crash while the batch is in flight loses it (``SimulatedCluster/crash(_:)`` drops it before it
/// reached the storage); the entries applied in step 2 were committed, so durable on a quorum, and a
/// restarted node re-applies them from its log or learns them from the leader again. A `Ready` with
/// a snapshot, or with nothing to write, is processed synchronously, as the replica does.
extension SimulatedCluster {
    /// Step 1 and the applying half of step 2 (`n.ready()` was called and `messages` sent).
    func startPersist(_ id: NodeID, _ rd: Ready) {
        applyCommitted(rd, at: id)
        pipelineStats.asyncPersists += 1
        if let first = rd.entries.first, let last = rd.committedEntries.last, last.index >= first.index {
            pipelineStats.appliedBeforeDurable += 1
        }
        let delay = 1 + Int(random.next() % UInt64(max(1, maxPersistDelayRounds)))
        inFlight[id] = InFlightPersist(ready: rd, dueRound: round + delay)
        log("\(id) persists async until r\(round + delay): \(rd.entries.count) entries"
            + (rd.hardState.map { " hs t\($0.term) c\($0.commit)" } ?? "")
            + (rd.committedEntries.last.map { " applied \($0.index)" } ?? ""))
    }

    /// Step 2's sending half, and step 3 once the write is due. True if the persist completed (the
    /// node may have a new `Ready`).
    func pumpInFlight(_ id: NodeID) -> Bool {
        guard let pending = inFlight[id], isUp(id) else { return false }
        var early: [Message] = []
        with(id) { early = $0.takeMessagesSafeBeforePersist() }
        // It may have won an election meanwhile and already be sending appends as leader.
        if let n = node(id), n.role == .leader { checker.observeLeader(id, term: n.term) }
        pipelineStats.earlyMessages += early.count
        dispatch(early, from: id)
        guard round >= pending.dueRound, let n = node(id) else { return false }
        inFlight[id] = nil
        finishReady(id, pending.ready, node: n)
        return true
    }
}
