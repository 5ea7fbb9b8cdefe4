import Raft
import WAL
import MVCC
import Wire

extension RaftLoop {
    /// Runs Raft's Ready cycle until the node has nothing more to hand out, or until the WAL writer
    /// is busy with this member's own write (the run loop comes back when it is done).
    ///
    /// A `Ready` whose batch needs a write is split in two. ``startReady(_:)`` sends `messages`,
    /// hands `entries`/`hardState` to the ``WALWriter`` and, while the write and its fsync run,
    /// applies `committedEntries` (answering clients; the run loop then feeds watchers and keeps
    /// handling inputs and ticks, sending heartbeats and new appends as they arise: see
    /// `RaftNode.takeMessagesSafeBeforePersist`). ``finishReady(_:)``, once the batch is durable, sends
    /// `messagesAfterPersist` and calls `advance`. Committed entries are already durable on a
    /// quorum, so applying them before this member's own fsync loses nothing: a crash restarts
    /// from the WAL and the leader sends whatever the write did not keep. A snapshot from the
    /// leader is still written inline, before it is installed.
    func processReady() {
        var rounds = 0
        while running && rounds < 64 {
            if let rd = inFlight {
                guard let outcome = walWriter?.take() else {
                    // Heartbeats, and appends of what was proposed since, need nothing durable.
                    send(node.takeMessagesSafeBeforePersist())
                    return
                }
                collectedBatches += 1
                finishReady(rd, outcome: outcome)
                continue
            }
            guard node.hasReady else { return }
            rounds += 1
            startReady(node.ready())
        }
    }

    /// The first half of a Ready (see ``processReady()``); a Ready with nothing to write, or with a
    /// snapshot to install, is done entirely here.
    private func startReady(_ rd: Ready) {
        noteAppendedMembership(rd.entries)
        send(rd.messages)
        let needsWrite = rd.hardState != nil || !rd.entries.isEmpty
        if rd.snapshot == nil, needsWrite, let walWriter {
            walWriter.begin(WALWriter.Batch(hardState: rd.hardState, entries: rd.entries))
            inFlight = rd
            if let soft = rd.softState { roleChanged(soft) }
            applyCommitted(rd)
            return
        }
        if rd.snapshot != nil { CrashHooks.reach(.beforeSnapshotInstall) }
        guard persistInline(rd) else { return }
        send(rd.messagesAfterPersist)
        if let soft = rd.softState { roleChanged(soft) }
        if let snapshot = rd.snapshot {
            install(snapshot)
            CrashHooks.reach(.afterSnapshotInstall)
        }
        applyCommitted(rd)
        completeReady(rd)
    }

    /// The second half of a Ready whose batch the WAL writer has finished.
    private func finishReady(_ rd: Ready, outcome: WALWriter.Outcome) {
        inFlight = nil
        switch outcome {
        case .saved(let took):
            noteFsync(nanoseconds: took, entries: rd.entries.count)
        case .failed(let error):
            fail(.storage("WAL write failed: \(error)"))
            return
        }
        send(rd.messagesAfterPersist)
        completeReady(rd)
    }

    private func applyCommitted(_ rd: Ready) {
        guard !rd.committedEntries.isEmpty else { return }
        let start = now()
        for entry in rd.committedEntries { apply(entry) }
        metrics.apply.observe(nanoseconds: now() &- start)
        metrics.appliedEntries.add(rd.committedEntries.count, ordering: .relaxed)
    }

    private func completeReady(_ rd: Ready) {
        reads.received(rd.readStates)
        node.advance(rd)
        reads.serve(appliedIndex: node.appliedIndex, keyspace: keyspace, header: headerContext)
        answerLeaseQueriesAwaitingApply()
    }

    private func noteFsync(nanoseconds took: UInt64, entries: Int) {
        metrics.fsync.observe(nanoseconds: took)
        if took > 100_000_000 { log.warning("slow fsync: \(took / 1_000_000) ms for \(entries) entries") }
    }

    /// One WAL write and one fsync for the batch, on the loop thread (snapshot installs, and a loop
    /// without a writer). False if storage failed (the member stops).
    private func persistInline(_ rd: Ready) -> Bool {
        do {
            let start = now()
            if let snapshot = rd.snapshot {
                try wal.save(hardState: rd.hardState, entries: rd.entries, installing: snapshot)
            } else if rd.hardState != nil || !rd.entries.isEmpty {
                try wal.save(hardState: rd.hardState, entries: rd.entries)
            } else {
                return true
            }
            noteFsync(nanoseconds: now() &- start, entries: rd.entries.count)
            return true
        } catch {
            fail(.storage("WAL write failed: \(error)"))
            return false
        }
    }

