import Synchronization
import JSON
import MVCC
import Wire

extension ClientAPI {
    /// `POST /v3/watch`: the request body is a stream of concatenated `WatchRequest` objects
    /// (create, cancel, progress), read as they arrive — unlike etcd 3.4's gateway, which waits for
    /// the whole body. Each response is one chunk holding one JSON object and a newline.
    ///
    /// As in etcd, a first request that does not decode gets `500 {"code":2}` with the decoder's
    /// message; a later one stops the reading of the body (the stream keeps serving its watchers).
    func watch(_ request: HTTPServerRequest) {
        let session = nextSession.wrappingAdd(1, ordering: .relaxed).oldValue
        let responder = request.responder
        loop.submit(.watch(.open(session: session, responder: responder)))
        responder.setOnClose { [loop] in loop.submit(.watch(.close(session: session))) }
        let reader = StreamRequestReader()
        let handleValue: @Sendable (JSONValue) throws(GatewayError) -> Void = { [loop] (value: JSONValue) throws(GatewayError) -> Void in
            let d = try GatewayDecoder(value, type: "WatchRequest")
            if let create = try d.object("create_request", type: "WatchCreateRequest") {
                loop.submit(.watch(.create(session: session, try create.watchCreateRequest())))
            } else if let cancel = try d.object("cancel_request", type: "WatchCancelRequest") {
                loop.submit(.watch(.cancel(session: session, watchID: try cancel.int64("watch_id"))))
            } else if try d.object("progress_request", type: "WatchProgressRequest") != nil {
                loop.submit(.watch(.progress(session: session)))
            }
        }
        let onEvent: @Sendable (HTTPBodyEvent) -> Void = { [self, loop] event in
            switch reader.handle(event, handleValue) {
            case .continue, .stopped:
                break  // the stream stays open for events until the client goes away
            case .failedFirst(let error):
                respond(responder, 500, error.body)
                loop.submit(.watch(.close(session: session)))
            case .aborted:
                loop.submit(.watch(.close(session: session)))
            }
        }
        if let stream = request.bodyStream {
            stream.setConsumer(onEvent)
        } else {
            onEvent(.bytes(request.body))
            onEvent(.end)
        }
    }

    /// `POST /v3/lease/keepalive`: each `{"ID":N}` in the body gets one
    /// `{"result":{"header":..,"ID":"N","TTL":"T"}}` line; the response ends with the body.
    func keepAliveStream(_ request: HTTPServerRequest) {
        let responder = request.responder
        let reader = StreamRequestReader()
        let state = Mutex((headSent: false, outstanding: 0, bodyEnded: false))
        let finishIfDone: @Sendable () -> Void = {
            let done = state.withLock { $0.bodyEnded && $0.outstanding == 0 }
            if done { responder.end() }
        }
        let handleValue: @Sendable (JSONValue) throws(GatewayError) -> Void = { [loop] (value: JSONValue) throws(GatewayError) -> Void in
            let id = try GatewayDecoder(value, type: "LeaseKeepAliveRequest").int64("ID")
            state.withLock { $0.outstanding += 1 }
            loop.submit(.keepAlive(leaseID: id) { [loop] result, _ in
                // etcd's header carries this member's current revision: read it on the loop thread,
                // in the order the answers arrive (queries run in submission order).
                loop.submit(.query { view in
                    var w = JSONObjectWriter()
                    w.raw("header", GatewayEncoder.header(view.keyspace.currentRevision, view.header))
                    w.int64StringIfSet("ID", id)
                    if case .success(let ttl?) = result { w.int64StringIfSet("TTL", ttl) }
                    var line = Array(#"{"result":"#.utf8)
                    line += w.finish()
                    line += Array("}\n".utf8)
                    let needHead = state.withLock { s -> Bool in
                        defer { s.headSent = true; s.outstanding -= 1 }
                        return !s.headSent
                    }
                    if needHead { _ = responder.writeHead(status: 200, headers: GatewayHeaders.streaming) }
                    _ = responder.writeBody(line)
                    finishIfDone()
                })
            })
        }
        let onEvent: @Sendable (HTTPBodyEvent) -> Void = { [self] event in
            switch reader.handle(event, handleValue) {
            case .continue:
                break
            case .stopped:
                state.withLock { $0.bodyEnded = true }
                finishIfDone()
            case .failedFirst(let error):
                respond(responder, 500, error.body)
            case .aborted:
                responder.end()
            }
        }
        if let stream = request.bodyStream {
            stream.setConsumer(onEvent)
        } else {
            onEvent(.bytes(request.body))
            onEvent(.end)
        }
    }
}

/// Reads the request messages of a streaming RPC (watch, keep-alive) from a body that arrives in
/// pieces, and applies etcd's gateway rules: messages are handled in order; the first message that
/// does not decode fails the whole request (if no message was handled before it) or ends the reading.
final class StreamRequestReader: Sendable {
    /// What the stream should do after a body event.
    enum Outcome: Equatable {
        /// Keep reading.
        case `continue`
        /// No more requests will be read: the body ended, or a later message did not decode.
        case stopped
        /// The first message did not decode: answer 500 with this error (gRPC code Unknown).
        case failedFirst(GatewayError)
        /// The connection went away.
        case aborted
    }

    private struct State {
        var buffer: [UInt8] = []
        var handledAny = false
        var stopped = false
    }

    private let state = Mutex(State())
    /// Bytes a single unfinished message may hold.
    static let maxBufferedBytes = 4 << 20

    /// Takes one body event, calling `handle` for each complete message (on the caller's thread).
    func handle(_ event: HTTPBodyEvent, _ handle: (JSONValue) throws(GatewayError) -> Void) -> Outcome {
        switch event {
        case .aborted:
            return .aborted
        case .bytes(let bytes):
            return consume(bytes, atEnd: false, handle)
        case .end:
            return consume([], atEnd: true, handle)
        }
    }

    private func consume(_ bytes: [UInt8], atEnd: Bool, _ handle: (JSONValue) throws(GatewayError) -> Void) -> Outcome {
        var values: [JSONValue] = []
        var failure: GatewayError?
        let alreadyStopped = state.withLock { s -> Bool in
            if s.stopped { return true }
            s.buffer += bytes
            var offset = 0
            while true {
                do throws(JSONError) {
                    guard case .value(let v, let end) = try JSONParser.next(in: s.buffer, from: offset) else { break }
                    values.append(v)
                    offset = end
                } catch {
                    failure = .unknown(error.description)
                    break
                }
            }
            s.buffer.removeFirst(offset)
            if failure == nil && s.buffer.count > Self.maxBufferedBytes { failure = .unknown("etcdserver: request is too large") }
            if failure == nil && atEnd && s.buffer.contains(where: { !jsonWhitespace.contains($0) }) {
                failure = .unknown("unexpected EOF")
            }
            return false
        }
        if alreadyStopped { return atEnd ? .stopped : .continue }
        for value in values {
            do {
                try handle(value)
                state.withLock { $0.handledAny = true }
            } catch {
                failure = GatewayError.unknown(error.message)
                break
            }
        }
        if let failure {
            let first = state.withLock { s -> Bool in
                s.stopped = true
                s.buffer = []
                return !s.handledAny
            }
            return first ? .failedFirst(failure) : .stopped
        }
        if atEnd {
            state.withLock { $0.stopped = true }
            return .stopped
        }
        return .continue
    }
}

/// JSON's insignificant whitespace bytes.
let jsonWhitespace: Set<UInt8> = [0x20, 0x0a, 0x0d, 0x09]
