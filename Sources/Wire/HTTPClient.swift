/// A response read by ``HTTPClient``.
public struct HTTPClientResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// The header fields.
    public var headers: HTTPHeaders
    /// The whole body (empty for a streamed response until read).
    public var body: [UInt8]
}

/// A simple blocking HTTP/1.1 client over one keep-alive connection (reconnects when the server
/// closed it): `Content-Length`, chunked and close-delimited responses, chunked request bodies,
/// and line-by-line reading of a streamed response (watch streams). For the CLI, tests, benchmarks.
/// - Warning: use from one ordinary thread at a time (blocking calls; never on the concurrency pool).
public final class HTTPClient {
    /// The server's address.
    public let address: SocketAddress
    /// Timeout for connect and for each read or write.
    public var timeoutNanoseconds: UInt64
    private var socket: BlockingSocket?
    private var body = ResponseBodyState.none
    private var mustClose = false

    private enum ResponseBodyState {
        case none
        case fixed(remaining: Int)
        case chunked(remainingInChunk: Int)   // 0: a size line comes next
        case untilClose
        case finished
    }

    /// Makes a client; it connects lazily on the first request.
    public init(address: SocketAddress, timeoutNanoseconds: UInt64 = 5_000_000_000) {
        self.address = address
        self.timeoutNanoseconds = timeoutNanoseconds
    }

    /// Closes the connection.
    public func close() {
        socket?.close()
        socket = nil
    }

    private func connection() throws(WireError) -> BlockingSocket {
        if let socket, socket.isOpen, !mustClose { return socket }
        socket?.close()
        mustClose = false
        let fresh = try BlockingSocket(connectingTo: address, timeoutNanoseconds: timeoutNanoseconds)
        socket = fresh
        return fresh
    }

    /// Sends a request with a `Content-Length` body and reads the whole response.
    ///
    /// When a reused keep-alive connection turns out to be closed before any byte of the response
    /// arrived (the server timed it out), the request is sent once more on a fresh connection.
    /// - Throws: ``WireError`` on connect, timeout, closed connection or a malformed response.
    public func request(method: String, path: String, headers: HTTPHeaders = HTTPHeaders(),
                        body: [UInt8] = []) throws(WireError) -> HTTPClientResponse {
        let reused = socket?.isOpen == true && !mustClose
        do {
            return try requestOnce(method: method, path: path, headers: headers, body: body)
        } catch .connectionClosed where reused && !responseStarted {
            close()
            return try requestOnce(method: method, path: path, headers: headers, body: body)
        }
    }

    private var responseStarted = false

    private func requestOnce(method: String, path: String, headers: HTTPHeaders, body: [UInt8]) throws(WireError) -> HTTPClientResponse {
        let sock = try connection()
        responseStarted = false
        var bytes = Self.encodeHead(method: method, path: path, host: address.description, headers: headers,
                                    framing: body.isEmpty && (method == "GET" || method == "HEAD") ? .none : .contentLength(body.count))
        bytes.append(contentsOf: body)
        try sock.write(bytes)
        var response = try readResponseHead(forHEAD: method == "HEAD")
        response.body = try readWholeBody()
        return response
    }

    /// Sends a request head with a chunked body; follow with ``sendBodyChunk(_:)`` and
    /// ``finishBody()`` (a watch keeps the body open while reading the response).
    public func startStreamingRequest(method: String, path: String, headers: HTTPHeaders = HTTPHeaders()) throws(WireError) {
        let sock = try connection()
        try sock.write(Self.encodeHead(method: method, path: path, host: address.description, headers: headers, framing: .chunked))
    }

    /// Sends one chunk of a streaming request body.
    public func sendBodyChunk(_ bytes: [UInt8]) throws(WireError) {
        guard let sock = socket, !bytes.isEmpty else { return }
        var out = HTTPResponseEncoding.chunkHeader(bytes.count)
        out.append(contentsOf: bytes)
        out.append(contentsOf: HTTPResponseEncoding.crlf)
        try sock.write(out)
    }

    /// Ends a streaming request body.
    public func finishBody() throws(WireError) {
        try socket?.write(HTTPResponseEncoding.lastChunk)
    }

