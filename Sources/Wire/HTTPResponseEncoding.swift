/// Serializes response heads and chunk framing into bytes.
enum HTTPResponseEncoding {
    /// The reason phrase for common statuses ("Unknown" otherwise; clients ignore it).
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Unknown"
        }
    }

    /// Whether a response with this status never carries a body.
    static func forbidsBody(_ status: Int) -> Bool {
        (100..<200).contains(status) || status == 204 || status == 304
    }

    /// Encodes `HTTP/1.1 status reason`, the fields, and the framing fields chosen by the caller.
    static func head(status: Int, headers: HTTPHeaders, contentLength: Int?, chunked: Bool, close: Bool,
                     into out: inout [UInt8]) {
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status, into: &out)
        out.append(ASCII.space)
        out.append(contentsOf: reason(status).utf8)
        out.append(contentsOf: "\r\n".utf8)
        for field in headers.fields {
            if isFramingField(field.name) { continue }
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if let length = contentLength {
            out.append(contentsOf: "content-length: ".utf8)
            appendDecimal(length, into: &out)
            out.append(contentsOf: "\r\n".utf8)
        } else if chunked {
            out.append(contentsOf: "transfer-encoding: chunked\r\n".utf8)
        }
        if close { out.append(contentsOf: "connection: close\r\n".utf8) }
        out.append(contentsOf: "\r\n".utf8)
    }

    /// Whether a handler-supplied field is one the server sets itself (framing and connection).
    @inline(__always)
    static func isFramingField(_ name: String) -> Bool {
        switch name.utf8.count {
        case 10: return name.asciiCaseInsensitiveEquals("connection")
        case 14: return name.asciiCaseInsensitiveEquals("content-length")
        case 17: return name.asciiCaseInsensitiveEquals("transfer-encoding")
        default: return false
        }
    }

    /// The `size CRLF` line that precedes a chunk.
    static func chunkHeader(_ size: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(12)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var shift = 60
        var started = false
        while shift >= 0 {
            let nibble = (size >> shift) & 0xF
            if nibble != 0 || started || shift == 0 {
                out.append(digits[nibble])
                started = true
            }
            shift -= 4
        }
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        return out
    }

    static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    static func appendDecimal(_ value: Int, into out: inout [UInt8]) {
        if value == 0 { out.append(48); return }
        var buffer: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value
        var count = 0
        withUnsafeMutableBytes(of: &buffer) { raw in
            while v > 0 && count < 20 {
                raw[19 - count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            }
            out.append(contentsOf: raw[(20 - count)...])
        }
    }
}
