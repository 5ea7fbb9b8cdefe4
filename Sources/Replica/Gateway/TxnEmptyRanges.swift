import MVCC

/// etcd 3.4 treats a `range_end` at or before the key as a range holding no key, also inside a txn;
/// Tern's keyspace refuses such ranges. This rewrites them before the txn is proposed, into requests
/// with the same outcome, and records what to restore when the answer is written:
/// - a compare over no key has a fixed result (a value compare is false; any other compares 0 with its
///   operand), so it becomes an always-true or always-false compare on its key;
/// - a range operation over no key becomes a count of its key alone at the same revision (same errors),
///   written back as an empty range answer;
/// - a delete over no key deletes nothing; it becomes that count too, written back as a delete of nothing.
enum TxnEmptyRanges {
    /// What became of each operation of a branch.
    indirect enum Operation: Sendable, Equatable {
        case kept
        case emptyRange
        case emptyDelete
        case nested(Plan)
    }

    /// The rewrites of a txn's two branches (nil plan: nothing was rewritten).
    struct Plan: Sendable, Equatable {
        var success: [Operation]
        var failure: [Operation]
    }

    /// The txn to propose, and the plan for writing its answer (nil when no range was empty).
    static func rewrite(_ txn: TxnRequest) -> (TxnRequest, Plan?) {
        var out = txn
        var changed = false
        out.compare = txn.compare.map { c in
            guard ClientAPI.isEmptyInterval(c.key, c.rangeEnd) else { return c }
            changed = true
            return fixedCompare(key: c.key, holds: emptyCompareHolds(c))
        }
        let (success, successPlan, successChanged) = rewrite(txn.success)
        let (failure, failurePlan, failureChanged) = rewrite(txn.failure)
        out.success = success
        out.failure = failure
        guard changed || successChanged || failureChanged else { return (txn, nil) }
        return (out, Plan(success: successPlan, failure: failurePlan))
    }

    private static func rewrite(_ ops: [RequestOp]) -> ([RequestOp], [Operation], Bool) {
        var result: [RequestOp] = []
        var plan: [Operation] = []
        var changed = false
        for op in ops {
            switch op {
            case .range(let r) where ClientAPI.isEmptyInterval(r.key, r.rangeEnd):
                var probe = r
                probe.rangeEnd = []
                probe.countOnly = true
                result.append(.range(probe))
                plan.append(.emptyRange)
                changed = true
            case .deleteRange(let d) where ClientAPI.isEmptyInterval(d.key, d.rangeEnd):
                result.append(.range(RangeRequest(key: d.key, countOnly: true)))
                plan.append(.emptyDelete)
                changed = true
            case .txn(let t):
                let (inner, innerPlan) = rewrite(t)
                result.append(.txn(inner))
                if let innerPlan {
                    plan.append(.nested(innerPlan))
                    changed = true
                } else {
                    plan.append(.kept)
                }
            default:
                result.append(op)
                plan.append(.kept)
            }
        }
        return (result, plan, changed)
    }

    /// etcd's result for a compare over no key: a value compare fails; the others compare 0.
    static func emptyCompareHolds(_ c: Compare) -> Bool {
        let operand: Int64
        switch c.target {
        case .value: return false
        case .version(let v), .createRevision(let v), .modRevision(let v), .lease(let v): operand = v
        }
        switch c.result {
        case .equal: return 0 == operand
        case .greater: return 0 > operand
        case .less: return 0 < operand
        case .notEqual: return 0 != operand
        }
    }

    /// A compare on `key` that always holds (version > -1) or never does (version < 0).
    static func fixedCompare(key: [UInt8], holds: Bool) -> Compare {
        Compare(key: key.isEmpty ? [0] : key, rangeEnd: [], result: holds ? .greater : .less,
                target: .version(holds ? -1 : 0))
    }
}
