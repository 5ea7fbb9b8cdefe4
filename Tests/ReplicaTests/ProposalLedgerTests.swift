import Testing
import Raft
@testable import Replica

@Suite("proposal ledger")
struct ProposalLedgerTests {
    /// Outside `#expect`, whose expansion cannot take a mutating call.
    private func admit(_ ledger: inout ProposalLedger, _ id: RequestID) -> Bool { ledger.admit(id) }

    private func id(_ origin: NodeID, _ sequence: UInt64) -> RequestID { RequestID(origin: origin, sequence: sequence) }

    @Test("a proposal is admitted once; duplicates of any origin are refused")
    func duplicates() {
        var ledger = ProposalLedger()
        #expect(admit(&ledger, id(1, 10)))
        #expect(admit(&ledger, id(2, 10)), "origins are separate")
        #expect(!admit(&ledger, id(1, 10)))
        #expect(!admit(&ledger, id(2, 10)))
        #expect(admit(&ledger, id(1, 11)))
        #expect(ledger.highest(of: 1) == 11)
        #expect(ledger.highest(of: 3) == 0)
    }

    @Test("reordering within the window is applied; older than the window is refused")
    func window() {
        var ledger = ProposalLedger()
        #expect(admit(&ledger, id(1, 5)))
        #expect(admit(&ledger, id(1, 3)), "a late proposal inside the window")
        #expect(!admit(&ledger, id(1, 3)))
        #expect(admit(&ledger, id(1, 4)))
        let n = UInt64(ProposalLedger.window * 2)
        for s in 100..<(100 + n) { #expect(admit(&ledger, id(1, s))) }
        #expect(!admit(&ledger, id(1, 6)), "below the floor after folding")
        #expect(!admit(&ledger, id(1, 100)))
        #expect(!admit(&ledger, id(1, 99 + n)), "the newest is still remembered")
        #expect(admit(&ledger, id(1, 100 + n)))
        #expect(ledger.origins[1]!.recent.count <= ProposalLedger.window)
    }

    @Test("forget drops an origin; a removed member's numbering starts over")
    func forget() {
        var ledger = ProposalLedger()
        #expect(admit(&ledger, id(7, 1)))
        ledger.forget(7)
        #expect(admit(&ledger, id(7, 1)))
    }

    @Test("the replicated metadata round-trips with its ledger; version 1 blobs are registries alone")
    func metadata() throws {
        var ledger = ProposalLedger()
        for s: UInt64 in [9, 4, 1_000_000_000_000, 12] { _ = ledger.admit(id(3, s)) }
        _ = ledger.admit(id(4, 2))
        let registry = MemberRegistry([MemberConfig(name: "n1", id: 3, client: HostPort(host: "127.0.0.1", port: 1),
                                                    peer: HostPort(host: "127.0.0.1", port: 2), api: HostPort(host: "127.0.0.1", port: 3))])
        let blob = ReplicatedMetadata(registry: registry, ledger: ledger).encoded()
        let decoded = try ReplicatedMetadata(decoding: blob)
        #expect(decoded == ReplicatedMetadata(registry: registry, ledger: ledger))
        #expect(try ReplicatedMetadata(decoding: registry.encoded()).registry == registry)
        #expect(try ReplicatedMetadata(decoding: registry.encoded()).ledger == ProposalLedger())
        #expect(throws: Raft.DecodeError.self) { try ReplicatedMetadata(decoding: Array(blob.dropLast())) }
        #expect(throws: Raft.DecodeError.self) { try ReplicatedMetadata(decoding: blob + [0]) }
        #expect(throws: Raft.DecodeError.self) { try ReplicatedMetadata(decoding: [7]) }
        #expect(throws: Raft.DecodeError.self) { try ReplicatedMetadata(decoding: []) }
    }
}
