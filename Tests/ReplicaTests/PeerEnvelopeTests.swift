import Testing
import Raft
import WAL
@testable import Replica

@Suite("peer envelopes")
struct PeerEnvelopeTests {
    @Test("every envelope round-trips; truncated or unknown input is refused")
    func roundTrip() throws {
        let all: [PeerEnvelope] = [
            .raft(Message(kind: .heartbeat, from: 1, to: 2, term: 3, commit: 4, context: [9])),
            .keepAlive(sequence: 7, leaseID: -5),
            .leaseAnswer(sequence: 8, ttlSeconds: 30),
            .leaseTTL(sequence: 9, leaseID: Int64.max),
        ]
        for e in all {
            let bytes = e.encoded()
            #expect(try PeerEnvelope(decoding: bytes) == e)
            #expect(throws: Raft.DecodeError.self) { try PeerEnvelope(decoding: Array(bytes.dropLast())) }
        }
        #expect(throws: Raft.DecodeError.self) { try PeerEnvelope(decoding: [99, 1, 2]) }
        #expect(throws: Raft.DecodeError.self) { try PeerEnvelope(decoding: []) }
    }

    @Test("a snapshot message streamed from the WAL's file, in pieces of any size, is the envelope with the data attached",
          arguments: [1, 7, 4096, 1 << 20])
    func snapshotStream(pieceBytes: Int) throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: "/w", fileSystem: disk)
        try wal.save(hardState: HardState(term: 2, vote: 1, commit: 9),
                     entries: (1...9).map { Entry(term: 2, index: $0, data: [UInt8($0)]) })
        let meta = SnapshotMetadata(index: 9, term: 2, confState: ConfState(voters: [1, 2, 3]))
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        try wal.saveSnapshot(Snapshot(metadata: meta, data: data))
        // What Raft hands the loop: metadata only.
        let bare = Message(kind: .snapshot, from: 1, to: 3, term: 2, snapshot: Snapshot(metadata: meta))
        let stream = SnapshotStream(message: bare, reader: try wal.openSnapshot(index: 9, term: 2))
        var bytes: [UInt8] = []
        while bytes.count < stream.totalBytes {
            let piece = try stream.piece(at: bytes.count, maxBytes: pieceBytes)
            #expect(!piece.isEmpty && piece.count <= pieceBytes)
            if piece.isEmpty { break }
            bytes += piece
        }
        var full = bare
        full.snapshot?.data = data
        #expect(bytes == PeerEnvelope.raft(full).encoded())
        #expect(try PeerEnvelope(decoding: bytes) == .raft(full))
    }

    @Test("proposals round-trip and bad versions are refused")
    func proposals() throws {
        let p = Proposal(id: RequestID(origin: 5, sequence: 77), request: .compaction(.init(revision: 3)))
        #expect(try Proposal(decoding: p.encoded()) == p)
        var bad = p.encoded()
        bad[0] = 9
        #expect(throws: ReplicaError.self) { try Proposal(decoding: bad) }
    }
}
