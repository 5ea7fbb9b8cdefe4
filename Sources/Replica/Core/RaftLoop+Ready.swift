import Raft
import WAL
import MVCC
import Wire

extension RaftLoop {
    /// Runs Raft's Ready cycle until the node has nothing more to hand out.
    func processReady() {
        var rounds = 0
        while running && node.hasReady && rounds < 64 {
            rounds += 1
            let rd = node.ready()
            noteAppendedMembership(rd.entries)
            send(rd.messages)
            if rd.snapshot != nil { CrashHooks.reach(.beforeSnapshotInstall) }
            guard persist(rd) else { return }
            send(rd.messagesAfterPersist)
            if let soft = rd.softState { roleChanged(soft) }
            if let snapshot = rd.snapshot {
                install(snapshot)
                CrashHooks.reach(.afterSnapshotInstall)
            }
            if !rd.committedEntries.isEmpty {
                let start = now()
                for entry in rd.committedEntries { apply(entry) }
                metrics.apply.observe(nanoseconds: now() &- start)
                metrics.appliedEntries.add(rd.committedEntries.count, ordering: .relaxed)
            }
            reads.received(rd.readStates)
            node.advance(rd)
            reads.serve(appliedIndex: node.appliedIndex, keyspace: keyspace, header: headerContext)
        }
    }

    /// One WAL write and one fsync for the batch. False if storage failed (the member stops).
    private func persist(_ rd: Ready) -> Bool {
        do {
            let start = now()
            if let snapshot = rd.snapshot {
                try wal.save(hardState: rd.hardState, entries: rd.entries, installing: snapshot)
            } else if rd.hardState != nil || !rd.entries.isEmpty {
                try wal.save(hardState: rd.hardState, entries: rd.entries)
            } else {
                return true
            }
            let took = now() &- start
            metrics.fsync.observe(nanoseconds: took)
            if took > 100_000_000 { log.warning("slow fsync: \(took / 1_000_000) ms for \(rd.entries.count) entries") }
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
                registry = try MemberRegistry(decoding: metadata)
                for m in registry.sorted { ensurePeer(m) }
            }
            lastSnapshotIndex = snapshot.metadata.index
            log.info("installed snapshot at index \(snapshot.metadata.index) from the leader")
        } catch {
            fail(.storage("snapshot from the leader does not decode: \(error)"))
        }
    }

    private func apply(_ entry: Entry) {
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
