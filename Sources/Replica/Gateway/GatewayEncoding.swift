import JSON
import MVCC

/// Writes keyspace responses as etcd 3.4's gateway does (see `../shared/etcd-gateway.md`).
enum GatewayEncoder {
    static func header(_ revision: Int64, _ context: HeaderContext) -> [UInt8] {
        var out: [UInt8] = []
        GatewayJSON.appendHeader(ResponseHeader(revision: revision, clusterID: context.clusterID,
                                                memberID: context.memberID, raftTerm: context.raftTerm), to: &out)
        return out
    }

    /// The header of the member API's answers: cluster, member and term, no revision (as etcd).
    static func headerWithoutRevision(_ context: HeaderContext) -> [UInt8] {
        var header = JSONObjectWriter()
        header.int64String("cluster_id", context.clusterID)
        header.int64String("member_id", context.memberID)
        header.int64String("raft_term", context.raftTerm)
        return header.finish()
    }

    /// A header with only a revision (responses nested in a txn).
    static func innerHeader(_ revision: Int64) -> [UInt8] {
        var out: [UInt8] = []
        GatewayJSON.appendHeader(ResponseHeader(revision: revision), to: &out)
        return out
    }

    static func keyValue(_ kv: KeyValue) -> [UInt8] {
        var out: [UInt8] = []
        GatewayJSON.appendKeyValue(kv, to: &out)
        return out
    }

    static func range(_ r: RangeResponse, header: [UInt8]) -> [UInt8] {
        var w = JSONObjectWriter(capacity: 128 + r.kvs.count * 96)
        w.raw("header", header)
        w.arrayIfSet("kvs", r.kvs.map(keyValue))
        w.trueIfSet("more", r.more)
        w.int64StringIfSet("count", r.count)
        return w.finish()
    }

    static func put(_ r: PutResponse, header: [UInt8]) -> [UInt8] {
        var w = JSONObjectWriter()
        w.raw("header", header)
        if let prev = r.prevKV { w.raw("prev_kv", keyValue(prev)) }
        return w.finish()
    }

    static func deleteRange(_ r: DeleteRangeResponse, header: [UInt8]) -> [UInt8] {
        var w = JSONObjectWriter()
        w.raw("header", header)
        w.int64StringIfSet("deleted", r.deleted)
        w.arrayIfSet("prev_kvs", r.prevKVs.map(keyValue))
        return w.finish()
    }

    /// A txn answer; `plan` restores the operations ``TxnEmptyRanges`` rewrote.
    static func txn(_ r: TxnResponse, header: [UInt8], plan: TxnEmptyRanges.Plan? = nil) -> [UInt8] {
        var w = JSONObjectWriter()
        w.raw("header", header)
        w.trueIfSet("succeeded", r.succeeded)
        let rewrites = plan.map { r.succeeded ? $0.success : $0.failure } ?? []
        var items: [[UInt8]] = []
        items.reserveCapacity(r.responses.count)
        for (index, op) in r.responses.enumerated() {
            items.append(responseOp(op, rewrite: index < rewrites.count ? rewrites[index] : .kept))
        }
        w.arrayIfSet("responses", items)
        return w.finish()
    }

    private static func responseOp(_ op: ResponseOp, rewrite: TxnEmptyRanges.Operation) -> [UInt8] {
        var w = JSONObjectWriter()
        switch (op, rewrite) {
        case (.range(var r), .emptyRange):
            r.kvs = []
            r.more = false
            r.count = 0
            w.raw("response_range", range(r, header: innerHeader(r.header.revision)))
        case (.range(let r), .emptyDelete):
            w.raw("response_delete_range", onlyHeader(innerHeader(r.header.revision)))
        case (.range(let r), _): w.raw("response_range", range(r, header: innerHeader(r.header.revision)))
        case (.put(let r), _): w.raw("response_put", put(r, header: innerHeader(r.header.revision)))
        case (.deleteRange(let r), _): w.raw("response_delete_range", deleteRange(r, header: innerHeader(r.header.revision)))
        case (.txn(let r), .nested(let plan)): w.raw("response_txn", txn(r, header: innerHeader(0), plan: plan))
        case (.txn(let r), _): w.raw("response_txn", txn(r, header: innerHeader(0)))
        }
        return w.finish()
    }

    /// The body of any write's answer.
    static func write(_ response: WriteResponse, context: HeaderContext, plan: TxnEmptyRanges.Plan? = nil) -> [UInt8] {
        switch response {
        case .put(let r): return put(r, header: header(r.header.revision, context))
        case .deleteRange(let r): return deleteRange(r, header: header(r.header.revision, context))
        case .txn(let r): return txn(r, header: header(r.header.revision, context), plan: plan)
        case .compaction(let h): return onlyHeader(header(h.revision, context))
        case .leaseGrant(let h, let g):
            var w = JSONObjectWriter()
            w.raw("header", header(h.revision, context))
            w.int64StringIfSet("ID", g.id)
            w.int64StringIfSet("TTL", g.ttlSeconds)
            return w.finish()
        case .leaseRevoke(let h), .leaseCheckpoint(let h):
            return onlyHeader(header(h.revision, context))
        }
    }

    static func onlyHeader(_ header: [UInt8]) -> [UInt8] {
        var w = JSONObjectWriter()
        w.raw("header", header)
        return w.finish()
    }
}
