import Testing
import Raft
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

    @Test("proposals round-trip and bad versions are refused")
    func proposals() throws {
        let p = Proposal(id: RequestID(origin: 5, sequence: 77), request: .compaction(.init(revision: 3)))
        #expect(try Proposal(decoding: p.encoded()) == p)
        var bad = p.encoded()
        bad[0] = 9
        #expect(throws: ReplicaError.self) { try Proposal(decoding: bad) }
    }
}
