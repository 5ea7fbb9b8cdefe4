/// Every watcher of a keyspace, split as etcd's `watchableStore` does: *synced* watchers receive events
/// live as writes apply; *unsynced* watchers (new ones starting in the past, and slow ones whose buffer
/// filled) catch up from history in ``Keyspace/syncUnsyncedWatchers(maxEvents:)``.
///
/// - Warning: Owned by its ``Keyspace``; not thread-safe.
struct WatcherRegistry {
    var all: [Int: Watcher] = [:]
    var synced = WatcherIndex()
    var unsynced: [Int: Watcher] = [:]
    var nextHandle = 1
    /// Handles that gained something to drain since the last ``Keyspace/takeReadyWatchers()``.
    var ready: [Int] = []

    var isEmpty: Bool { all.isEmpty }

    mutating func markReady(_ watcher: Watcher) {
        if !watcher.isReady {
            watcher.isReady = true
            ready.append(watcher.handle)
        }
    }

    mutating func makeSynced(_ watcher: Watcher) {
        unsynced[watcher.handle] = nil
        watcher.isSynced = true
        watcher.decidedRevision = -1
        synced.insert(watcher)
    }

    mutating func makeUnsynced(_ watcher: Watcher, nextRevision: Int64) {
        if watcher.isSynced { synced.remove(watcher) }
        watcher.isSynced = false
        watcher.nextRevision = nextRevision
        watcher.decidedRevision = -1
        unsynced[watcher.handle] = watcher
    }

    mutating func remove(_ watcher: Watcher) {
        if watcher.isSynced { synced.remove(watcher) }
        unsynced[watcher.handle] = nil
        all[watcher.handle] = nil
    }
}
