/// The leader's view of one follower's log: how far it matches, what to send next, and how.
///
/// - `probe`: one append at a time until the follower's log position is found;
/// - `replicate`: appends are pipelined, at most `maxInflight` messages unacknowledged;
/// - `snapshot`: a snapshot is on its way; nothing else is sent until it lands or fails.
struct Progress: Sendable {
    enum State: Sendable, Equatable { case probe, replicate, snapshot }

    var match: UInt64 = 0
    var next: UInt64
    private(set) var state: State = .probe
    /// In probe state: an append is outstanding, wait for its answer (or a heartbeat reply).
    var probeSent = false
    /// In snapshot state: the index of the snapshot being sent.
    private(set) var pendingSnapshot: UInt64 = 0
    /// Ticks spent in snapshot state, so a lost snapshot is retried.
    var snapshotTicks = 0
    /// Heard from within the current check-quorum period.
    var recentActive = false
    var inflight: InflightWindow

    init(next: UInt64, maxInflight: Int) {
        self.next = next
        inflight = InflightWindow(capacity: maxInflight)
    }

    var isPaused: Bool {
        switch state {
        case .probe: return probeSent
        case .replicate: return inflight.isFull
        case .snapshot: return true
        }
    }

    mutating func becomeProbe() {
        if state == .snapshot {
            next = max(match + 1, pendingSnapshot + 1)
        } else {
            next = match + 1
        }
        state = .probe
        probeSent = false
        pendingSnapshot = 0
        inflight.removeAll()
    }

    mutating func becomeReplicate() {
        state = .replicate
        next = match + 1
        probeSent = false
        inflight.removeAll()
    }

    mutating func becomeSnapshot(index: UInt64) {
        state = .snapshot
        pendingSnapshot = index
        snapshotTicks = 0
        inflight.removeAll()
    }

    /// Records that the follower holds everything through `index`. Returns true if `match` grew.
    mutating func acknowledge(_ index: UInt64) -> Bool {
        var grew = false
        if index > match {
            match = index
            probeSent = false
            grew = true
        }
        next = max(next, index + 1)
        return grew
    }

    /// Records that an append of entries through `lastIndex` went out.
    mutating func sent(entriesThrough lastIndex: UInt64?) {
        switch state {
        case .replicate:
            if let last = lastIndex {
                next = last + 1
                inflight.add(last)
            }
        case .probe:
            probeSent = true
        case .snapshot:
            break
        }
    }

    /// Handles a rejected append of `rejected` (its prev index); `hint` is where the follower's log
    /// may match. Returns false if the rejection is stale (an answer to an older append).
    mutating func rejected(_ rejected: UInt64, hint: UInt64) -> Bool {
        if state == .replicate {
            guard rejected > match else { return false }
            next = match + 1
            return true
        }
        guard next >= 1, next - 1 == rejected else { return false }
        next = max(min(rejected, hint + 1), match + 1)
        probeSent = false
        return true
    }
}

/// The last indexes of the append messages in flight to one follower, oldest first (a ring buffer).
struct InflightWindow: Sendable {
    private var ring: [UInt64]
    private var start = 0
    private(set) var count = 0

    init(capacity: Int) { ring = Array(repeating: 0, count: max(1, capacity)) }

    var isFull: Bool { count == ring.count }

    mutating func add(_ index: UInt64) {
        precondition(!isFull, "inflight window overflow")
        ring[(start + count) % ring.count] = index
        count += 1
    }

    /// Frees every message whose last index is ≤ `index`.
    mutating func free(through index: UInt64) {
        while count > 0 && ring[start] <= index {
            start = (start + 1) % ring.count
            count -= 1
        }
    }

    mutating func freeOldest() {
        guard count > 0 else { return }
        start = (start + 1) % ring.count
        count -= 1
    }

    mutating func removeAll() {
        start = 0
        count = 0
    }
}