    /// Stops the member after an unrecoverable error; it recovers from its WAL when restarted.
    func fail(_ error: ReplicaError) {
        log.error("stopping: \(error)")
        failure = error
        running = false
    }

    func send(_ messages: [Message]) {
        guard let transport, !messages.isEmpty else { return }
        var batches: [NodeID: [[UInt8]]] = [:]
        var order: [NodeID] = []
        for m in messages {
            if m.kind == .snapshot {
                sendSnapshot(m)
                continue
            }
            if batches[m.to] == nil { order.append(m.to) }
            batches[m.to, default: []].append(PeerEnvelope.raft(m).encoded())
        }
        for peer in order {
            let batch = batches[peer] ?? []
            let accepted = transport.send(to: peer, messages: batch)
            if accepted < batch.count { node.reportUnreachable(peer) }
        }
    }

    private func roleChanged(_ soft: SoftState) {
        if soft.leader != noNode && soft.leader != lastLeader { metrics.leaderChanges.add(1, ordering: .relaxed) }
        if soft.leader != noNode { lastLeader = soft.leader }
        let t = Int64(bitPattern: now())
        if soft.role == .leader && lastRole != .leader {
            log.info("became leader in term \(node.term)")
            // A new leader extends every lease by an election timeout: TTL is a minimum.
            keyspace.promoteAll(nowNanoseconds: t, extendBySeconds: Int64(options.electionTimeoutNanoseconds / 1_000_000_000) + 1)
        } else if soft.role != .leader && lastRole == .leader {
            log.info("stepped down in term \(node.term); leader now \(soft.leader)")
            keyspace.demoteAll()
            revoking.removeAll()
        } else if soft.role == .follower {
            log.info("following \(soft.leader) in term \(node.term)")
        }
        lastRole = soft.role
        // Read rounds in flight with the old leader are lost: ask the new one.
        reads.retryAll(into: &node)
    }

    private func install(_ snapshot: Snapshot) {
        do {
            let (state, metadata) = try KeyspaceState.decodeSnapshot(snapshot.data)
            keyspace.restore(state)
            if !metadata.isEmpty {
                let replicated = try ReplicatedMetadata(decoding: metadata)
                registry = replicated.registry
                ledger = replicated.ledger
                for m in registry.sorted { ensurePeer(m) }
            }
            lastSnapshotIndex = snapshot.metadata.index
            log.info("installed snapshot at index \(snapshot.metadata.index) from the leader")
        } catch {
            fail(.storage("snapshot from the leader does not decode: \(error)"))
        }
    }

    /// Applies one committed entry (also used at start for the entries the WAL recovered).
    func apply(_ entry: Entry) {
        if entry.kind == .confChange { return applyMembership(entry) }
        guard !entry.data.isEmpty else { return }
        let proposal: Proposal
        do {
            proposal = try Proposal(decoding: entry.data)
        } catch {
            // Every member decodes the same bytes the same way, so skipping keeps them identical;
            // proposals are round-trip checked before they enter the log, so this means a bug.
            log.error("skipping entry \(entry.index): \(error)")
            return
        }
        guard ledger.admit(proposal.id) else {
            // Applied already (a duplicated message), or older than the ledger's window: every member
            // skips it alike. A client still waiting for it is told it was not applied.
            log.warning("skipping entry \(entry.index): proposal \(proposal.id.origin)/\(proposal.id.sequence) already applied or too old")
            if proposal.id.origin == member.id {
                nextSequence = max(nextSequence, ledger.highest(of: member.id))
                pendingWrites.removeValue(forKey: proposal.id.sequence)?.completion(.failure(.notApplied), headerContext)
            }
            return
        }
        CrashHooks.reach(.beforeApply)
        if case .compaction = proposal.request { CrashHooks.reach(.duringCompaction) }
        let result: Result<WriteResponse, GatewayError>
        do {
            result = .success(try keyspace.apply(proposal.request, nowNanoseconds: Int64(bitPattern: now())))
        } catch {
            result = .failure(GatewayError(error))
        }
        CrashHooks.reach(.afterApply)
        if case .leaseRevoke(let revoke) = proposal.request { revoking.removeValue(forKey: revoke.id) }
        if proposal.id.origin == member.id, let pending = pendingWrites.removeValue(forKey: proposal.id.sequence) {
            pending.completion(result, headerContext)
        }
    }
}
