extension Message {
    /// Version tag at the start of every encoded message.
    static let binaryVersion: UInt8 = 1

    /// Encodes the message for the peer transport (a compact binary form; no JSON on this path).
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 48 + entries.reduce(0) { $0 + $1.data.count + 12 })
        w.byte(Self.binaryVersion)
        w.byte(kind.rawValue)
        w.uvarint(from)
        w.uvarint(to)
        w.uvarint(term)
        w.uvarint(logTerm)
        w.uvarint(index)
        w.uvarint(commit)
        w.byte(reject ? 1 : 0)
        w.uvarint(rejectHint)
        w.bytes(context)
        w.uvarint(UInt64(entries.count))
        for e in entries { e.encode(into: &w) }
        if let snapshot {
            w.byte(1)
            snapshot.encode(into: &w)
        } else {
            w.byte(0)
        }
        return w.buffer
    }

    /// The encoding of this snapshot message up to its snapshot data, for a snapshot of `dataCount`
    /// bytes: ``encoded()`` of the same message with the data attached is exactly this followed by
    /// the data (the data is the last field). Lets the sender stream a large snapshot from storage
    /// instead of holding it in memory. Any data already in `snapshot` is ignored.
    public func encodedSnapshotHead(dataCount: Int) -> [UInt8] {
        var head = self
        head.snapshot = Snapshot(metadata: snapshot?.metadata ?? SnapshotMetadata())
        var bytes = head.encoded()
        bytes.removeLast()  // the empty data's length, a one-byte varint 0
        var w = ByteWriter()
        w.uvarint(UInt64(dataCount))
        bytes.append(contentsOf: w.buffer)
        return bytes
    }

    /// Decodes what ``encoded()`` produced; anything else is a typed error, never a crash.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        try self.init(decoding: bytes, from: 0)
    }

    /// Decodes a message that starts at `offset` in `bytes` and runs to its end (no copy of the
    /// rest, which matters for a snapshot message).
    public init(decoding bytes: [UInt8], from offset: Int) throws(DecodeError) {
        var r = ByteReader(bytes, offset: offset)
        let version = try r.byte()
        guard version == Self.binaryVersion else { throw .malformed("message version \(version)") }
        guard let kind = Kind(rawValue: try r.byte()) else { throw .malformed("unknown message kind") }
        self.init(kind: kind, from: try r.uvarint(), to: try r.uvarint(), term: try r.uvarint())
        logTerm = try r.uvarint()
        index = try r.uvarint()
        commit = try r.uvarint()
        reject = try r.byte() != 0
        rejectHint = try r.uvarint()
        context = try r.bytes()
        let count = try r.uvarint()
        guard count <= UInt64(bytes.count) else { throw .malformed("entry count \(count)") }
        entries.reserveCapacity(Int(count))
        for _ in 0..<count { entries.append(try Entry(decoding: &r)) }
        if try r.byte() == 1 { snapshot = try Snapshot(decoding: &r) }
        try r.expectEnd()
    }
}

extension Entry {
    /// Appends the entry's binary form (term, index, kind, data).
    public func encode(into w: inout ByteWriter) {
        w.uvarint(term)
        w.uvarint(index)
        w.byte(kind.rawValue)
        w.bytes(data)
    }

    public init(decoding r: inout ByteReader) throws(DecodeError) {
        let term = try r.uvarint()
        let index = try r.uvarint()
        guard let kind = Kind(rawValue: try r.byte()) else { throw .malformed("unknown entry kind") }
        self.init(term: term, index: index, kind: kind, data: try r.bytes())
    }
}

extension ConfState {
    public func encode(into w: inout ByteWriter) {
        w.uvarint(UInt64(voters.count))
        voters.forEach { w.uvarint($0) }
        w.uvarint(UInt64(learners.count))
        learners.forEach { w.uvarint($0) }
    }

    public init(decoding r: inout ByteReader) throws(DecodeError) {
        func ids(_ r: inout ByteReader) throws(DecodeError) -> [NodeID] {
            let n = try r.uvarint()
            guard n <= 1 << 16 else { throw .malformed("member count \(n)") }
            var out: [NodeID] = []
            for _ in 0..<n { out.append(try r.uvarint()) }
            return out
        }
        self.init(voters: try ids(&r), learners: try ids(&r))
    }
}

extension SnapshotMetadata {
    public func encode(into w: inout ByteWriter) {
        w.uvarint(index)
        w.uvarint(term)
        confState.encode(into: &w)
    }

    public init(decoding r: inout ByteReader) throws(DecodeError) {
        self.init(index: try r.uvarint(), term: try r.uvarint(), confState: try ConfState(decoding: &r))
    }
}

extension Snapshot {
    public func encode(into w: inout ByteWriter) {
        metadata.encode(into: &w)
        w.bytes(data)
    }

    public init(decoding r: inout ByteReader) throws(DecodeError) {
        self.init(metadata: try SnapshotMetadata(decoding: &r), data: try r.bytes())
    }
}
