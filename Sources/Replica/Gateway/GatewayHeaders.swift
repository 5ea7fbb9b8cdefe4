import Wire

/// The response header fields etcd 3.4's gateway sends.
enum GatewayHeaders {
    static let cors: [(String, String)] = [
        ("Access-Control-Allow-Headers", "accept, content-type, authorization"),
        ("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE"),
        ("Access-Control-Allow-Origin", "*"),
    ]

    /// A unary JSON answer.
    static let json: HTTPHeaders = {
        var h = HTTPHeaders()
        for (n, v) in cors { h.add(name: n, value: v) }
        h.add(name: "Content-Type", value: "application/json")
        h.add(name: "Grpc-Metadata-Content-Type", value: "application/grpc")
        return h
    }()

    /// A streaming answer (watch, keep-alive): chunked, one JSON object per chunk.
    static let streaming: HTTPHeaders = json

    static let text: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
}
