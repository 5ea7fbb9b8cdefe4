import Synchronization
import JSON
import Wire

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
