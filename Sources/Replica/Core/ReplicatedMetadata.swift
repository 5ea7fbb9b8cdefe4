import Raft

/// The replica's own state carried in every snapshot beside the keyspace (MVCC's snapshot metadata
/// blob): the member registry and the proposal ledger. Both change only by applying log entries, so
/// a member restored from a snapshot continues exactly as one that applied the whole log.
///
/// Layout: version 2, the registry's bytes (length-prefixed), the ledger. A version-1 blob is a
/// registry alone (snapshots written before the ledger existed) and decodes with an empty ledger.
struct ReplicatedMetadata: Equatable, Sendable {
    var registry: MemberRegistry
    var ledger: ProposalLedger

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.byte(2)
        w.bytes(registry.encoded())
        ledger.encode(into: &w)
        return w.buffer
    }

    init(registry: MemberRegistry, ledger: ProposalLedger) {
        self.registry = registry
        self.ledger = ledger
    }

    init(decoding bytes: [UInt8]) throws(DecodeError) {
        guard let version = bytes.first else { throw .malformed("empty replica metadata") }
        switch version {
        case 1:
            registry = try MemberRegistry(decoding: bytes)
            ledger = ProposalLedger()
        case 2:
            var r = ByteReader(bytes, offset: 1)
            registry = try MemberRegistry(decoding: try r.bytes())
            ledger = try ProposalLedger(decoding: &r)
            try r.expectEnd()
        default:
            throw .malformed("replica metadata version \(version)")
        }
    }
}
