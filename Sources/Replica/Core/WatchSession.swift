import MVCC
import Wire

/// Commands of a watch stream, sent by its HTTP connection (or an in-process watch) to the Raft loop.
enum WatchCommand: Sendable {
    case open(session: Int, responder: HTTPResponder)
    /// An in-process stream (``LocalKVClient``): same commands, responses go to `output`.
    case openLocal(session: Int, output: any WatchSessionOutput)
    case create(session: Int, WatchCreateRequest)
    case cancel(session: Int, watchID: Int64)
    case progress(session: Int)
    case writable(session: Int)
    case close(session: Int)
}

/// One watch stream (`POST /v3/watch`, or an in-process watch): its watchers (by the stream's watch
/// ids) and its output.
/// - Warning: owned by the Raft loop thread.
final class WatchSession {
    let id: Int
    let output: any WatchSessionOutput
    /// watch_id → keyspace watcher handle.
    var watchers: [Int64: Int] = [:]
    var progressNotify: Set<Int64> = []
    /// The stream's output is above its high-water mark: stop draining until it is writable.
    var blocked = false
    /// Watchers with events that could not be sent while blocked.
    var deferred: Set<Int> = []
    var progressRequested = false
    private var nextAutoID: Int64 = 0

    init(id: Int, output: any WatchSessionOutput) {
        self.id = id
        self.output = output
    }

    /// The watch id for a create request: the client's choice, or the next free automatic one.
    func assignID(requested: Int64) -> Int64? {
        if requested != 0 { return watchers[requested] == nil ? requested : nil }
        while watchers[nextAutoID] != nil { nextAutoID += 1 }
        defer { nextAutoID += 1 }
        return nextAutoID
    }

    /// Gives back an automatic id that was assigned to a create that then failed.
    func releaseID(_ id: Int64) {
        if id == nextAutoID - 1 && watchers[id] == nil { nextAutoID -= 1 }
    }

    /// Sends a response without events. Returns false if the stream is gone.
    func send(_ notice: WatchNotice, header: ResponseHeader) -> Bool {
        record(output.send(notice, header: header))
    }

    /// Sends a batch of events (or a compaction cancel). Returns false if the stream is gone.
    func send(_ batch: WatchBatch, header: ResponseHeader) -> Bool {
        record(output.send(batch, header: header))
    }

    private func record(_ result: HTTPWriteResult) -> Bool {
        switch result {
        case .accepted: return true
        case .full:
            blocked = true
            return true
        case .closed: return false
        }
    }
}
