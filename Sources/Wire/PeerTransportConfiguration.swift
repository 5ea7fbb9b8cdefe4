/// Settings of a ``PeerTransport``.
public struct PeerTransportConfiguration: Sendable {
    /// This member's id (sent in hello).
    public var nodeID: UInt64
    /// A cluster id; connections whose hello carries another one are refused.
    public var clusterID: UInt64 = 0
    /// Where this member accepts peer connections (port 0: ephemeral).
    public var listenAddress: SocketAddress
    /// The other members: id → peer address. Each is dialed; messages to others are refused.
    public var peers: [UInt64: SocketAddress]
    /// Whether an inbound hello from a node id not in ``peers`` is accepted (true while membership
    /// changes are in flight: a new member dials before everyone's configuration lists it).
    public var acceptsUnknownPeers: Bool = true
    /// Messages queued per peer before new ones are dropped (and counted).
    public var maxQueuedMessages: Int = 4096
    /// Bytes queued per peer before new messages are dropped.
    public var maxQueuedBytes: Int = 64 << 20
    /// Largest messages-frame payload built (a single larger message still gets its own frame).
    public var maxFramePayloadBytes: Int = 1 << 20
    /// Size of each snapshot chunk.
    public var snapshotChunkBytes: Int = 1 << 20
    /// Largest payload accepted from a peer.
    public var maxInboundPayloadBytes: Int = 64 << 20
    /// Bytes kept encoded ahead of the socket per peer (beyond it, messages wait in the queue).
    public var outputHighWaterBytes: Int = 1 << 20
    /// First reconnect delay; doubles per failure up to the maximum.
    public var reconnectMinNanoseconds: UInt64 = 50_000_000
    /// Longest reconnect delay.
    public var reconnectMaxNanoseconds: UInt64 = 2_000_000_000

    /// Makes a configuration with the defaults above.
    public init(nodeID: UInt64, listenAddress: SocketAddress, peers: [UInt64: SocketAddress]) {
        self.nodeID = nodeID
        self.listenAddress = listenAddress
        self.peers = peers
    }
}

/// Counters of one outbound peer.
public struct PeerStats: Sendable, Equatable {
    /// Whether the connection is up (hello sent).
    public var connected: Bool
    /// Messages written into frames.
    public var sentMessages: Int
    /// Messages refused because the queue was full (or lost with a broken connection).
    public var droppedMessages: Int
    /// Messages waiting in the queue.
    public var queuedMessages: Int
    /// Connections established so far.
    public var connects: Int
    /// Snapshot chunks written.
    public var sentSnapshotChunks: Int
    /// Snapshots abandoned because the connection broke.
    public var failedSnapshots: Int
}
