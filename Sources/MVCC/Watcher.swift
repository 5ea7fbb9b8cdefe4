/// One watcher: what it watches, where it is in history, and its bounded buffer of pending events.
///
/// - Warning: Owned by the ``Keyspace`` that created it; not thread-safe. The fields touched once per
///   delivered event skip dynamic exclusivity checks: only the keyspace's delivery, sync and drain
///   code uses them, one statement at a time.
final class Watcher {
    let handle: Int
    let watchID: Int64
    let interval: KeyInterval
    let noPut: Bool
    let noDelete: Bool
    let prevKV: Bool
    let progressNotify: Bool
    /// While unsynced: the first revision not yet queued. While synced: events below it are skipped
    /// (a start revision in the future); later revisions arrive live.
    var nextRevision: Int64
    var isSynced = false
    /// Set when the watcher must be cancelled because its next revision was compacted.
    var cancelCompactRevision: Int64?
    /// Pending events; `pendingHead` is the first undrained one.
    @exclusivity(unchecked) var pending: [SharedEvent] = []
    @exclusivity(unchecked) var pendingHead = 0
    /// Whether the handle is already in the ready list.
    @exclusivity(unchecked) var isReady = false
    /// The revision the buffer decision below was made for (a revision is taken whole or not at all).
    @exclusivity(unchecked) var decidedRevision: Int64 = -1
    @exclusivity(unchecked) var acceptsDecidedRevision = false
    /// Position inside its group of the synced index (for O(1) removal).
    var slotInGroup = -1

    init(handle: Int, request: WatchCreateRequest, interval: KeyInterval, nextRevision: Int64) {
        self.handle = handle
        self.watchID = request.watchID
        self.interval = interval
        self.noPut = request.noPut
        self.noDelete = request.noDelete
        self.prevKV = request.prevKV
        self.progressNotify = request.progressNotify
        self.nextRevision = nextRevision
    }

    var pendingCount: Int { pending.count - pendingHead }

    /// Whether the watcher wants this kind of event.
    @inline(__always)
    func wants(_ kind: Event.Kind) -> Bool { kind == .put ? !noPut : !noDelete }
}
