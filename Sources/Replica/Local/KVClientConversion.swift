import KVClient
import MVCC

// Conversions between KVClient's value types and MVCC's etcd-shaped requests and responses, shared
// by the in-process client. Byte arrays are copy-on-write: converting copies no key or value bytes.

extension KVPair {
    init(_ kv: KeyValue) {
        self.init(key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision,
                  version: kv.version, lease: kv.lease)
    }
}

extension RangeResult {
    init(_ r: RangeResponse) {
        self.init(revision: r.header.revision, pairs: r.kvs.map(KVPair.init), more: r.more, count: r.count)
    }
}

extension KVEvent {
    /// The event as a watcher sees it; `withPrevious` when the watch asked for previous pairs.
    init(_ e: Event, withPrevious: Bool) {
        self.init(kind: e.kind == .put ? .put : .delete, pair: KVPair(e.kv),
                  previous: withPrevious ? e.prevKV.map(KVPair.init) : nil)
    }
}

extension KVError {
    /// The error for a keyspace refusal (carries the compact revision when compacted).
    init(_ error: MVCCError) {
        if case .compacted(_, let compactRevision) = error {
            self = .compacted(compactRevision: compactRevision)
        } else {
            self.init(GatewayError(error))
        }
    }

    /// The error for a gateway answer (a compacted error's revision is looked up separately).
    init(_ error: GatewayError) {
        self = .fromGateway(httpStatus: error.httpStatus, grpcCode: error.grpcCode, message: error.message)
    }
}

extension RangeQuery {
    var request: RangeRequest {
        RangeRequest(key: range.key, rangeEnd: range.end, limit: limit, revision: revision, serializable: serializable,
                     keysOnly: keysOnly, countOnly: countOnly)
    }
}

extension PutCommand {
    var request: PutRequest { PutRequest(key: key, value: value, lease: lease, prevKV: prevKV) }
}

extension DeleteCommand {
    var request: DeleteRangeRequest { DeleteRangeRequest(key: range.key, rangeEnd: range.end, prevKV: prevKV) }
}

extension TxnCommand {
    var request: TxnRequest {
        TxnRequest(compare: compares.map(\.compare), success: success.map(\.requestOp), failure: failure.map(\.requestOp))
    }
}

extension TxnCompare {
    var compare: Compare {
        let result: Compare.Result
        switch relation {
        case .equal: result = .equal
        case .notEqual: result = .notEqual
        case .less: result = .less
        case .greater: result = .greater
        }
        let operand: Compare.Target
        switch target {
        case .value(let v): operand = .value(v)
        case .version(let v): operand = .version(v)
        case .createRevision(let v): operand = .createRevision(v)
        case .modRevision(let v): operand = .modRevision(v)
        case .lease(let v): operand = .lease(v)
        }
        return Compare(key: range.key, rangeEnd: range.end, result: result, target: operand)
    }
}

extension TxnOperation {
    var requestOp: RequestOp {
        switch self {
        case .range(let q): return .range(q.request)
        case .put(let p): return .put(p.request)
        case .delete(let d): return .deleteRange(d.request)
        }
    }
}

extension WriteResult {
    /// A transaction's answer; `plan` restores the operations ``TxnEmptyRanges`` rewrote (a range or
    /// delete over an empty interval answers as empty, as etcd does).
    init(_ r: TxnResponse, plan: TxnEmptyRanges.Plan?) {
        let rewrites = plan.map { r.succeeded ? $0.success : $0.failure } ?? []
        var results: [TxnOperationResult] = []
        results.reserveCapacity(r.responses.count)
        for (index, response) in r.responses.enumerated() {
            let rewrite = index < rewrites.count ? rewrites[index] : .kept
            switch (response, rewrite) {
            case (.range(let range), .emptyRange):
                results.append(.range(RangeResult(revision: range.header.revision, pairs: [], more: false, count: 0)))
            case (_, .emptyDelete):
                results.append(.delete(deleted: 0, previous: []))
            case (.range(let range), _):
                results.append(.range(RangeResult(range)))
            case (.put(let put), _):
                results.append(.put(previous: put.prevKV.map(KVPair.init)))
            case (.deleteRange(let delete), _):
                results.append(.delete(deleted: delete.deleted, previous: delete.prevKVs.map(KVPair.init)))
            case (.txn, _):
                break  // KVClient's transactions do not nest; nothing produces this
            }
        }
        self.init(revision: r.header.revision, succeeded: r.succeeded, results: results)
    }
}
