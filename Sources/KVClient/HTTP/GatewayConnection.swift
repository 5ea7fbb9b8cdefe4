import Wire

/// One HTTP/1.1 keep-alive connection to a member's client address, with the little of HTTP the
/// etcd JSON gateway needs: POST with a `Content-Length` body, responses with `Content-Length`,
/// chunked or close-delimited bodies, read whole or piece by piece (watch streams).
///
/// Unlike Wire's `HTTPClient` it never retries on its own: the caller learns whether a failure
/// happened while connecting (nothing was sent) or after (a write's outcome is unknown).
///
/// Reading a streamed body is resumable: a read that times out (``WireError/timedOut(operation:)``)
/// leaves the connection usable, so a watch thread can poll for cancellation between reads.
/// - Warning: used by one thread at a time.
final class GatewayConnection: @unchecked Sendable {
    // @unchecked Sendable: a connection is handed between threads only through the connection
    // pool's Mutex (or owned by one watch thread for its whole life); never used by two at once.
    let address: SocketAddress
    private let socket: BlockingSocket
    /// When the last response was read (monotonic), to drop connections the server may have closed.
    private(set) var idleSinceNanoseconds: UInt64 = 0
    /// Whether another request may follow on this connection.
    private(set) var reusable = true
    private var body = BodyState.done

    private enum BodyState: Equatable {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers
        case untilClose
        case done
    }

    /// Connects within `timeoutNanoseconds` (also the limit of each later read and write).
    init(address: SocketAddress, timeoutNanoseconds: UInt64) throws(WireError) {
        self.address = address
        socket = try BlockingSocket(connectingTo: address, timeoutNanoseconds: timeoutNanoseconds)
    }

    /// The limit of each read and write from now on.
    var timeoutNanoseconds: UInt64 {
        get { socket.timeoutNanoseconds }
        set { socket.timeoutNanoseconds = newValue }
    }

    func close() {
        reusable = false
        socket.close()
    }

    /// Sends `POST path` with `body`.
    func sendPost(path: String, body: [UInt8]) throws(WireError) {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 128)
        out.append(contentsOf: "POST ".utf8)
        out.append(contentsOf: path.utf8)
        out.append(contentsOf: " HTTP/1.1\r\nhost: ".utf8)
        out.append(contentsOf: address.description.utf8)
        out.append(contentsOf: "\r\ncontent-type: application/json\r\ncontent-length: ".utf8)
        out.append(contentsOf: String(body.count).utf8)
        out.append(contentsOf: "\r\n\r\n".utf8)
        out.append(contentsOf: body)
        do {
            try socket.write(out)
        } catch {
            close()
            throw error
        }
    }

    /// Reads a response's status line and header fields; returns the status. The body follows
    /// through ``readWholeBody(maxBytes:)`` or ``readBodyPiece()``.
    func readHead() throws(WireError) -> Int {
        var status = 0
        repeat {
            guard let line = try socket.readLine() else { throw .connectionClosed }
            let parts = line.split(separator: UInt8(ascii: " "), maxSplits: 2)
            guard parts.count >= 2, parts[0].starts(with: "HTTP/1.".utf8), let code = Int(String(decoding: parts[1], as: UTF8.self)),
                  (100..<600).contains(code) else { throw .protocolViolation("bad status line") }
            status = code
            var length: Int?
            var chunked = false
            while true {
                guard let field = try socket.readLine() else { throw .connectionClosed }
                if field.isEmpty { break }
                guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { throw .protocolViolation("bad header line") }
                let name = String(decoding: field[..<colon], as: UTF8.self).lowercased()
                let value = String(decoding: field[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: " \t")
                switch name {
                case "content-length":
                    guard let n = Int(value), n >= 0 else { throw .protocolViolation("content-length \(value)") }
                    length = n
                case "transfer-encoding":
                    chunked = value.lowercased() == "chunked"
                case "connection":
                    if value.lowercased() == "close" { reusable = false }
                default:
                    break
                }
            }
            if chunked {
                body = .chunkSize
            } else if let length {
                body = .fixed(remaining: length)
            } else {
                body = status == 204 || status == 304 || status < 200 ? .done : .untilClose
                if body == .untilClose { reusable = false }
            }
        } while status < 200
        return status
    }

    /// The next piece of the body; nil once it is complete. Resumable after a timeout.
    func readBodyPiece() throws(WireError) -> [UInt8]? {
        while true {
            switch body {
            case .done:
                idleSinceNanoseconds = MonotonicClock.nowNanoseconds()
                return nil
            case .fixed(let remaining):
                if remaining == 0 { body = .done; continue }
                let piece = try socket.readSome(max: remaining)
                if piece.isEmpty { throw .connectionClosed }
                body = .fixed(remaining: remaining - piece.count)
                return piece
            case .untilClose:
                let piece = try socket.readSome()
                if piece.isEmpty { body = .done; continue }
                return piece
            case .chunkSize:
                guard let line = try socket.readLine() else { throw .connectionClosed }
                var size = 0
                var digits = 0
                for c in line {
                    guard let v = Self.hexValue(c) else { break }
                    size = size << 4 | v
                    digits += 1
                    if digits > 12 { throw .protocolViolation("chunk size") }
                }
                guard digits > 0 else { throw .protocolViolation("chunk size") }
                body = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let piece = try socket.readSome(max: remaining)
                if piece.isEmpty { throw .connectionClosed }
                body = piece.count == remaining ? .chunkEnd : .chunkData(remaining: remaining - piece.count)
                return piece
            case .chunkEnd:
                guard let line = try socket.readLine(), line.isEmpty else { throw .protocolViolation("chunk terminator") }
                body = .chunkSize
            case .trailers:
                guard let line = try socket.readLine() else { throw .connectionClosed }
                if line.isEmpty { body = .done }
            }
        }
    }

    /// Reads the rest of the body (at most `maxBytes`).
    func readWholeBody(maxBytes: Int = 64 << 20) throws(WireError) -> [UInt8] {
        var all: [UInt8] = []
        while let piece = try readBodyPiece() {
            all.append(contentsOf: piece)
            if all.count > maxBytes { throw .protocolViolation("body over \(maxBytes) bytes") }
        }
        return all
    }

    private static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
