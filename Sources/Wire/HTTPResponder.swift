import Synchronization

/// The outcome of a write on a ``HTTPResponder``.
public enum HTTPWriteResult: Sendable, Equatable {
    /// Accepted; buffered output is below the high-water mark.
    case accepted
    /// Accepted, but buffered output is above the high-water mark: stop writing until the
    /// writability callback runs (a slow reader must not make the server buffer without limit).
    case full
    /// The connection is gone (or the response already ended); the bytes were dropped.
    case closed
}

/// Writes one response, from any thread: a whole response, or a head followed by body chunks
/// (chunked encoding unless a `content-length` field is given) and an end.
///
/// Calls are queued in order and applied on the connection's event loop (an eventfd wake-up when
/// called from another thread). Every write reports back-pressure; ``setOnWritable(_:)`` says when
/// output drained below the low-water mark and ``setOnClose(_:)`` when the connection is gone.
/// - Warning: callable from any thread; the callbacks run on the connection's event-loop thread and
///   must not block it (hand work off).
public final class HTTPResponder: Sendable {
    enum Operation {
        case head(status: Int, headers: HTTPHeaders)
        case body([UInt8])
        case end
        case whole(status: Int, headers: HTTPHeaders, body: [UInt8])
    }

    struct State {
        var queue: [Operation] = []
        var drainScheduled = false
        var queuedBytes = 0
        var socketBufferedBytes = 0
        var wantsWritable = false
        var ended = false
        var closed = false
        var onWritable: (@Sendable () -> Void)?
        var onClose: (@Sendable () -> Void)?
    }

    let loop: EventLoop
    private let highWaterBytes: Int
    private let lowWaterBytes: Int
    private let state = Mutex(State())
    /// The connection applies operations; a strong reference until the response ends or closes.
    private let sink: Mutex<HTTPServerConnection?>

    init(loop: EventLoop, connection: HTTPServerConnection, highWaterBytes: Int, lowWaterBytes: Int) {
        self.loop = loop
        self.sink = Mutex(connection)
        self.highWaterBytes = highWaterBytes
        self.lowWaterBytes = lowWaterBytes
    }

    /// Sends a complete response with a `content-length` body.
    @discardableResult
    public func respond(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) -> HTTPWriteResult {
        submit(.whole(status: status, headers: headers, body: body), bytes: body.count, ends: true)
    }

    /// Sends the status and fields; the body follows with ``writeBody(_:)`` and ``end()``.
    /// Without a `content-length` field the body is sent chunked.
    @discardableResult
    public func writeHead(status: Int, headers: HTTPHeaders = HTTPHeaders()) -> HTTPWriteResult {
        submit(.head(status: status, headers: headers), bytes: 0, ends: false)
    }

    /// Sends body bytes (one chunk in chunked mode); empty input is ignored.
    @discardableResult
    public func writeBody(_ bytes: [UInt8]) -> HTTPWriteResult {
        if bytes.isEmpty { return currentPressure() }
        return submit(.body(bytes), bytes: bytes.count, ends: false)
    }

    /// Ends the response (the terminating chunk in chunked mode).
    public func end() {
        _ = submit(.end, bytes: 0, ends: true)
    }

    /// Sets the callback run (on the loop) once buffered output falls below the low-water mark
    /// after a write returned ``HTTPWriteResult/full``.
    public func setOnWritable(_ callback: @escaping @Sendable () -> Void) {
        state.withLock { $0.onWritable = callback }
    }

    /// Sets the callback run (on the loop) once if the connection closes before the response is
    /// fully written (client gone, reset, shutdown deadline); runs at once if already closed.
    public func setOnClose(_ callback: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { s -> Bool in
            if s.closed { return true }
            s.onClose = callback
            return false
        }
        if runNow { callback() }
    }

    /// True once the connection is gone.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Bytes accepted but not yet written to the socket.
    public var bufferedBytes: Int { state.withLock { $0.queuedBytes + $0.socketBufferedBytes } }

    private func currentPressure() -> HTTPWriteResult {
        state.withLock { s in
            if s.closed || s.ended { return .closed }
            return s.queuedBytes + s.socketBufferedBytes > highWaterBytes ? .full : .accepted
        }
    }

    private func submit(_ operation: Operation, bytes: Int, ends: Bool) -> HTTPWriteResult {
        let onLoop = loop.inEventLoop
        enum Action { case none, applyNow, schedule }
        var action = Action.none
        let result = state.withLock { s -> HTTPWriteResult in
            if s.closed || s.ended { return .closed }
            if ends { s.ended = true }
            s.queuedBytes += bytes
            if onLoop && s.queue.isEmpty {
                action = .applyNow
            } else {
                s.queue.append(operation)
                if !s.drainScheduled {
                    s.drainScheduled = true
                    action = .schedule
                }
            }
            if s.queuedBytes + s.socketBufferedBytes > highWaterBytes {
                s.wantsWritable = true
                return .full
            }
            return .accepted
        }
        switch action {
        case .none: break
        case .applyNow:
            state.withLock { $0.queuedBytes -= bytes }
            apply([operation])
        case .schedule:
            loop.execute { [self] in drain() }
        }
        return result
    }

    private func drain() {
        let operations = state.withLock { s -> [Operation] in
            let taken = s.queue
            s.queue.removeAll()
            s.drainScheduled = false
            for op in taken {
                switch op {
                case .body(let b), .whole(_, _, let b): s.queuedBytes -= b.count
                default: break
                }
            }
            return taken
        }
        apply(operations)
    }

    private func apply(_ operations: [Operation]) {
        guard let connection = sink.withLock({ $0 }) else { return }
        connection.apply(operations, from: self)
    }

    // MARK: called by the connection on its loop

    /// The connection reports how many bytes still wait in its socket buffer.
    func reportSocketBuffered(_ bytes: Int) {
        let callback = state.withLock { s -> (@Sendable () -> Void)? in
            s.socketBufferedBytes = bytes
            if s.wantsWritable && s.queuedBytes + bytes <= lowWaterBytes {
                s.wantsWritable = false
                return s.onWritable
            }
            return nil
        }
        callback?()
    }

    /// The response is complete on the wire; drop the connection reference.
    func detach() {
        sink.withLock { $0 = nil }
        state.withLock { s in
            s.ended = true
            s.onWritable = nil
            s.onClose = nil
        }
    }

    /// The connection closed before the response completed.
    func connectionClosed() {
        sink.withLock { $0 = nil }
        let callback = state.withLock { s -> (@Sendable () -> Void)? in
            if s.closed { return nil }
            s.closed = true
            s.queue.removeAll()
            s.queuedBytes = 0
            let cb = s.onClose
            s.onClose = nil
            s.onWritable = nil
            return cb
        }
        callback?()
    }
}
