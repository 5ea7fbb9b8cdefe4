/// A granted lease as replicated state: its TTLs and the keys attached to it.
///
/// Deadlines are not here: each member keeps its own (see ``Keyspace/expiredLeases(nowNanoseconds:)``).
public struct Lease: Sendable, Equatable {
    /// The lease ID.
    public var id: Int64
    /// The TTL it was granted with, in seconds.
    public var grantedTTLSeconds: Int64
    /// The remaining TTL last checkpointed by a leader (0 = none: use the granted TTL).
    public var checkpointedTTLSeconds: Int64
    /// Keys whose latest version is attached to this lease.
    public var keys: Set<ByteKey>

    /// A fresh lease with no keys.
    public init(id: Int64, grantedTTLSeconds: Int64, checkpointedTTLSeconds: Int64 = 0, keys: Set<ByteKey> = []) {
        self.id = id
        self.grantedTTLSeconds = grantedTTLSeconds
        self.checkpointedTTLSeconds = checkpointedTTLSeconds
        self.keys = keys
    }

    /// The TTL a new leader starts the lease with: the checkpointed remainder if any, else the granted TTL.
    public var effectiveTTLSeconds: Int64 {
        checkpointedTTLSeconds > 0 ? checkpointedTTLSeconds : grantedTTLSeconds
    }

    /// The attached keys in key order.
    public var sortedKeys: [ByteKey] { keys.sorted() }
}
