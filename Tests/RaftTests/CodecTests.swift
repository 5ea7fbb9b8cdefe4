import Testing
import Raft

@Suite("binary codecs: messages, entries, conf changes")
struct CodecTests {
    func sample(_ random: inout SeededRandom) -> Message {
        let kinds = Message.Kind.allCases
        var m = Message(kind: kinds[Int(random.next() % UInt64(kinds.count))], from: random.next() % 5 + 1,
                        to: random.next() % 5 + 1, term: random.next() % 1000, logTerm: random.next(),
                        index: random.next() >> (random.next() % 64), commit: random.next() % 77,
                        reject: random.next() % 2 == 0, rejectHint: random.next() % 9,
                        context: Array(repeating: 7, count: Int(random.next() % 5)))
        for i in 0..<(random.next() % 4) {
            m.entries.append(Entry(term: 3, index: 10 + i, kind: i % 2 == 0 ? .normal : .confChange,
                                   data: (0..<(random.next() % 40)).map { UInt8(truncatingIfNeeded: $0) }))
        }
        if random.next() % 3 == 0 {
            m.snapshot = Snapshot(metadata: SnapshotMetadata(index: 9, term: 2, confState: ConfState(voters: [1, 2], learners: [5])),
                                  data: [1, 2, 3])
        }
        return m
    }

    @Test("every message round-trips", arguments: 0..<20)
    func roundTrip(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for _ in 0..<50 {
            let m = sample(&random)
            #expect(try Message(decoding: m.encoded()) == m)
        }
    }

    @Test("a snapshot message's head followed by its data is the whole message's encoding", arguments: [0, 1, 127, 128, 70_000])
    func snapshotHead(dataCount: Int) throws {
        let data = (0..<dataCount).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let meta = SnapshotMetadata(index: 300, term: 7, confState: ConfState(voters: [1, 2, 3], learners: [9]))
        let bare = Message(kind: .snapshot, from: 1, to: 2, term: 7, snapshot: Snapshot(metadata: meta))
        var full = bare
        full.snapshot?.data = data
        #expect(bare.encodedSnapshotHead(dataCount: data.count) + data == full.encoded())
        #expect(full.encodedSnapshotHead(dataCount: data.count) + data == full.encoded())
        #expect(try Message(decoding: bare.encodedSnapshotHead(dataCount: data.count) + data) == full)
    }

    @Test("truncated, extended and bit-flipped input is an error or a different valid message, never a crash")
    func hostileInput() {
        var random = SeededRandom(seed: 99)
        for _ in 0..<200 {
            let bytes = sample(&random).encoded()
            for cut in 0..<bytes.count {
                #expect(throws: DecodeError.self) { try Message(decoding: Array(bytes[..<cut])) }
            }
            #expect(throws: DecodeError.self) { try Message(decoding: bytes + [0]) }
            var flipped = bytes
            let at = Int(random.next() % UInt64(bytes.count))
            flipped[at] ^= UInt8(1 << (random.next() % 8))
            _ = try? Message(decoding: flipped)
        }
        for _ in 0..<2000 {
            let noise = (0..<(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? Message(decoding: noise)
        }
    }

    @Test("conf changes round-trip; bad kinds are rejected")
    func confChanges() throws {
        let changes = [ConfChange(kind: .addVoter, nodeID: 4, context: [1, 2]), ConfChange(kind: .removeNode, nodeID: 2)]
        #expect(try ConfChange.decode(ConfChange.encode(changes)) == changes)
        #expect(throws: DecodeError.self) { try ConfChange.decode([1, 9, 4, 0]) }
        #expect(throws: DecodeError.self) { try ConfChange.decode([]) }
    }

    @Test("applying conf changes")
    func applyChanges() {
        let base = ConfState(voters: [1, 2, 3])
        let added = ConfChange.apply([ConfChange(kind: .addLearner, nodeID: 4)], to: base)
        #expect(added == ConfState(voters: [1, 2, 3], learners: [4]))
        let promoted = ConfChange.apply([ConfChange(kind: .addVoter, nodeID: 4)], to: added)
        #expect(promoted == ConfState(voters: [1, 2, 3, 4]))
        let removed = ConfChange.apply([ConfChange(kind: .removeNode, nodeID: 1)], to: promoted)
        #expect(removed == ConfState(voters: [2, 3, 4]))
        #expect(ConfChange.apply([ConfChange(kind: .addLearner, nodeID: 2)], to: removed) == removed)
    }

    @Test("varints reject overlong encodings")
    func varints() {
        #expect(throws: DecodeError.self) {
            var r = ByteReader(Array(repeating: 0xff, count: 11))
            _ = try r.uvarint()
        }
        var w = ByteWriter()
        w.uvarint(UInt64.max)
        var r2 = ByteReader(w.buffer)
        let decoded = try? r2.uvarint()
        #expect(decoded == UInt64.max)
    }
}
