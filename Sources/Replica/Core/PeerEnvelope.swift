import Raft

/// What members send each other over the peer transport: Raft messages, and the lease keep-alives
/// a follower forwards to the leader (lease deadlines live on the leader and are not replicated).
///
/// Layout: a tag byte, then the body (a Raft message's own binary form, or varints).
enum PeerEnvelope: Equatable, Sendable {
    case raft(Message)
    /// Renew a lease on the leader.
    case keepAlive(sequence: UInt64, leaseID: Int64)
    /// The leader's answer to `keepAlive` or `leaseTTL`: the TTL, or -1 for an unknown lease.
    case leaseAnswer(sequence: UInt64, ttlSeconds: Int64)
    /// Ask the leader for a lease's remaining TTL (deadlines live on the leader).
    case leaseTTL(sequence: UInt64, leaseID: Int64)

    func encoded() -> [UInt8] {
        switch self {
        case .raft(let m): return [1] + m.encoded()
        case .keepAlive(let seq, let lease): return Self.lease(tag: 2, seq, lease)
        case .leaseAnswer(let seq, let ttl): return Self.lease(tag: 3, seq, ttl)
        case .leaseTTL(let seq, let lease): return Self.lease(tag: 4, seq, lease)
        }
    }

    /// The encoding of `.raft(m)` for a snapshot message up to its snapshot data, for a snapshot of
    /// `dataCount` bytes: followed by the data it is the whole envelope (see
    /// ``Message/encodedSnapshotHead(dataCount:)``).
    static func raftSnapshotHead(_ m: Message, dataCount: Int) -> [UInt8] {
        [1] + m.encodedSnapshotHead(dataCount: dataCount)
    }

    /// The lease messages: tag, sequence (varint), one int64.
    private static func lease(tag: UInt8, _ sequence: UInt64, _ value: Int64) -> [UInt8] {
        var w = ByteWriter()
        w.byte(tag)
        w.uvarint(sequence)
        w.uint64(UInt64(bitPattern: value))
        return w.buffer
    }

    init(decoding bytes: [UInt8]) throws(Raft.DecodeError) {
        guard let tag = bytes.first else { throw .truncated(offset: 0) }
        switch tag {
        case 1:
            self = .raft(try Message(decoding: bytes, from: 1))
        case 2, 3, 4:
            var r = ByteReader(bytes, offset: 1)
            let seq = try r.uvarint()
            let value = Int64(bitPattern: try r.uint64())
            try r.expectEnd()
            switch tag {
            case 2: self = .keepAlive(sequence: seq, leaseID: value)
            case 3: self = .leaseAnswer(sequence: seq, ttlSeconds: value)
            default: self = .leaseTTL(sequence: seq, leaseID: value)
            }
        default:
            throw .malformed("unknown peer envelope tag \(tag)")
        }
    }
}
