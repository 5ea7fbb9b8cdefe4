import Dispatch
import JSON
import Objects
import Synchronization
import Wire

extension KubernetesAPI {
    /// A watch stream that buffered more than this for a slow client is ended (the client re-watches
    /// from its last resourceVersion) rather than growing without bound.
    static let maxBufferedWatchBytes = 16 << 20
    /// Streams without `timeoutSeconds` end after this long, as Kubernetes' default request timeout.
    static let defaultWatchSeconds: Int64 = 1800

    /// `GET <collection>?watch=true`: newline-terminated JSON events over a chunked 200 answer.
    func serveWatch(_ handler: any ResourceHandler, target: ResourcePath, query: QueryParameters, request: HTTPServerRequest) {
        let options = Self.watchParameters(query)
        let responder = request.responder
        let kind = handler.served.kind
        let table = TableDocument.isRequested(accept: request.head.headers["Accept"])
        let stream = WatchStream(responder: responder, kind: kind, table: table, now: now)
        let handle: any WatchStreamHandle
        do {
            handle = try handler.watch(namespace: target.namespace, options: options) { event in stream.send(event) }
        } catch {
            return respond(responder, error)
        }
        stream.attach(handle)
        responder.setOnClose { stream.close() }
        let seconds = options.timeoutSeconds > 0 ? options.timeoutSeconds : Self.defaultWatchSeconds
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(seconds))) { stream.close() }
    }
}

/// The HTTP side of one watch: writes events in order, ends on error, close or overflow.
final class WatchStream: Sendable {
    private struct State {
        var headSent = false
        var ended = false
        var columnsSent = false
        var handle: (any WatchStreamHandle)?
    }

    private let responder: HTTPResponder
    private let kind: ResourceKind
    private let table: Bool
    private let now: @Sendable () -> Int64
    private let state = Mutex(State())

    init(responder: HTTPResponder, kind: ResourceKind, table: Bool, now: @escaping @Sendable () -> Int64) {
        self.responder = responder
        self.kind = kind
        self.table = table
        self.now = now
    }

    /// Called once the store accepted the watch: the 200 head goes out even before any event.
    func attach(_ handle: any WatchStreamHandle) {
        let endNow = state.withLock { s -> Bool in
            s.handle = handle
            if !s.headSent && !s.ended {
                s.headSent = true
                responder.writeHead(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache, private"])
            }
            return s.ended
        }
        if endNow { handle.cancel() }
    }

    /// Writes one event; false when the stream is over (the store side then stops).
    func send(_ event: WatchStreamEvent) -> Bool {
        state.withLock { s -> Bool in
            guard !s.ended else { return false }
            if !s.headSent {
                s.headSent = true
                responder.writeHead(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache, private"])
            }
            var line: [UInt8] = Array(#"{"type":"#.utf8)
            var last = false
            switch event {
            case .object(let type, let json):
                JSONText.appendString(type, to: &line)
                line += Array(#","object":"#.utf8)
                if table, let value = try? JSONParser.parse(json) {
                    line += TableDocument.table(printer: TablePrinter.forResource(kind.resource), objects: [value],
                                                resourceVersion: value.at("metadata", "resourceVersion")?.text ?? "",
                                                includeColumns: !s.columnsSent, nowSeconds: now()).encoded()
                    s.columnsSent = true
                } else {
                    line += json
                }
            case .bookmark(let rv):
                line += Array(#""BOOKMARK","object":{"kind":"#.utf8)
                JSONText.appendString(kind.kind, to: &line)
                line += Array(#","apiVersion":"#.utf8)
                JSONText.appendString(kind.apiVersion, to: &line)
                line += Array(#","metadata":{"resourceVersion":"#.utf8)
                JSONText.appendString(rv, to: &line)
                line += Array("}}".utf8)
            case .error(let status):
                line += Array(#""ERROR","object":"#.utf8)
                line += status.json.encoded()
                last = true
            }
            line += Array("}\n".utf8)
            let result = responder.writeBody(line)
            if last || result == .closed || (result == .full && responder.bufferedBytes > KubernetesAPI.maxBufferedWatchBytes) {
                s.ended = true
                responder.end()
                return false
            }
            return true
        }
    }

    /// Ends the stream (timeout, client gone): cancels the store side and finishes the chunked body.
    func close() {
        let handle = state.withLock { s -> (any WatchStreamHandle)? in
            guard !s.ended else { return nil }
            s.ended = true
            if !s.headSent {
                s.headSent = true
                responder.writeHead(status: 200, headers: ["Content-Type": "application/json"])
            }
            responder.end()
            return s.handle
        }
        handle?.cancel()
    }
}
