import Synchronization
import JSON
import MVCC
import Wire

extension ClientAPI {
    /// `POST /v3/watch`: the request body is a stream of concatenated `WatchRequest` objects
    /// (create, cancel, progress), read as they arrive — unlike etcd 3.4's gateway, which waits for
    /// the whole body. Each response is one chunk holding one JSON object and a newline.
    func watch(_ request: HTTPServerRequest) {
        let session = nextSession.wrappingAdd(1, ordering: .relaxed).oldValue
        let responder = request.responder
        loop.submit(.watch(.open(session: session, responder: responder)))
        responder.setOnClose { [loop] in loop.submit(.watch(.close(session: session))) }
        let reader = ConcatenatedJSONReader()
        let handleValue: @Sendable (JSONValue) -> Void = { [loop] value in
            do {
                let d = try GatewayDecoder(value, type: "WatchRequest")
                if let create = try d.object("create_request", type: "WatchCreateRequest") {
                    loop.submit(.watch(.create(session: session, try create.watchCreateRequest())))
                } else if let cancel = try d.object("cancel_request", type: "WatchCancelRequest") {
                    loop.submit(.watch(.cancel(session: session, watchID: try cancel.int64("watch_id"))))
                } else if try d.object("progress_request", type: "WatchProgressRequest") != nil {
                    loop.submit(.watch(.progress(session: session)))
                }
            } catch {
                loop.submit(.watch(.close(session: session)))
            }
        }
        if let stream = request.bodyStream {
            stream.setConsumer { [loop] event in
                switch event {
                case .bytes(let bytes):
                    if !reader.feed(bytes, handleValue) { loop.submit(.watch(.close(session: session))) }
                case .end:
                    break  // the stream stays open for events until the client goes away
                case .aborted:
                    loop.submit(.watch(.close(session: session)))
                }
            }
        } else if !reader.feed(request.body, handleValue) {
            loop.submit(.watch(.close(session: session)))
        }
    }

    /// `POST /v3/lease/keepalive`: each `{"ID":N}` in the body gets one
    /// `{"result":{"header":..,"ID":"N","TTL":"T"}}` line; the response ends with the body.
    func keepAliveStream(_ request: HTTPServerRequest) {
        let responder = request.responder
        let reader = ConcatenatedJSONReader()
        let state = Mutex((headSent: false, outstanding: 0, bodyEnded: false))
        let finishIfDone: @Sendable () -> Void = {
            let done = state.withLock { $0.bodyEnded && $0.outstanding == 0 }
            if done { responder.end() }
        }
        let handleValue: @Sendable (JSONValue) -> Void = { [loop] value in
            guard let d = try? GatewayDecoder(value, type: "LeaseKeepAliveRequest"), let id = try? d.int64("ID") else {
                responder.end()
                return
            }
            state.withLock { $0.outstanding += 1 }
            loop.submit(.keepAlive(leaseID: id) { result, context in
                var w = JSONObjectWriter()
                w.raw("header", GatewayEncoder.header(0, context))
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
        }
        let onEvent: @Sendable (HTTPBodyEvent) -> Void = { event in
            switch event {
            case .bytes(let bytes):
                if !reader.feed(bytes, handleValue) { responder.end() }
            case .end:
                state.withLock { $0.bodyEnded = true }
                finishIfDone()
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

/// Splits a byte stream of concatenated JSON values, across arbitrary chunk boundaries.
final class ConcatenatedJSONReader: Sendable {
    private let buffer = Mutex<[UInt8]>([])
    static let maxBufferedBytes = 4 << 20

    /// Adds bytes and calls `handle` for each complete value; false on malformed or oversize input.
    func feed(_ bytes: [UInt8], _ handle: (JSONValue) -> Void) -> Bool {
        var values: [JSONValue] = []
        let ok = buffer.withLock { buf -> Bool in
            buf += bytes
            var offset = 0
            while true {
                let next: JSONParser.StreamResult
                do { next = try JSONParser.next(in: buf, from: offset) } catch { return false }
                guard case .value(let v, let end) = next else { break }
                values.append(v)
                offset = end
            }
            buf.removeFirst(offset)
            return buf.count <= Self.maxBufferedBytes
        }
        for v in values { handle(v) }
        return ok
    }
}
