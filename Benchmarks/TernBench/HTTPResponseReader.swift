/// Incremental HTTP/1.1 response decoder for the client side: status line and headers, then a body
/// framed by Content-Length or chunked transfer coding, handed to the caller piece by piece.
struct HTTPResponseReader {
    /// What the decoder found in the bytes it was given.
    enum Event {
        /// The head is complete; `status` is the HTTP status code.
        case head(status: Int)
        /// A piece of (de-chunked) body: `count` bytes at `offset` of the caller's buffer.
        case body(offset: Int, count: Int)
        /// The response is complete; the connection may carry the next one.
        case end
    }

    /// A framing error: the bytes are not a valid HTTP/1.1 response.
    struct MalformedResponse: Error { let reason: String }

    private enum State { case head, fixed(Int), chunkSize, chunkData(Int), chunkEnd, trailer }
    private var state = State.head

    /// Decodes from `base[start..<end]`, calling `sink` per event; returns the new start (bytes
    /// before it are consumed). Stops early at `.end` so one response is decoded at a time.
    mutating func decode(_ base: UnsafePointer<UInt8>, start: Int, end: Int,
                         _ sink: (Event) -> Void) throws(MalformedResponse) -> Int {
        var i = start
        while i < end {
            switch state {
            case .head:
                guard let h = ByteSearch.find("\r\n\r\n", in: base, from: i, end: end) else { return i }
                // "HTTP/1.1 200 ..."
                guard h - i >= 12, let status = ByteSearch.decimal(in: base, at: i + 9, end: h) else {
                    throw MalformedResponse(reason: "bad status line")
                }
                var contentLength = -1
                var chunked = false
                var line = i
                while line < h {
                    let eol = ByteSearch.find("\r\n", in: base, from: line, end: h + 2) ?? h
                    if let colon = ByteSearch.find(":", in: base, from: line, end: eol) {
                        if Self.nameIs("content-length", base + line, colon - line) {
                            var v = colon + 1
                            while v < eol, base[v] == 32 { v += 1 }
                            contentLength = Int(ByteSearch.decimal(in: base, at: v, end: eol) ?? -1)
                        } else if Self.nameIs("transfer-encoding", base + line, colon - line) {
                            chunked = ByteSearch.find("chunked", in: base, from: colon, end: eol) != nil
                        }
                    }
                    line = eol + 2
                }
                i = h + 4
                sink(.head(status: Int(status)))
                if chunked {
                    state = .chunkSize
                } else if contentLength > 0 {
                    state = .fixed(contentLength)
                } else {
                    state = .head
                    sink(.end)
                    return i
                }
            case .fixed(let remaining):
                let n = min(remaining, end - i)
                sink(.body(offset: i, count: n))
                i += n
                if n == remaining {
                    state = .head
                    sink(.end)
                    return i
                }
                state = .fixed(remaining - n)
            case .chunkSize:
                guard let eol = ByteSearch.find("\r\n", in: base, from: i, end: end) else { return i }
                var size = 0
                var p = i
                while p < eol {
                    let c = base[p]
                    let d: Int
                    switch c {
                    case 48...57: d = Int(c) - 48
                    case 97...102: d = Int(c) - 87
                    case 65...70: d = Int(c) - 55
                    default: d = -1
                    }
                    if d < 0 { break }
                    size = size * 16 + d
                    p += 1
                }
                if p == i { throw MalformedResponse(reason: "bad chunk size") }
                i = eol + 2
                state = size == 0 ? .trailer : .chunkData(size)
            case .chunkData(let remaining):
                let n = min(remaining, end - i)
                sink(.body(offset: i, count: n))
                i += n
                state = n == remaining ? .chunkEnd : .chunkData(remaining - n)
            case .chunkEnd:
                guard end - i >= 2 else { return i }
                i += 2
                state = .chunkSize
            case .trailer:
                guard let eol = ByteSearch.find("\r\n", in: base, from: i, end: end) else { return i }
                let emptyLine = eol == i
                i = eol + 2
                if emptyLine {
                    // An empty line ends the trailer section (trailer fields are skipped).
                    state = .head
                    sink(.end)
                    return i
                }
            }
        }
        return i
    }

    /// Case-insensitive comparison of a header name with a lower-case ASCII name.
    @inline(__always)
    private static func nameIs(_ lower: StaticString, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count == lower.utf8CodeUnitCount else { return false }
        let l = lower.utf8Start
        for k in 0..<count where bytes[k] | 0x20 != l[k] && bytes[k] != l[k] { return false }
        return true
    }
}
