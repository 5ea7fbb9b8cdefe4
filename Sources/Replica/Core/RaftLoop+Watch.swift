import MVCC
import Wire

extension RaftLoop {
    func handleWatch(_ command: WatchCommand) {
        switch command {
        case .open(let id, let responder):
            openSession(id, output: HTTPWatchOutput(responder))
        case .openLocal(let id, let output):
            openSession(id, output: output)
        case .create(let id, var request):
            guard let session = watchSessions[id] else { return }
            guard let watchID = session.assignID(requested: request.watchID) else {
                _ = session.send(.rejected(reason: WatchNotice.duplicateIDReason), header: currentHeader)
                return
            }
            request.watchID = watchID
            do {
                let handle = try keyspace.createWatcher(request)
                session.watchers[watchID] = handle
                if request.progressNotify { session.progressNotify.insert(watchID) }
                watchHandles[handle] = (id, watchID)
                if !session.send(.created(watchID: watchID), header: currentHeader) { closeSession(id) }
            } catch {
                session.releaseID(watchID)
                _ = session.send(.rejected(reason: WatchNotice.emptyRangeReason), header: currentHeader)
            }
        case .cancel(let id, let watchID):
            guard let session = watchSessions[id] else { return }
            if let handle = session.watchers.removeValue(forKey: watchID) {
                keyspace.cancelWatcher(handle)
                watchHandles.removeValue(forKey: handle)
                session.deferred.remove(handle)
                session.progressNotify.remove(watchID)
                if !session.send(.canceled(watchID: watchID), header: currentHeader) { closeSession(id) }
            }
        case .progress(let id):
            watchSessions[id]?.progressRequested = true
        case .writable(let id):
            guard let session = watchSessions[id] else { return }
            session.blocked = false
            let deferred = session.deferred.sorted()
            session.deferred.removeAll()
            for handle in deferred where !session.blocked { drainWatcher(handle, session: session) }
            for handle in deferred where session.blocked && watchHandles[handle] != nil { session.deferred.insert(handle) }
        case .close(let id):
            closeSession(id)
        }
    }

    private func openSession(_ id: Int, output: any WatchSessionOutput) {
        watchSessions[id] = WatchSession(id: id, output: output)
        // Whenever a send finds the stream full, the output calls this once it drains.
        output.setOnWritable { [weak self] in self?.submit(.watch(.writable(session: id))) }
    }

    func closeSession(_ id: Int) {
        guard let session = watchSessions.removeValue(forKey: id) else { return }
        for (_, handle) in session.watchers.sorted(by: { $0.key < $1.key }) {
            keyspace.cancelWatcher(handle)
            watchHandles.removeValue(forKey: handle)
        }
        session.output.end()
    }

    private func watchHeader(revision: Int64) -> ResponseHeader {
        ResponseHeader(revision: revision, clusterID: cluster.clusterID, memberID: member.id, raftTerm: node.term)
    }

    private var currentHeader: ResponseHeader { watchHeader(revision: keyspace.currentRevision) }

    /// Sends every watcher's pending events (whole revisions per message), catching up slow watchers
    /// from history a bounded amount per turn, and answers progress requests once a stream is caught up.
    func deliverWatchEvents() {
        catchingUp = false
        guard !watchSessions.isEmpty else { return }
        let counts = keyspace.watcherCounts
        // Catch slow or new-from-the-past watchers up a bounded amount per turn; while that makes
        // progress the loop does not sleep, so catch-up runs at full speed between other work.
        catchingUp = counts.unsynced > 0 && keyspace.syncUnsyncedWatchers(maxEvents: 10_000) > 0
        for handle in keyspace.takeReadyWatchers() {
            guard let owner = watchHandles[handle], let session = watchSessions[owner.session] else {
                keyspace.cancelWatcher(handle)
                continue
            }
            if session.blocked {
                session.deferred.insert(handle)
                continue
            }
            drainWatcher(handle, session: session)
        }
        let asking = watchSessions.filter { $0.value.progressRequested && !$0.value.blocked }
        for (id, session) in asking.sorted(by: { $0.key < $1.key }) {
            let revisions = session.watchers.values.map { keyspace.progressRevision($0) }
            guard !revisions.contains(where: { $0 == nil }) else { continue }  // not caught up yet
            session.progressRequested = false
            if !session.send(.progress(watchID: -1), header: currentHeader) { closeSession(id) }
        }
    }

    func drainWatcher(_ handle: Int, session: WatchSession) {
        while !session.blocked, let batch = keyspace.drain(handle, maxEvents: 1000) {
            if case .canceled = batch.kind {
                session.watchers.removeValue(forKey: batch.watchID)
                watchHandles.removeValue(forKey: handle)
            }
            if !session.send(batch, header: currentHeader) {
                closeSession(session.id)
                return
            }
            metrics.watchEventsSent.add(batch.events.count, ordering: .relaxed)
        }
        if session.blocked && watchHandles[handle] != nil { session.deferred.insert(handle) }
    }

    /// Periodic progress notifications for watchers that asked for them (every `watchProgressTicks`).
    func tickWatchProgress() {
        progressTicks += 1
        guard progressTicks >= options.watchProgressTicks else { return }
        progressTicks = 0
        for (id, session) in watchSessions.sorted(by: { $0.key < $1.key }) where !session.blocked {
            for watchID in session.progressNotify.sorted() {
                guard let handle = session.watchers[watchID], let revision = keyspace.progressRevision(handle) else { continue }
                if !session.send(.progress(watchID: nil), header: watchHeader(revision: revision)) {
                    closeSession(id)
                    break
                }
            }
        }
    }
}
