extension Keyspace {
    /// Catches unsynced watchers up from history, as etcd's `syncWatchers` does: one pass over the
    /// revision-ordered history from the smallest next revision among them, each event encoded once
    /// and shared by every watcher it matches. Watchers below the compact revision are cancelled;
    /// watchers with a full buffer wait for the next call; watchers that reach the current revision
    /// become synced.
    /// - Parameter maxEvents: history entries to read in this call (rounded up to a whole revision).
    /// - Returns: the number of history entries read (0 when nothing was left to do).
    @discardableResult
    public func syncUnsyncedWatchers(maxEvents: Int = 10_000) -> Int {
        if watchers.unsynced.isEmpty { return 0 }
        let limit = maxPendingEventsPerWatcher
        var candidates: [Watcher] = []
        for handle in watchers.unsynced.keys.sorted() {
            guard let watcher = watchers.unsynced[handle], watcher.cancelCompactRevision == nil,
                  watcher.pendingCount < limit else { continue }
            if watcher.nextRevision < state.compactRevision {
                watcher.cancelCompactRevision = state.compactRevision
                watchers.unsynced[handle] = nil
                watchers.markReady(watcher)
                continue
            }
            watcher.decidedRevision = -1
            candidates.append(watcher)
        }
        if candidates.isEmpty { return 0 }
        var index = WatcherIndex()
        for watcher in candidates { index.insert(watcher) }
        index.prepareForLookup()
        let minimum = candidates.map(\.nextRevision).min() ?? state.currentRevision + 1
        var stalled: [Int: Int64] = [:]
        var scanned = 0
        var lastMain = minimum - 1
        var stoppedEarly = false
        let keys = state.keys
        state.history.forEach(from: Revision(main: minimum)) { revision, key in
            if revision.main != lastMain {
                // Stop at the read budget, or as soon as every candidate's buffer is full.
                if scanned >= Swift.max(1, maxEvents) || stalled.count == candidates.count {
                    stoppedEarly = true
                    return false
                }
                lastMain = revision.main
            }
            scanned += 1
            guard let found = keys.value(forKey: key)?.version(at: revision) else {
                preconditionFailure("history names \(revision) but the key index lacks it")
            }
            let event = Self.historyEvent(key: key, version: found.version, previous: found.previous)
            var shared: SharedEvent?
            index.forEachGroup(containing: key) { group in
                for watcher in group.watchers {
                    if revision.main < watcher.nextRevision || stalled[watcher.handle] != nil
                        || !watcher.wants(event.kind) { continue }
                    if watcher.decidedRevision != revision.main {
                        watcher.decidedRevision = revision.main
                        watcher.acceptsDecidedRevision = watcher.pendingCount < limit
                        if !watcher.acceptsDecidedRevision {
                            stalled[watcher.handle] = revision.main
                            continue
                        }
                    }
                    if !watcher.acceptsDecidedRevision { continue }
                    if shared == nil { shared = SharedEvent(event, withPrevKV: group.prevKVWatcherCount > 0 || Self.anyWantsPrevKV(index, key)) }
                    if let shared { watcher.pending.append(shared) }
                    watchers.markReady(watcher)
                }
            }
            return true
        }
        let scannedThrough = stoppedEarly ? lastMain : state.currentRevision
        for watcher in candidates {
            watcher.slotInGroup = -1
            watcher.decidedRevision = -1
            if let stalledAt = stalled[watcher.handle] {
                watcher.nextRevision = stalledAt
            } else {
                watcher.nextRevision = Swift.max(watcher.nextRevision, scannedThrough + 1)
                if watcher.nextRevision > state.currentRevision { watchers.makeSynced(watcher) }
            }
        }
        return scanned
    }

    /// Whether any group containing `key` has a prev_kv watcher.
    private static func anyWantsPrevKV(_ index: WatcherIndex, _ key: ByteKey) -> Bool {
        var wants = false
        index.forEachGroup(containing: key) { group in
            if group.prevKVWatcherCount > 0 { wants = true }
        }
        return wants
    }

    /// The event a retained version represents, with prev_kv from the retained version before it.
    static func historyEvent(key: ByteKey, version: KeyVersion, previous: KeyVersion?) -> Event {
        let previousKV = (previous?.isTombstone ?? true) ? nil : previous?.keyValue(key: key.bytes)
        if version.isTombstone {
            let kv = KeyValue(key: key.bytes, createRevision: 0, modRevision: version.modRevision.main, version: 0, value: [])
            return Event(kind: .delete, kv: kv, prevKV: previousKV, sub: version.modRevision.sub)
        }
        return Event(kind: .put, kv: version.keyValue(key: key.bytes), prevKV: previousKV, sub: version.modRevision.sub)
    }
}
