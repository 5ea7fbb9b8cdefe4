import Synchronization
import JSON
import Wire

/// One watch over HTTP: a `POST /v3/watch` whose newline-delimited answers are parsed as they
/// arrive and delivered, in order, by the stream's own thread.
///
/// The stream ends with `.canceled(compactRevision, reason)` when the member cancels the watch
/// (compaction), refuses it, or the connection breaks (`compactRevision` 0); `cancel()` closes it
/// without a final update. The thread polls for cancellation between reads (every
/// ``HTTPKVClientOptions/watchPollNanoseconds``).
final class HTTPWatchStream: WatchHandle {
    private let addresses: [SocketAddress]
    private let options: HTTPKVClientOptions
    private let query: WatchQuery
    private let handler: @Sendable (WatchUpdate) -> Void
    private let canceled = Atomic<Bool>(false)

    init(client: HTTPKVClient, query: WatchQuery, handler: @escaping @Sendable (WatchUpdate) -> Void) {
        addresses = client.addresses
        options = client.options
        self.query = query
        self.handler = handler
    }

    func cancel() {
        canceled.store(true, ordering: .releasing)
    }

    private var isCanceled: Bool { canceled.load(ordering: .acquiring) }

    /// Delivers `update` unless the watch was canceled; false if it was.
    private func deliver(_ update: WatchUpdate) -> Bool {
        guard !isCanceled else { return false }
        handler(update)
        return true
    }

    /// The stream's thread: connect (trying each member), send the create request, read answers.
    func run() {
        var failures: [String] = []
        for address in addresses {
            if isCanceled { return }
            let connection: GatewayConnection
            do {
                connection = try GatewayConnection(address: address, timeoutNanoseconds: options.requestTimeoutNanoseconds)
            } catch {
                failures.append("\(address): \(error)")
                continue
            }
            defer { connection.close() }
            let reason = follow(connection)
            if let reason { _ = deliver(.canceled(compactRevision: 0, reason: reason)) }
            return
        }
        _ = deliver(.canceled(compactRevision: 0, reason: "cannot connect: \(failures.joined(separator: "; "))"))
    }

    /// Reads the stream until it ends; the reason to report, or nil when nothing more is to be
    /// delivered (canceled by the client, or a cancellation already delivered).
    private func follow(_ connection: GatewayConnection) -> String? {
        let status: Int
        do {
            try connection.sendPost(path: "/v3/watch", body: GatewayRequestEncoding.watchCreate(query))
            status = try connection.readHead()
        } catch {
            return "watch stream broke: \(error)"
        }
        guard status == 200 else {
            let body = (try? connection.readWholeBody(maxBytes: 1 << 20)) ?? []
            return "watch refused: \(GatewayResponseDecoding.error(status: status, body: body))"
        }
        connection.timeoutNanoseconds = options.watchPollNanoseconds
        var buffer: [UInt8] = []
        var scanned = 0
        while !isCanceled {
            let piece: [UInt8]?
            do {
                piece = try connection.readBodyPiece()
            } catch .timedOut {
                continue
            } catch {
                return "watch stream broke: \(error)"
            }
            guard let piece else { return "watch stream ended by the member" }
            buffer.append(contentsOf: piece)
            var lineStart = 0
            while let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[lineStart..<newline])
                lineStart = newline + 1
                scanned = lineStart
                switch handle(line) {
                case .continue: break
                case .stop: return nil
                case .fail(let reason): return reason
                }
            }
            buffer.removeFirst(lineStart)
            scanned = buffer.count
            if buffer.count > options.maxResponseBytes { return "watch answer over \(options.maxResponseBytes) bytes" }
        }
        return nil
    }

    private enum LineOutcome {
        case `continue`
        case stop
        case fail(String)
    }

    /// One watch answer: events, progress, created, or a cancellation.
    private func handle(_ line: [UInt8]) -> LineOutcome {
        if line.isEmpty { return .continue }
        let message: JSONValue
        do { message = try JSONParser.parse(line) } catch { return .fail("watch answer not understood: \(error)") }
        guard let result = message["result"] else {
            if let error = message["error"] { return .fail("watch failed: \(error.encodedText)") }
            return .fail("watch answer without result")
        }
        do {
            if GatewayResponseDecoding.bool(result["canceled"]) {
                let compactRevision = try GatewayResponseDecoding.int64(result["compact_revision"], "compact_revision")
                var reason = "canceled by the member"
                if case .string(let text)? = result["cancel_reason"] { reason = text }
                if compactRevision > 0 { reason = "required revision has been compacted (compact revision \(compactRevision))" }
                _ = deliver(.canceled(compactRevision: compactRevision, reason: reason))
                return .stop
            }
            let events = try GatewayResponseDecoding.array(result["events"], "events")
            if !events.isEmpty {
                var converted: [KVEvent] = []
                converted.reserveCapacity(events.count)
                for e in events { converted.append(try GatewayResponseDecoding.event(e)) }
                return deliver(.events(converted)) ? .continue : .stop
            }
            if GatewayResponseDecoding.bool(result["created"]) { return .continue }
            return deliver(.progress(revision: try GatewayResponseDecoding.revision(result))) ? .continue : .stop
        } catch {
            return .fail("watch answer not understood: \(error)")
        }
    }
}

extension JSONValue {
    fileprivate var encodedText: String { String(decoding: encoded(), as: UTF8.self) }
}
