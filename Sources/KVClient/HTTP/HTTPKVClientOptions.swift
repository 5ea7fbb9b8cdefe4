import Wire

/// How an ``HTTPKVClient`` connects and waits.
public struct HTTPKVClientOptions: Sendable {
    /// Limit of a connect, and of each read and write of a request (the member answers "request
    /// timed out" after its own request timeout, 5 s by default, so keep this above that).
    public var requestTimeoutNanoseconds: UInt64 = 15_000_000_000
    /// Threads that run the blocking HTTP calls (at most this many requests in flight).
    public var threadCount = 4
    /// Idle keep-alive connections kept per member.
    public var maxIdleConnectionsPerMember = 4
    /// An idle connection older than this is closed rather than reused (the member closes idle
    /// connections after 60 s; reusing one it has just closed would make a write's outcome unknown).
    public var maxIdleNanoseconds: UInt64 = 20_000_000_000
    /// Largest answer read (a range over many keys is one answer); a larger one fails `.transport`.
    public var maxResponseBytes = 256 << 20
    /// How often a watch thread looks for `cancel()` while its stream is quiet.
    public var watchPollNanoseconds: UInt64 = 100_000_000

    /// The defaults above.
    public init() {}
}
