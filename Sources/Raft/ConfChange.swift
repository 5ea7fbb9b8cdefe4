/// One membership change, carried in a `.confChange` log entry.
///
/// A change takes effect on every node as soon as its entry is appended to that node's log (not when it
/// commits), and is reverted if the entry is truncated away. The leader accepts at most one uncommitted
/// change at a time, and none before it has committed an entry of its own term.
public struct ConfChange: Sendable, Equatable, Hashable {
    /// What the change does to the membership.
    public enum Kind: UInt8, Sendable, Equatable, Hashable {
        /// Add a voter, or promote a learner to voter.
        case addVoter = 0
        /// Add a non-voting member that receives the log.
        case addLearner = 1
        /// Remove a voter or a learner.
        case removeNode = 2
    }

    public var kind: Kind
    public var nodeID: NodeID
    /// Opaque bytes for the application (for example the new member's addresses).
    public var context: [UInt8]

    public init(kind: Kind, nodeID: NodeID, context: [UInt8] = []) {
        self.kind = kind
        self.nodeID = nodeID
        self.context = context
    }

    /// The membership after applying `changes` in order to `conf`. Changes that make no sense
    /// (adding a voter as a learner, removing an absent node) leave `conf` unchanged.
    public static func apply(_ changes: [ConfChange], to conf: ConfState) -> ConfState {
        var voters = conf.voters
        var learners = conf.learners
        for change in changes where change.nodeID != noNode {
            let id = change.nodeID
            switch change.kind {
            case .addVoter:
                learners.removeAll { $0 == id }
                if !voters.contains(id) { voters.append(id) }
            case .addLearner:
                if !voters.contains(id) && !learners.contains(id) { learners.append(id) }
            case .removeNode:
                voters.removeAll { $0 == id }
                learners.removeAll { $0 == id }
            }
        }
        return ConfState(voters: voters, learners: learners)
    }

    /// Encodes a list of changes as the data of a `.confChange` entry.
    public static func encode(_ changes: [ConfChange]) -> [UInt8] {
        var writer = ByteWriter()
        writer.uvarint(UInt64(changes.count))
        for change in changes {
            writer.byte(change.kind.rawValue)
            writer.uvarint(change.nodeID)
            writer.bytes(change.context)
        }
        return writer.buffer
    }

    /// Decodes the data of a `.confChange` entry.
    public static func decode(_ data: [UInt8]) throws(DecodeError) -> [ConfChange] {
        var reader = ByteReader(data)
        let count = try reader.uvarint()
        guard count <= UInt64(data.count) else { throw DecodeError.malformed("conf change count \(count)") }
        var changes: [ConfChange] = []
        for _ in 0..<count {
            guard let kind = Kind(rawValue: try reader.byte()) else {
                throw DecodeError.malformed("unknown conf change kind")
            }
            let nodeID = try reader.uvarint()
            let context = try reader.bytes()
            changes.append(ConfChange(kind: kind, nodeID: nodeID, context: context))
        }
        try reader.expectEnd()
        return changes
    }
}
