/// How a message body is delimited on the wire.
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body (no `Content-Length`, no `Transfer-Encoding`).
    case none
    /// Exactly this many bytes follow the head.
    case contentLength(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// The parsed request line and headers of one HTTP/1.x request.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token, e.g. "POST".
    public var method: String
    /// The request target as sent, e.g. "/v3/kv/put?x=1".
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var versionMinor: Int
    /// The header fields in wire order.
    public var headers: HTTPHeaders
    /// Whether the connection may carry another request after this one.
    public var keepAlive: Bool
    /// How the request body is delimited.
    public var bodyFraming: HTTPBodyFraming
    /// Whether the client sent `Expect: 100-continue`.
    public var expectsContinue: Bool

    /// The target without its query string.
    public var path: Substring {
        if let q = target.firstIndex(of: "?") { return target[..<q] }
        return target[...]
    }
}
