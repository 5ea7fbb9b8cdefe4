import MVCC
import Wire

/// Where a watch session's responses go: an HTTP stream of JSON lines (``HTTPWatchOutput``) or an
/// in-process sink (``LocalWatchSink``). Both apply the same flow control: a send that leaves the
/// output above its high-water mark answers `.full` (the response was taken), and the output calls
/// its writable callback once it has drained, so the loop stops draining the session's watchers
/// meanwhile instead of buffering without bound.
/// - Warning: `send` and `end` are called on the Raft loop thread only.
protocol WatchSessionOutput: AnyObject, Sendable {
    /// A response without events (created, client cancel, progress, rejected create).
    func send(_ notice: WatchNotice, header: ResponseHeader) -> HTTPWriteResult
    /// Events of whole revisions, or a compaction cancel.
    func send(_ batch: WatchBatch, header: ResponseHeader) -> HTTPWriteResult
    /// `callback` is called (from any thread) each time a full output has drained.
    func setOnWritable(_ callback: @escaping @Sendable () -> Void)
    /// The stream ends (closed, canceled or the member stops); nothing is sent after it.
    func end()
}

/// A `POST /v3/watch` stream: each response is one chunk holding one JSON object and a newline.
final class HTTPWatchOutput: WatchSessionOutput, @unchecked Sendable {
    // @unchecked Sendable: `headSent` is touched only by `send`, which runs on the Raft loop thread;
    // the responder is thread-safe.
    let responder: HTTPResponder
    private var headSent = false

    init(_ responder: HTTPResponder) {
        self.responder = responder
    }

    func send(_ notice: WatchNotice, header: ResponseHeader) -> HTTPWriteResult {
        var out: [UInt8] = []
        notice.appendJSON(header: header, to: &out)
        return write(&out)
    }

    func send(_ batch: WatchBatch, header: ResponseHeader) -> HTTPWriteResult {
        var out: [UInt8] = []
        var size = 192
        for event in batch.events { size += event.bytes(prevKV: batch.prevKV).count + 1 }
        out.reserveCapacity(size)
        batch.appendJSON(header: header, to: &out)
        return write(&out)
    }

    /// Sends one JSON line (the newline appended in place: no second copy of the response).
    private func write(_ json: inout [UInt8]) -> HTTPWriteResult {
        if !headSent {
            headSent = true
            _ = responder.writeHead(status: 200, headers: GatewayHeaders.streaming)
        }
        json.append(0x0a)
        return responder.writeBody(json)
    }

    func setOnWritable(_ callback: @escaping @Sendable () -> Void) {
        responder.setOnWritable(callback)
    }

    func end() {
        responder.end()
    }
}