    /// Reads a response's status line and fields; the body is read next with ``readWholeBody()``,
    /// ``readBodyLine()`` or ``readBodyPiece()``.
    public func readResponseHead(forHEAD: Bool = false) throws(WireError) -> HTTPClientResponse {
        guard let sock = socket else { throw .connectionClosed }
        var status = 0
        var headers = HTTPHeaders()
        // Skip interim 1xx responses.
        repeat {
            guard let statusLine = try sock.readLine() else { throw .connectionClosed }
            responseStarted = true
            let parts = statusLine.split(separator: ASCII.space, maxSplits: 2)
            guard parts.count >= 2, parts[0].starts(with: Array("HTTP/1.".utf8)), parts[1].count == 3,
                  parts[1].allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let code = Int(String(decoding: parts[1], as: UTF8.self)), code >= 100 else {
                throw .protocolViolation("bad status line")
            }
            status = code
            headers = HTTPHeaders()
            while true {
                guard let line = try sock.readLine() else { throw .connectionClosed }
                if line.isEmpty { break }
                guard let colon = line.firstIndex(of: ASCII.colon) else { throw .protocolViolation("bad header line") }
                let name = String(decoding: line[..<colon], as: UTF8.self)
                let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingASCIISpaces()
                headers.add(name: name, value: value)
            }
        } while (100..<200).contains(status)
        if let connection = headers["connection"], connection.asciiCaseInsensitiveEquals("close") { mustClose = true }
        if forHEAD || status == 204 || status == 304 {
            body = .finished
        } else if let te = headers["transfer-encoding"] {
            guard te.asciiCaseInsensitiveEquals("chunked") else { throw .protocolViolation("transfer-encoding \(te)") }
            body = .chunked(remainingInChunk: 0)
        } else if let cl = headers["content-length"] {
            guard let n = Int(cl), n >= 0 else { throw .protocolViolation("content-length \(cl)") }
            body = .fixed(remaining: n)
        } else {
            body = .untilClose
            mustClose = true
        }
        return HTTPClientResponse(status: status, headers: headers, body: [])
    }

    /// Reads the next piece of the response body; nil once the body is complete.
    public func readBodyPiece() throws(WireError) -> [UInt8]? {
        guard let sock = socket else { throw .connectionClosed }
        while true {
            switch body {
            case .none, .finished:
                return nil
            case .fixed(let remaining):
                if remaining == 0 { body = .finished; return nil }
                let piece = try sock.readSome(max: remaining)
                if piece.isEmpty { throw .connectionClosed }
                body = .fixed(remaining: remaining - piece.count)
                return piece
            case .untilClose:
                let piece = try sock.readSome()
                if piece.isEmpty { body = .finished; return nil }
                return piece
            case .chunked(let remaining):
                if remaining > 0 {
                    let piece = try sock.readSome(max: remaining)
                    if piece.isEmpty { throw .connectionClosed }
                    if piece.count == remaining {
                        guard let crlf = try sock.readLine(), crlf.isEmpty else { throw .protocolViolation("chunk terminator") }
                        body = .chunked(remainingInChunk: 0)
                    } else {
                        body = .chunked(remainingInChunk: remaining - piece.count)
                    }
                    return piece
                }
                guard let line = try sock.readLine() else { throw .connectionClosed }
                let digits = line.prefix { ASCII.hexValue($0) != nil }
                guard !digits.isEmpty, digits.count <= 15 else { throw .protocolViolation("chunk size") }
                let size = digits.reduce(0) { $0 << 4 | ASCII.hexValue($1)! }
                if size == 0 {
                    while let trailer = try sock.readLine(), !trailer.isEmpty {}
                    body = .finished
                    return nil
                }
                body = .chunked(remainingInChunk: size)
            }
        }
    }

    /// Reads the rest of the body.
    public func readWholeBody(maxBytes: Int = 64 << 20) throws(WireError) -> [UInt8] {
        var all: [UInt8] = []
        while let piece = try readBodyPiece() {
            all.append(contentsOf: piece)
            if all.count > maxBytes { throw .protocolViolation("body over \(maxBytes) bytes") }
        }
        if mustClose { close() }
        return all
    }

    private var lineBuffer: [UInt8] = []

    /// Reads the next LF-terminated line of a streamed body (newline-separated JSON objects);
    /// nil at the end of the body (a trailing partial line is returned first).
    public func readBodyLine(maxBytes: Int = 16 << 20) throws(WireError) -> [UInt8]? {
        while true {
            if let lf = lineBuffer.firstIndex(of: ASCII.lf) {
                let line = Array(lineBuffer[..<lf])
                lineBuffer.removeFirst(lf + 1)
                return line
            }
            if lineBuffer.count > maxBytes { throw .protocolViolation("line over \(maxBytes) bytes") }
            guard let piece = try readBodyPiece() else {
                if lineBuffer.isEmpty { return nil }
                let rest = lineBuffer
                lineBuffer = []
                return rest
            }
            lineBuffer.append(contentsOf: piece)
        }
    }

    static func encodeHead(method: String, path: String, host: String, headers: HTTPHeaders,
                           framing: HTTPBodyFraming) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: method.utf8)
        out.append(ASCII.space)
        out.append(contentsOf: path.utf8)
        out.append(contentsOf: " HTTP/1.1\r\n".utf8)
        if !headers.contains("host") {
            out.append(contentsOf: "host: \(host)\r\n".utf8)
        }
        for field in headers.fields {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        switch framing {
        case .none: break
        case .contentLength(let n):
            out.append(contentsOf: "content-length: ".utf8)
            HTTPResponseEncoding.appendDecimal(n, into: &out)
            out.append(contentsOf: "\r\n".utf8)
        case .chunked:
            out.append(contentsOf: "transfer-encoding: chunked\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        return out
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
