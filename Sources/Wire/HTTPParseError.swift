/// Why a request could not be parsed; each maps to the status the server answers before closing.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// The request line is not `METHOD SP target SP HTTP/1.x`.
    case malformedRequestLine
    /// The version is well-formed but not HTTP/1.0 or HTTP/1.1.
    case unsupportedVersion(String)
    /// A line ended with a bare LF or contained a bare CR.
    case badLineEnding
    /// A header line is not `token ":" value` (whitespace before the colon, obs-fold, bad bytes).
    case invalidHeader(line: Int)
    /// The head (request line plus headers) exceeds the limit.
    case headerTooLarge(limitBytes: Int)
    /// More header fields than allowed.
    case tooManyHeaders(limit: Int)
    /// Both `Content-Length` and `Transfer-Encoding` were sent (a smuggling shape).
    case conflictingFraming
    /// `Content-Length` was sent more than once.
    case duplicateContentLength
    /// `Content-Length` is not a non-negative decimal integer.
    case invalidContentLength
    /// `Transfer-Encoding` is anything but a single `chunked`, or was sent with HTTP/1.0.
    case unsupportedTransferEncoding
    /// An HTTP/1.1 request without exactly one `Host` field.
    case missingOrDuplicateHost
    /// A chunk-size line is not hex digits with optional extensions, or is too long.
    case invalidChunkSize
    /// Chunk data was not followed by CRLF.
    case invalidChunkTerminator
    /// The body exceeds the limit.
    case bodyTooLarge(limitBytes: Int)

    /// The HTTP status the server sends for this error.
    public var statusCode: Int {
        switch self {
        case .headerTooLarge, .tooManyHeaders: return 431
        case .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        default: return 400
        }
    }
}
