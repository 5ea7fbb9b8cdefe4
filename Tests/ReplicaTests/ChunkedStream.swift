import Testing
import Wire
import JSON

/// A raw HTTP/1.1 connection that reads a chunked response chunk by chunk, so tests can check
/// etcd's framing: each watch message is exactly one chunk holding one JSON object and a newline.
final class ChunkedStream {
    let socket: BlockingSocket
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]
    private var headRead = false
    private(set) var ended = false

    init(host: String, port: UInt16, timeoutNanoseconds: UInt64 = 5_000_000_000) throws {
        socket = try BlockingSocket(connectingTo: SocketAddress(host: host, port: port), timeoutNanoseconds: timeoutNanoseconds)
    }

    deinit { socket.close() }

    func start(path: String, firstChunk: [UInt8], finish: Bool) throws {
        var out = Array("POST \(path) HTTP/1.1\r\nhost: test\r\ntransfer-encoding: chunked\r\n\r\n".utf8)
        if !firstChunk.isEmpty { out += Self.chunk(firstChunk) }
        if finish { out += Array("0\r\n\r\n".utf8) }
        try socket.write(out)
    }

    /// Sends more of the request body (a Tern extension: the watch reads an open body).
    func send(_ text: String) throws { try socket.write(Self.chunk(Array(text.utf8))) }

    func finishBody() throws { try socket.write(Array("0\r\n\r\n".utf8)) }

    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        Array(String(bytes.count, radix: 16).utf8) + [0x0d, 0x0a] + bytes + [0x0d, 0x0a]
    }

    private func readHead() throws {
        guard !headRead else { return }
        headRead = true
        guard let statusLine = try socket.readLine() else { throw TestFailure("connection closed before the status line") }
        let parts = String(decoding: statusLine, as: UTF8.self).split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1]) else { throw TestFailure("bad status line") }
        status = code
        while let line = try socket.readLine(), !line.isEmpty {
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { continue }
            headers[text[..<colon].lowercased()] = String(text[text.index(after: colon)...].drop { $0 == " " })
        }
    }

    /// The response status, after reading the head.
    func responseStatus() throws -> Int {
        try readHead()
        return status
    }

    /// The next chunk's bytes; nil at the end of the body. A non-chunked body is returned whole.
    func nextChunk() throws -> [UInt8]? {
        try readHead()
        if ended { return nil }
        if headers["transfer-encoding"] != "chunked" {
            ended = true
            return try socket.readExactly(Int(headers["content-length"] ?? "0") ?? 0)
        }
        guard let sizeLine = try socket.readLine(), let size = Int(String(decoding: sizeLine, as: UTF8.self), radix: 16) else {
            throw TestFailure("bad chunk size line")
        }
        if size == 0 {
            _ = try socket.readLine()
            ended = true
            return nil
        }
        let bytes = try socket.readExactly(size)
        _ = try socket.readLine()
        return bytes
    }

    /// The next watch message: one chunk that must be exactly one JSON object followed by "\n".
    func nextMessage(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        guard let chunk = try nextChunk() else { throw TestFailure("the stream ended") }
        #expect(chunk.last == 0x0a, "a watch chunk ends with a newline", sourceLocation: sourceLocation)
        #expect(chunk.dropLast().firstIndex(of: 0x0a) == nil, "one object per chunk", sourceLocation: sourceLocation)
        return try JSONParser.parse(Array(chunk.dropLast()))
    }

    func close() { socket.close() }
}
