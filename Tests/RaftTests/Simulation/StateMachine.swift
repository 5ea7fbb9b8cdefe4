import Raft

/// The simulated application: a hash chain over every applied entry, so two nodes that applied
/// different entries at the same index end with different hashes at that index.
struct ChainStateMachine: Equatable {
    var appliedIndex: UInt64 = 0
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Normal, non-empty commands applied, in order (for checking acknowledgements).
    var commands: [[UInt8]] = []

    mutating func apply(_ e: Entry) {
        precondition(e.index == appliedIndex + 1, "applied \(e.index) after \(appliedIndex)")
        appliedIndex = e.index
        hash = Self.mix(hash, e)
        if e.kind == .normal && !e.data.isEmpty { commands.append(e.data) }
    }

    static func mix(_ h: UInt64, _ e: Entry) -> UInt64 {
        var h = h
        func add(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        withUnsafeBytes(of: e.term) { $0.forEach(add) }
        withUnsafeBytes(of: e.index) { $0.forEach(add) }
        add(e.kind.rawValue)
        e.data.forEach(add)
        return h
    }

    /// Snapshot bytes: index, hash, then the commands (so a restored node knows what it holds).
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.uint64(appliedIndex)
        w.uint64(hash)
        w.uvarint(UInt64(commands.count))
        for c in commands { w.bytes(c) }
        return w.buffer
    }

    static func decode(_ bytes: [UInt8]) -> ChainStateMachine? {
        guard !bytes.isEmpty else { return ChainStateMachine() }
        var r = ByteReader(bytes)
        do {
            var sm = ChainStateMachine()
            sm.appliedIndex = try r.uint64()
            sm.hash = try r.uint64()
            let n = try r.uvarint()
            for _ in 0..<n { sm.commands.append(try r.bytes()) }
            return sm
        } catch {
            return nil
        }
    }
}
