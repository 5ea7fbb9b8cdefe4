import MVCC

/// The size of a decoded write request, for etcd's `--max-request-bytes` rule: etcd rejects a
/// proposal whose encoded form is larger than the limit with "etcdserver: request is too large"
/// (400, code 3). The limit applies to the decoded bytes, not to the JSON (base64 grows data by 4/3).
enum RequestSize {
    /// Bytes counted for each request and each field beside its byte strings (tags, lengths, numbers).
    static let fieldOverhead = 16

    /// The request's byte strings plus a fixed overhead per request: within a few percent of the
    /// protobuf size etcd measures, and never below the payload.
    static func of(_ request: WriteRequest) -> Int {
        switch request {
        case .put(let p): return of(p)
        case .deleteRange(let d): return fieldOverhead + d.key.count + d.rangeEnd.count
        case .txn(let t): return of(t)
        default: return fieldOverhead * 2
        }
    }

    static func of(_ p: PutRequest) -> Int { fieldOverhead + p.key.count + p.value.count }

    static func of(_ t: TxnRequest) -> Int {
        var total = fieldOverhead
        for c in t.compare {
            total += fieldOverhead + c.key.count + c.rangeEnd.count
            if case .value(let v) = c.target { total += v.count }
        }
        for op in t.success + t.failure { total += of(op) }
        return total
    }

    static func of(_ op: RequestOp) -> Int {
        switch op {
        case .range(let r): return fieldOverhead + r.key.count + r.rangeEnd.count
        case .put(let p): return of(p)
        case .deleteRange(let d): return fieldOverhead + d.key.count + d.rangeEnd.count
        case .txn(let t): return of(t)
        }
    }
}
