/// A frame of the peer protocol.
///
/// Wire format (all integers little-endian):
///
///     offset 0  u32  payload length N (bytes after the 9-byte header)
///     offset 4  u8   type: 1 hello, 2 messages, 3 snapshot chunk
///     offset 5  u32  CRC-32C of the type byte followed by the payload
///     offset 9  N bytes of payload
///
/// Payloads: hello = u16 version, u64 node id, u64 cluster id. messages = u32 count, then per
/// message u32 length + bytes. snapshot chunk = u64 snapshot id, u64 total bytes, u64 offset, then
/// the chunk's bytes. Example: a messages frame carrying one message `[0xAA]` is
/// `09 00 00 00 | 02 | crc | 01 00 00 00 | 01 00 00 00 | AA`.
public enum PeerFrame: Sendable, Equatable {
    /// The first frame on every connection: who is dialing.
    case hello(nodeID: UInt64, clusterID: UInt64)
    /// A batch of opaque messages (Raft messages, to Wire just bytes).
    case messages([[UInt8]])
    /// One piece of a snapshot being streamed.
    case snapshotChunk(PeerSnapshotChunk)

    /// Bytes before the payload.
    public static let headerBytes = 9
    /// Protocol version carried in hello.
    public static let version: UInt16 = 1

    enum Kind: UInt8 {
        case hello = 1
        case messages = 2
        case snapshotChunk = 3
    }
}

/// One piece of a snapshot in flight from a peer.
public struct PeerSnapshotChunk: Sendable, Equatable {
    /// Identifies the snapshot among those from the same sender.
    public var snapshotID: UInt64
    /// Size of the whole snapshot.
    public var totalBytes: UInt64
    /// Where this piece starts.
    public var offset: UInt64
    /// The piece.
    public var bytes: [UInt8]

    /// Makes a chunk.
    public init(snapshotID: UInt64, totalBytes: UInt64, offset: UInt64, bytes: [UInt8]) {
        self.snapshotID = snapshotID
        self.totalBytes = totalBytes
        self.offset = offset
        self.bytes = bytes
    }

    /// True for the piece that completes the snapshot.
    public var isLast: Bool { offset + UInt64(bytes.count) == totalBytes }
}

/// Why a peer byte stream could not be decoded; the connection is closed.
public enum PeerFrameError: Error, Equatable, Sendable {
    /// The declared payload length exceeds the limit.
    case frameTooLarge(length: Int, limit: Int)
    /// The checksum does not match the bytes.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// An unknown frame type.
    case unknownType(UInt8)
    /// A payload that does not match its type's layout.
    case malformedPayload(type: UInt8, reason: String)
}
