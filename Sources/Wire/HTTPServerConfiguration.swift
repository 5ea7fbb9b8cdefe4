/// How an ``HTTPServer`` spreads new connections over its loops.
public enum HTTPAcceptStrategy: Sendable, Equatable {
    /// One listening socket per loop bound with SO_REUSEPORT: the kernel picks the loop by hash.
    case reusePort
    /// One listening socket on the first loop, which hands each connection to the next loop in turn.
    case singleAcceptor
}

/// Limits and behaviour of an ``HTTPServer``.
public struct HTTPServerConfiguration: Sendable {
    /// Where to listen; port 0 picks an ephemeral port (read it back from ``HTTPServer/port``).
    public var address: SocketAddress
    /// Maximum bytes of request line plus headers (431 beyond).
    public var maxHeaderBytes: Int = 16 * 1024
    /// Maximum body bytes of an ordinary request (413 beyond); streaming requests are unbounded.
    public var maxBodyBytes: Int = 1_572_864
    /// Time allowed from the first byte of a request head to its end (408 and close beyond);
    /// trickling bytes does not extend it (slowloris).
    public var headerTimeoutNanoseconds: UInt64 = 10_000_000_000
    /// Time an idle keep-alive connection is kept open.
    public var idleTimeoutNanoseconds: UInt64 = 60_000_000_000
    /// Buffered response bytes above which writes return ``HTTPWriteResult/full``.
    public var outputHighWaterBytes: Int = 1 << 20
    /// Buffered response bytes at or below which the writability callback runs.
    public var outputLowWaterBytes: Int = 256 << 10
    /// Open connections allowed in total (split evenly over the loops); beyond it new connections
    /// are closed at once and counted in ``HTTPServerStats/refusedConnections``.
    public var maxConnections: Int = 10_000
    /// How new connections are spread over the loops.
    public var acceptStrategy: HTTPAcceptStrategy = .reusePort
    /// Decides, from the head, whether a request's body is streamed to the handler as it arrives
    /// (the handler is then called at once with ``HTTPServerRequest/bodyStream``).
    public var streamsRequestBody: @Sendable (HTTPRequestHead) -> Bool = { _ in false }

    /// Makes a configuration with the defaults above.
    public init(address: SocketAddress) {
        self.address = address
    }
}
