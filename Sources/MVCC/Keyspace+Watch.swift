extension Keyspace {
    /// Creates a watcher. Start revision 0 (or one in the future) → synced, events arrive as writes
    /// apply; a start revision in the past → unsynced, caught up by ``syncUnsyncedWatchers(maxEvents:)``;
    /// below the compact revision → the watcher's first drain is a cancellation with `compact_revision`.
    /// - Returns: the watcher's handle (unique in this keyspace, never reused).
    /// - Throws: ``MVCCError/invalidRange(key:rangeEnd:)`` for a range end not after the key.
    public func createWatcher(_ request: WatchCreateRequest) throws(MVCCError) -> Int {
        let interval: KeyInterval
        if request.key.isEmpty {
            // etcd accepts an empty key. No stored key is empty and every stored key is ≥ [0], so with a
            // range end it means [0] ..< end (`\0`: everything); alone it can never match.
            interval = try KeyInterval(key: [0], rangeEnd: request.rangeEnd)
        } else {
            interval = try KeyInterval(key: request.key, rangeEnd: request.rangeEnd)
        }
        let handle = watchers.nextHandle
        watchers.nextHandle += 1
        let start = request.startRevision
        let watcher = Watcher(handle: handle, request: request, interval: interval,
                              nextRevision: start > 0 ? start : state.currentRevision + 1)
        watchers.all[handle] = watcher
        if request.key.isEmpty && request.rangeEnd.isEmpty {
            // Watches the empty key, which can never be written: keep it idle and synced.
            watcher.nextRevision = Int64.max
        }
        if start > 0 && start < state.compactRevision {
            watcher.cancelCompactRevision = state.compactRevision
            watchers.markReady(watcher)
        } else if watcher.nextRevision > state.currentRevision {
            watchers.makeSynced(watcher)
        } else {
            watchers.makeUnsynced(watcher, nextRevision: watcher.nextRevision)
        }
        return handle
    }

    /// Removes a watcher (client cancel or closed stream). Returns false when the handle is unknown.
    @discardableResult
    public func cancelWatcher(_ handle: Int) -> Bool {
        guard let watcher = watchers.all[handle] else { return false }
        watchers.remove(watcher)
        return true
    }

    /// The number of live watchers, and how many are waiting to catch up from history.
    public var watcherCounts: (total: Int, unsynced: Int) { (watchers.all.count, watchers.unsynced.count) }

    /// Events queued for a watcher and not yet drained (nil for an unknown handle).
    public func pendingEventCount(_ handle: Int) -> Int? { watchers.all[handle]?.pendingCount }

    /// Whether the watcher receives events live (false while it catches up from history).
    public func isSynced(_ handle: Int) -> Bool { watchers.all[handle]?.isSynced ?? false }

    /// Handles that gained events (or a cancellation) since the last call, ascending. Drain each until
    /// ``drain(_:maxEvents:)`` returns nil.
    public func takeReadyWatchers() -> [Int] {
        let ready = watchers.ready.sorted()
        watchers.ready.removeAll(keepingCapacity: true)
        for handle in ready { watchers.all[handle]?.isReady = false }
        return ready.filter { watchers.all[$0] != nil }
    }

    /// Takes the next batch of a watcher: whole revisions, at most `maxEvents` events unless a single
    /// revision is larger (a revision is never split). After the last events, a pending compaction
    /// cancellation is returned and the watcher removed. Nil when there is nothing to take.
    public func drain(_ handle: Int, maxEvents: Int = 1000) -> WatchBatch? {
        guard let watcher = watchers.all[handle] else { return nil }
        if watcher.pendingCount == 0 {
            guard let compactRevision = watcher.cancelCompactRevision else { return nil }
            watchers.remove(watcher)
            return WatchBatch(handle: handle, watchID: watcher.watchID, kind: .canceled(compactRevision: compactRevision),
                              headerRevision: 0, events: [], prevKV: watcher.prevKV)
        }
        let pending = watcher.pending
        let start = watcher.pendingHead
        var end = start
        while end < pending.count {
            let main = pending[end].revision.main
            var groupEnd = end + 1
            while groupEnd < pending.count && pending[groupEnd].revision.main == main { groupEnd += 1 }
            if end > start && groupEnd - start > maxEvents { break }
            end = groupEnd
        }
        let events: [SharedEvent]
        if start == 0 && end == pending.count {
            // Taking everything: hand the buffer over instead of copying it.
            events = pending
            watcher.pending = []
            watcher.pendingHead = 0
        } else {
            events = Array(pending[start..<end])
            if end == pending.count {
                watcher.pending.removeAll(keepingCapacity: true)
                watcher.pendingHead = 0
            } else {
                watcher.pendingHead = end
                if end > 256 && end * 2 > pending.count {
                    watcher.pending.removeFirst(end)
                    watcher.pendingHead = 0
                }
            }
        }
        let caughtUp = watcher.pendingCount == 0 && watcher.isSynced
        let last = events[events.count - 1].revision.main
        return WatchBatch(handle: handle, watchID: watcher.watchID, kind: .events,
                          headerRevision: caughtUp ? Swift.max(last, state.currentRevision) : last,
                          events: events, prevKV: watcher.prevKV)
    }

    /// The revision a progress notification for this watcher may carry: the current revision when the
    /// watcher is synced with nothing pending (so no event at or below it can still arrive), else nil.
    public func progressRevision(_ handle: Int) -> Int64? {
        guard let watcher = watchers.all[handle], watcher.isSynced, watcher.pendingCount == 0,
              watcher.cancelCompactRevision == nil else { return nil }
        return state.currentRevision
    }

    /// Hands one revision's events to the synced watchers; a watcher whose buffer is full at the start
    /// of the revision gets none of it and moves to the unsynced set from this revision.
    func deliverLive(_ events: [Event]) {
        guard let main = events.first?.kv.modRevision else { return }
        let limit = maxPendingEventsPerWatcher
        var slow: [Watcher] = []
        watchers.synced.prepareForLookup()
        // A scope so the copy of the index is released before the slow watchers are removed from it
        // (otherwise the removal would copy its tables).
        do {
            let index = watchers.synced
            for event in events {
                let key = ByteKey(event.kv.key)
                var matchedAny = false
                var wantsPrevKV = false
                index.forEachGroup(containing: key) { group in
                    if !group.watchers.isEmpty { matchedAny = true }
                    if group.prevKVWatcherCount > 0 { wantsPrevKV = true }
                }
                if !matchedAny { continue }
                let shared = SharedEvent(event, withPrevKV: wantsPrevKV && event.prevKV != nil)
                let kind = event.kind
                index.forEachGroup(containing: key) { group in
                    for watcher in group.watchers {
                        if watcher.decidedRevision != main {
                            // First event of this revision for this watcher: take the whole revision or none.
                            if main < watcher.nextRevision { continue }
                            watcher.decidedRevision = main
                            watcher.acceptsDecidedRevision = watcher.pendingCount < limit
                            if !watcher.acceptsDecidedRevision {
                                slow.append(watcher)
                                continue
                            }
                        } else if !watcher.acceptsDecidedRevision {
                            continue
                        }
                        if !watcher.wants(kind) { continue }
                        watcher.pending.append(shared)
                        if !watcher.isReady { watchers.markReady(watcher) }
                    }
                }
            }
        }
        for watcher in slow { watchers.makeUnsynced(watcher, nextRevision: main) }
    }
}
