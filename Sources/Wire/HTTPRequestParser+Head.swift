extension HTTPRequestParser {
    /// Decodes a complete head (request line, fields, final CRLF CRLF) whose line endings were
    /// already checked, and derives the body framing and keep-alive.
    static func decodeHead(_ bytes: UnsafeRawBufferPointer, maxHeaderCount: Int) throws(HTTPParseError) -> HTTPRequestHead {
        // Request line.
        guard let lineEnd = firstCR(bytes, from: 0) else { throw .malformedRequestLine }
        var i = 0
        while i < lineEnd && ASCII.isTokenChar(bytes[i]) { i += 1 }
        guard i > 0, i <= 32, i < lineEnd, bytes[i] == ASCII.space else { throw .malformedRequestLine }
        let method = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<i]), as: UTF8.self)
        let targetStart = i + 1
        var j = targetStart
        while j < lineEnd && bytes[j] > 32 && bytes[j] != 127 { j += 1 }
        guard j > targetStart, j < lineEnd, bytes[j] == ASCII.space else { throw .malformedRequestLine }
        let target = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<j]), as: UTF8.self)
        let version = bytes[(j + 1)..<lineEnd]
        let versionMinor: Int
        if ASCII.equalsLowercased(version, "http/1.1") && version.first == 72 { versionMinor = 1 }
        else if ASCII.equalsLowercased(version, "http/1.0") && version.first == 72 { versionMinor = 0 }
        else if isVersionShape(version) {
            throw .unsupportedVersion(String(decoding: UnsafeRawBufferPointer(rebasing: version), as: UTF8.self))
        } else { throw .malformedRequestLine }

        // Fields.
        var fields: [HTTPHeader] = []
        fields.reserveCapacity(8)
        var contentLength: Int? = nil
        var transferEncodingCount = 0
        var chunked = false
        var hostCount = 0
        var connectionClose = false
        var connectionKeepAlive = false
        var expectsContinue = false
        var lineStart = lineEnd + 2
        var lineNumber = 1
        while lineStart < bytes.count - 2 {
            guard let end = firstCR(bytes, from: lineStart) else { throw .invalidHeader(line: lineNumber) }
            if fields.count >= maxHeaderCount { throw .tooManyHeaders(limit: maxHeaderCount) }
            var k = lineStart
            while k < end && ASCII.isTokenChar(bytes[k]) { k += 1 }
            // No empty name, no whitespace before the colon, no obs-fold (line starting with SP/HTAB).
            guard k > lineStart, k < end, bytes[k] == ASCII.colon else { throw .invalidHeader(line: lineNumber) }
            let name = bytes[lineStart..<k]
            var valueStart = k + 1
            var valueEnd = end
            while valueStart < valueEnd && (bytes[valueStart] == ASCII.space || bytes[valueStart] == ASCII.tab) { valueStart += 1 }
            while valueEnd > valueStart && (bytes[valueEnd - 1] == ASCII.space || bytes[valueEnd - 1] == ASCII.tab) { valueEnd -= 1 }
            var v = valueStart
            while v < valueEnd {
                guard ASCII.isFieldValueChar(bytes[v]) else { throw .invalidHeader(line: lineNumber) }
                v += 1
            }
            let value = bytes[valueStart..<valueEnd]
            if ASCII.equalsLowercased(name, "content-length") {
                if contentLength != nil { throw .duplicateContentLength }
                contentLength = try parseContentLength(value)
            } else if ASCII.equalsLowercased(name, "transfer-encoding") {
                transferEncodingCount += 1
                chunked = ASCII.equalsLowercased(value, "chunked")
                if !chunked || transferEncodingCount > 1 { throw .unsupportedTransferEncoding }
            } else if ASCII.equalsLowercased(name, "host") {
                hostCount += 1
            } else if ASCII.equalsLowercased(name, "connection") {
                forEachCommaToken(value) { token in
                    if ASCII.equalsLowercased(token, "close") { connectionClose = true }
                    if ASCII.equalsLowercased(token, "keep-alive") { connectionKeepAlive = true }
                }
            } else if ASCII.equalsLowercased(name, "expect") {
                if ASCII.equalsLowercased(value, "100-continue") { expectsContinue = true }
            }
            fields.append(HTTPHeader(
                name: String(decoding: UnsafeRawBufferPointer(rebasing: name), as: UTF8.self),
                value: String(decoding: UnsafeRawBufferPointer(rebasing: value), as: UTF8.self)))
            lineStart = end + 2
            lineNumber += 1
        }
        if contentLength != nil && transferEncodingCount > 0 { throw .conflictingFraming }
        if transferEncodingCount > 0 && versionMinor == 0 { throw .unsupportedTransferEncoding }
        if versionMinor == 1 && hostCount != 1 { throw .missingOrDuplicateHost }
        if hostCount > 1 { throw .missingOrDuplicateHost }

        let framing: HTTPBodyFraming
        if chunked { framing = .chunked }
        else if let n = contentLength { framing = .contentLength(n) }
        else { framing = .none }
        let keepAlive = versionMinor == 1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return HTTPRequestHead(method: method, target: target, versionMinor: versionMinor,
                               headers: HTTPHeaders(fields), keepAlive: keepAlive, bodyFraming: framing,
                               expectsContinue: expectsContinue && versionMinor == 1)
    }

    @inline(__always)
    private static func firstCR(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == ASCII.cr { return i }
            i += 1
        }
        return nil
    }

    private static func isVersionShape(_ v: UnsafeRawBufferPointer.SubSequence) -> Bool {
        // "HTTP/" DIGIT "." DIGIT
        guard v.count == 8 else { return false }
        let s = v.startIndex
        return ASCII.equalsLowercased(v[s..<(s + 5)], "http/") && (48...57).contains(v[s + 5])
            && v[s + 6] == 46 && (48...57).contains(v[s + 7])
    }

    private static func parseContentLength(_ value: UnsafeRawBufferPointer.SubSequence) throws(HTTPParseError) -> Int {
        guard !value.isEmpty, value.count <= 18 else { throw .invalidContentLength }
        var n = 0
        for c in value {
            guard c >= 48 && c <= 57 else { throw .invalidContentLength }
            n = n * 10 + Int(c - 48)
        }
        return n
    }

    private static func forEachCommaToken(_ value: UnsafeRawBufferPointer.SubSequence,
                                          _ body: (UnsafeRawBufferPointer.SubSequence) -> Void) {
        var start = value.startIndex
        var i = value.startIndex
        while i <= value.endIndex {
            if i == value.endIndex || value[i] == 44 {
                var a = start
                var b = i
                while a < b && (value[a] == ASCII.space || value[a] == ASCII.tab) { a += 1 }
                while b > a && (value[b - 1] == ASCII.space || value[b - 1] == ASCII.tab) { b -= 1 }
                if a < b { body(value[a..<b]) }
                start = i + 1
            }
            i += 1
        }
    }
}
