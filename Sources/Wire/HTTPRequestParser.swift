/// An incremental, allocation-light HTTP/1.x request parser for a server.
///
/// Feed it the unconsumed bytes of a connection; it returns at most one event and how many bytes it
/// consumed. It never reads past what it consumed, so pipelined requests stay in the caller's buffer.
/// Strict: bare LF, obs-fold, whitespace before a colon, `Content-Length` with `Transfer-Encoding`,
/// duplicate `Content-Length`, and any coding but a single `chunked` are errors (smuggling shapes).
///
/// Example: for `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc`, successive calls give
/// `.head` (consumed 46), `.body(0..<3)` (consumed 3), `.end` (consumed 0).
public struct HTTPRequestParser: Sendable {
    /// One step of parsing.
    public enum Event: Sendable, Equatable {
        /// A complete request head.
        case head(HTTPRequestHead)
        /// Body bytes at these offsets of the buffer passed in (chunk framing removed).
        case body(Range<Int>)
        /// The request (and its body) is complete; the parser expects the next request.
        case end
    }

    private enum State: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataTerminator
        case trailers
    }

    /// Maximum bytes of request line plus headers.
    public let maxHeaderBytes: Int
    /// Maximum number of header fields.
    public let maxHeaderCount: Int
    /// Maximum total body bytes of the current request; the server may raise it after `.head`
    /// for a streaming request. Checked against `Content-Length` and the sum of chunk sizes.
    public var bodyLimitBytes: Int

    private var state: State = .head
    private var headScanOffset = 0
    private var bodyBytesSeen = 0
    private var limitChecked = false

    /// Makes a parser with the given limits.
    public init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, bodyLimitBytes: Int = 1_572_864) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.bodyLimitBytes = bodyLimitBytes
    }

    /// True between requests (nothing of a next request consumed yet).
    public var isIdle: Bool {
        if case .head = state { return headScanOffset == 0 }
        return false
    }

    /// True while a body is being read (after `.head`, before `.end`).
    public var isInBody: Bool {
        if case .head = state { return false }
        return true
    }

    /// Parses the next event from `bytes` (the unconsumed input).
    /// - Returns: the event (nil when more input is needed) and the number of bytes consumed.
    /// - Throws: ``HTTPParseError``; the parser is then unusable and the connection must close.
    public mutating func next(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> (event: Event?, consumed: Int) {
        switch state {
        case .head:
            return try parseHead(bytes)
        case .fixedBody(let remaining):
            try checkLimit(declared: bodyBytesSeen + remaining)
            if remaining == 0 { return finishMessage() }
            guard !bytes.isEmpty else { return (nil, 0) }
            let n = min(remaining, bytes.count)
            bodyBytesSeen += n
            state = .fixedBody(remaining: remaining - n)
            return (.body(0..<n), n)
        case .chunkSize:
            return try parseChunkSize(bytes)
        case .chunkData(let remaining):
            guard !bytes.isEmpty else { return (nil, 0) }
            let n = min(remaining, bytes.count)
            state = n == remaining ? .chunkDataTerminator : .chunkData(remaining: remaining - n)
            return (.body(0..<n), n)
        case .chunkDataTerminator:
            guard bytes.count >= 2 else {
                if bytes.count == 1 && bytes[0] != ASCII.cr { throw .invalidChunkTerminator }
                return (nil, 0)
            }
            guard bytes[0] == ASCII.cr && bytes[1] == ASCII.lf else { throw .invalidChunkTerminator }
            state = .chunkSize
            return (nil, 2)
        case .trailers:
            return try parseTrailers(bytes)
        }
    }

    private mutating func checkLimit(declared: Int) throws(HTTPParseError) {
        if declared > bodyLimitBytes { throw .bodyTooLarge(limitBytes: bodyLimitBytes) }
    }

    private mutating func finishMessage() -> (event: Event?, consumed: Int) {
        state = .head
        headScanOffset = 0
        bodyBytesSeen = 0
        return (.end, 0)
    }

    /// Finds the CRLF ending a line starting at `start`; nil if not yet present. Throws on a bare
    /// LF or a CR not followed by LF.
    @inline(__always)
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(HTTPParseError) -> Int? {
        var i = start
        let count = bytes.count
        while i < count {
            let c = bytes[i]
            if c == ASCII.lf { throw .badLineEnding }
            if c == ASCII.cr {
                if i + 1 == count { return nil }
                if bytes[i + 1] != ASCII.lf { throw .badLineEnding }
                return i
            }
            i += 1
        }
        return nil
    }

    private mutating func parseHead(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> (event: Event?, consumed: Int) {
        // Tolerate (and consume) empty lines before a request line, as RFC 9112 suggests.
        if headScanOffset == 0 {
            var skip = 0
            while skip + 1 < bytes.count && bytes[skip] == ASCII.cr && bytes[skip + 1] == ASCII.lf { skip += 2 }
            if skip > 0 { return (nil, skip) }
            if bytes.count == 1 && bytes[0] == ASCII.cr { return (nil, 0) }
        }
        // Find the blank line that ends the head, scanning only new bytes each call.
        let limit = min(bytes.count, maxHeaderBytes)
        var i = max(0, headScanOffset - 3)
        var headEnd = -1
        while i < limit {
            let c = bytes[i]
            if c == ASCII.lf {
                if i == 0 || bytes[i - 1] != ASCII.cr { throw .badLineEnding }
                if i >= 3 && bytes[i - 2] == ASCII.lf && bytes[i - 3] == ASCII.cr {
                    headEnd = i + 1
                    break
                }
            } else if i > 0 && bytes[i - 1] == ASCII.cr {
                throw .badLineEnding
            }
            i += 1
        }
        if headEnd < 0 {
            if bytes.count >= maxHeaderBytes { throw .headerTooLarge(limitBytes: maxHeaderBytes) }
            headScanOffset = bytes.count
            return (nil, 0)
        }
        let head = try Self.decodeHead(UnsafeRawBufferPointer(rebasing: bytes[0..<headEnd]), maxHeaderCount: maxHeaderCount)
        headScanOffset = 0
        bodyBytesSeen = 0
        switch head.bodyFraming {
        case .none: state = .fixedBody(remaining: 0)
        case .contentLength(let n): state = .fixedBody(remaining: n)
        case .chunked: state = .chunkSize
        }
        return (.head(head), headEnd)
    }

    private mutating func parseChunkSize(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> (event: Event?, consumed: Int) {
        let maxLine = 1024
        guard let end = try Self.lineEnd(bytes, from: 0) else {
            if bytes.count > maxLine { throw .invalidChunkSize }
            return (nil, 0)
        }
        if end > maxLine { throw .invalidChunkSize }
        var size = 0
        var digits = 0
        var i = 0
        while i < end, let v = ASCII.hexValue(bytes[i]) {
            digits += 1
            if digits > 15 { throw .invalidChunkSize }
            size = size << 4 | v
            i += 1
        }
        guard digits > 0 else { throw .invalidChunkSize }
        // Optional BWS then ";" extensions; anything else after the digits is an error.
        while i < end && (bytes[i] == ASCII.space || bytes[i] == ASCII.tab) { i += 1 }
        if i < end {
            guard bytes[i] == ASCII.semicolon else { throw .invalidChunkSize }
            while i < end {
                guard ASCII.isFieldValueChar(bytes[i]) else { throw .invalidChunkSize }
                i += 1
            }
        }
        bodyBytesSeen += size
        try checkLimit(declared: bodyBytesSeen)
        state = size == 0 ? .trailers : .chunkData(remaining: size)
        return (nil, end + 2)
    }

    private mutating func parseTrailers(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> (event: Event?, consumed: Int) {
        // Trailer fields are validated for line endings and size, then ignored.
        guard let end = try Self.lineEnd(bytes, from: 0) else {
            if bytes.count > maxHeaderBytes { throw .headerTooLarge(limitBytes: maxHeaderBytes) }
            return (nil, 0)
        }
        if end == 0 {
            let result = finishMessage()
            return (result.event, 2)
        }
        if bytes[0] == ASCII.space || bytes[0] == ASCII.tab { throw .invalidHeader(line: 0) }
        headScanOffset += end + 2
        if headScanOffset > maxHeaderBytes { throw .headerTooLarge(limitBytes: maxHeaderBytes) }
        return (nil, end + 2)
    }
}
