/// Finds the watchers whose key or interval contains a key, without visiting every watcher.
///
/// Watchers with the same interval share one group, so 10,000 watchers on one prefix cost one lookup.
/// Single-key groups are in a hash map; interval groups are sorted by lower bound with a running
/// maximum of upper bounds, so a lookup binary-searches the last group starting at or before the key
/// and walks back only while some earlier group can still reach it.
struct WatcherIndex {
    final class Group {
        let interval: KeyInterval
        var watchers: [Watcher] = []
        /// How many of `watchers` asked for prev_kv (decides whether the prev_kv encoding is built).
        var prevKVWatcherCount = 0
        init(interval: KeyInterval) { self.interval = interval }
    }

    private var singleKeyGroups: [ByteKey: Group] = [:]
    private var intervalGroups: [KeyInterval: Group] = [:]
    /// Interval groups sorted by (lower, upper); rebuilt lazily after a group is added or removed.
    private var sortedGroups: [Group] = []
    /// `reach[i]` = the greatest upper bound among `sortedGroups[0...i]` (nil = unbounded).
    private var reach: [ByteKey?] = []
    private var sortedIsStale = false
    private(set) var watcherCount = 0

    var isEmpty: Bool { watcherCount == 0 }

    mutating func insert(_ watcher: Watcher) {
        let group: Group
        if watcher.interval.isSingleKey {
            if let existing = singleKeyGroups[watcher.interval.lower] {
                group = existing
            } else {
                group = Group(interval: watcher.interval)
                singleKeyGroups[watcher.interval.lower] = group
            }
        } else if let existing = intervalGroups[watcher.interval] {
            group = existing
        } else {
            group = Group(interval: watcher.interval)
            intervalGroups[watcher.interval] = group
            sortedIsStale = true
        }
        watcher.slotInGroup = group.watchers.count
        group.watchers.append(watcher)
        if watcher.prevKV { group.prevKVWatcherCount += 1 }
        watcherCount += 1
    }

    mutating func remove(_ watcher: Watcher) {
        let group: Group?
        if watcher.interval.isSingleKey {
            group = singleKeyGroups[watcher.interval.lower]
        } else {
            group = intervalGroups[watcher.interval]
        }
        guard let group, watcher.slotInGroup >= 0, watcher.slotInGroup < group.watchers.count,
              group.watchers[watcher.slotInGroup] === watcher else { return }
        let slot = watcher.slotInGroup
        let last = group.watchers.removeLast()
        if last !== watcher {
            group.watchers[slot] = last
            last.slotInGroup = slot
        }
        watcher.slotInGroup = -1
        watcherCount -= 1
        if watcher.prevKV { group.prevKVWatcherCount -= 1 }
        if group.watchers.isEmpty {
            if watcher.interval.isSingleKey {
                singleKeyGroups[watcher.interval.lower] = nil
            } else {
                intervalGroups[watcher.interval] = nil
                sortedIsStale = true
            }
        }
    }

    /// Rebuilds the sorted interval list if groups changed; call before ``forEachGroup(containing:_:)``.
    mutating func prepareForLookup() {
        guard sortedIsStale else { return }
        sortedIsStale = false
        sortedGroups = intervalGroups.values.sorted { a, b in
            if a.interval.lower != b.interval.lower { return a.interval.lower < b.interval.lower }
            switch (a.interval.upper, b.interval.upper) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            default: return false
            }
        }
        reach.removeAll(keepingCapacity: true)
        var running: ByteKey?? = .none
        for group in sortedGroups {
            switch running {
            case .none: running = .some(group.interval.upper)
            case .some(nil): break
            case .some(let current?):
                if let upper = group.interval.upper {
                    if current < upper { running = .some(upper) }
                } else {
                    running = .some(nil)
                }
            }
            reach.append(running ?? nil)
        }
    }

    /// Calls `body` on every group containing `key` (single-key group first, then intervals by start, descending).
    func forEachGroup(containing key: ByteKey, _ body: (Group) -> Void) {
        if let group = singleKeyGroups[key] { body(group) }
        if intervalGroups.isEmpty { return }
        precondition(!sortedIsStale, "WatcherIndex: prepareForLookup() not called after a change")
        // Last group whose lower bound is ≤ key.
        var low = 0
        var high = sortedGroups.count
        while low < high {
            let mid = (low + high) >> 1
            if key < sortedGroups[mid].interval.lower { high = mid } else { low = mid + 1 }
        }
        var index = low - 1
        while index >= 0 {
            if let reachUpper = reach[index], !(key < reachUpper) { break }
            let group = sortedGroups[index]
            if group.interval.contains(key) { body(group) }
            index -= 1
        }
    }
}
