import Raft
import MVCC

/// Names a client request across the cluster: the member that received it and a number unique on
/// that member for this process's lifetime (a random start per incarnation keeps restarts apart).
struct RequestID: Hashable, Sendable {
    var origin: NodeID
    var sequence: UInt64
}

/// The payload of a normal Raft entry: who asked (so that member can answer its waiting client
/// when it applies the entry) and the write request itself, in MVCC's binary encoding.
///
/// Layout: version byte (1), origin (varint), sequence (varint), then the encoded `WriteRequest`.
/// An empty entry is a new leader's no-op and carries no proposal.
struct Proposal: Sendable, Equatable {
    static let version: UInt8 = 1

    var id: RequestID
    var request: WriteRequest

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.byte(Self.version)
        w.uvarint(id.origin)
        w.uvarint(id.sequence)
        w.buffer.append(contentsOf: WriteRequestCodec.encode(request))
        return w.buffer
    }

    /// Decodes an entry's data; a malformed entry is an error (it was validated before proposing).
    init(decoding data: [UInt8]) throws(ReplicaError) {
        var r = ByteReader(data)
        do {
            let version = try r.byte()
            guard version == Self.version else { throw ReplicaError.corruptEntry("proposal version \(version)") }
            id = RequestID(origin: try r.uvarint(), sequence: try r.uvarint())
        } catch let e as ReplicaError {
            throw e
        } catch {
            throw ReplicaError.corruptEntry("proposal header: \(error)")
        }
        do {
            request = try WriteRequestCodec.decode(Array(data[r.offset...]))
        } catch {
            throw ReplicaError.corruptEntry("write request: \(error)")
        }
    }

    init(id: RequestID, request: WriteRequest) {
        self.id = id
        self.request = request
    }
}

/// Failures of a replica that stop it (as opposed to a client's bad request).
public enum ReplicaError: Error, Equatable, Sendable, CustomStringConvertible {
    case corruptEntry(String)
    case storage(String)
    case configuration(String)
    case network(String)

    public var description: String {
        switch self {
        case .corruptEntry(let s): return "corrupt log entry: \(s)"
        case .storage(let s): return "storage: \(s)"
        case .configuration(let s): return "configuration: \(s)"
        case .network(let s): return "network: \(s)"
        }
    }
}
