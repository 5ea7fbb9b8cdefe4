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
    ///
    /// A renewal that fails (no leader, timeout) ends the stream with grpc-gateway's error chunk,
    /// `{"error":{"grpc_code":14,"http_code":503,"message":..,"http_status":..}}`, as etcd's gateway does
    /// when its keep-alive RPC fails; an unknown lease is no failure (its line has no TTL).
    func keepAliveStream(_ request: HTTPServerRequest) {
        let responder = request.responder
        let reader = StreamRequestReader()
        let state = Mutex((headSent: false, outstanding: 0, bodyEnded: false, failed: false))
        let finishIfDone: @Sendable () -> Void = {
            let done = state.withLock { $0.bodyEnded && $0.outstanding == 0 && !$0.failed }
            if done { responder.end() }
        }
        let handleValue: @Sendable (JSONValue) throws(GatewayError) -> Void = { [loop] (value: JSONValue) throws(GatewayError) -> Void in
            let id = try GatewayDecoder(value, type: "LeaseKeepAliveRequest").int64("ID")
            state.withLock { $0.outstanding += 1 }
            loop.submit(.keepAlive(leaseID: id) { [loop] result, _ in
                // etcd's header carries this member's current revision: read it on the loop thread,
                // in the order the answers arrive (queries run in submission order).
                loop.submit(.query { view in
                    let (alreadyFailed, needHead) = state.withLock { s -> (Bool, Bool) in
                        defer {
                            s.headSent = true
                            if case .failure = result { s.failed = true }
                        }
                        return (s.failed, !s.headSent)
                    }
                    // Count this answer as done only after it is written: the body's end, seen on the
                    // connection's thread, must not end the response while a line is still on its way.
                    let done = { state.withLock { $0.outstanding -= 1 } }
                    if alreadyFailed { return done() }
                    switch result {
                    case .success(let ttl):
                        var w = JSONObjectWriter()
                        w.raw("header", GatewayEncoder.header(view.keyspace.currentRevision, view.header))
                        w.int64StringIfSet("ID", id)
                        if let ttl { w.int64StringIfSet("TTL", ttl) }
                        var line = Array(#"{"result":"#.utf8)
                        line += w.finish()
                        line += Array("}\n".utf8)
                        if needHead { _ = responder.writeHead(status: 200, headers: GatewayHeaders.streaming) }
                        _ = responder.writeBody(line)
                        done()
                        finishIfDone()
                    case .failure(let error):
                        if needHead { _ = responder.writeHead(status: error.httpStatus, headers: GatewayHeaders.streaming) }
                        _ = responder.writeBody(error.streamChunk)
                        done()
                        responder.end()
                    }
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
