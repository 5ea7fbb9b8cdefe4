import Raft

/// The members the cluster knows, with their addresses: the founding members of `cluster.conf`,
/// changed by membership entries (whose context carries the new member's addresses). It is part of
/// every snapshot (MVCC's snapshot metadata blob), so a member restored or caught up from a snapshot
/// knows every peer.
struct MemberRegistry: Equatable, Sendable {
    private(set) var members: [NodeID: MemberConfig] = [:]

    init(_ list: [MemberConfig]) {
        for m in list { members[m.id] = m }
    }

    /// Members in id order.
    var sorted: [MemberConfig] { members.keys.sorted().compactMap { members[$0] } }

    subscript(id: NodeID) -> MemberConfig? { members[id] }

    mutating func add(_ m: MemberConfig) { members[m.id] = m }
    mutating func remove(_ id: NodeID) { members[id] = nil }

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.byte(1)
        w.uvarint(UInt64(members.count))
        for m in sorted { MemberRegistry.encode(m, into: &w) }
        return w.buffer
    }

    init(decoding bytes: [UInt8]) throws(Raft.DecodeError) {
        var r = ByteReader(bytes)
        guard try r.byte() == 1 else { throw .malformed("member registry version") }
        let n = try r.uvarint()
        guard n < 10_000 else { throw .malformed("member count \(n)") }
        for _ in 0..<n {
            let m = try MemberRegistry.decode(&r)
            members[m.id] = m
        }
    }

    static func encode(_ m: MemberConfig, into w: inout ByteWriter) {
        w.uvarint(m.id)
        w.bytes(Array(m.name.utf8))
        for hp in [m.client, m.peer, m.api] {
            w.bytes(Array(hp.host.utf8))
            w.uvarint(UInt64(hp.port))
        }
    }

    static func decode(_ r: inout ByteReader) throws(Raft.DecodeError) -> MemberConfig {
        let id = try r.uvarint()
        let name = String(decoding: try r.bytes(), as: UTF8.self)
        var addresses: [HostPort] = []
        for _ in 0..<3 {
            let host = String(decoding: try r.bytes(), as: UTF8.self)
            let port = try r.uvarint()
            guard port <= 65535 else { throw .malformed("port \(port)") }  // 0: not known
            addresses.append(HostPort(host: host, port: UInt16(port)))
        }
        return MemberConfig(name: name, id: id, client: addresses[0], peer: addresses[1], api: addresses[2])
    }
}

/// The context of a membership entry: which client asked (so its member can answer), and the
/// member being added (nil for removals and promotions).
struct MemberChangeContext: Equatable, Sendable {
    var request: RequestID
    var member: MemberConfig?

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.byte(1)
        w.uvarint(request.origin)
        w.uvarint(request.sequence)
        if let member {
            w.byte(1)
            MemberRegistry.encode(member, into: &w)
        } else {
            w.byte(0)
        }
        return w.buffer
    }

    init(request: RequestID, member: MemberConfig?) {
        self.request = request
        self.member = member
    }

    /// Nil for an empty context (the bootstrap entry's changes carry none).
    init?(decoding bytes: [UInt8]) {
        guard !bytes.isEmpty else { return nil }
        var r = ByteReader(bytes)
        do {
            guard try r.byte() == 1 else { return nil }
            request = RequestID(origin: try r.uvarint(), sequence: try r.uvarint())
            member = try r.byte() == 1 ? try MemberRegistry.decode(&r) : nil
        } catch {
            return nil
        }
    }
}

/// A membership change a client asked for.
enum MemberChange: Sendable {
    case add(MemberConfig, learner: Bool)
    case remove(NodeID)
    case promote(NodeID)
}

/// The members and which of them are learners, as answered to a member API call.
struct MembershipView: Sendable {
    var members: [MemberConfig]
    var learners: Set<NodeID>
    /// The member added by the call, if any.
    var added: MemberConfig?
}
