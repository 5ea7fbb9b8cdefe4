extension KeyspaceState {
    /// The longest compare list or branch a Txn may have (etcd's default `--max-txn-ops`).
    public static let maxTxnOperations = 128

    /// Whether every compare holds at the current revision.
    func evaluate(_ compares: [Compare]) throws(MVCCError) -> Bool {
        for compare in compares {
            if try !evaluate(compare) { return false }
        }
        return true
    }

    /// One compare: over a range every key must satisfy it; on a missing key a value compare is false
    /// and the other targets compare against zero.
    func evaluate(_ compare: Compare) throws(MVCCError) -> Bool {
        let interval = try KeyInterval(key: compare.key, rangeEnd: compare.rangeEnd)
        var sawKey = false
        var holds = true
        interval.forEach(in: keys) { key, index in
            guard let live = index.current else { return true }
            sawKey = true
            if !Self.compare(compare, live) { holds = false }
            return holds
        }
        if sawKey { return holds }
        if case .value = compare.target { return false }
        return Self.compare(compare, nil)
    }

    static func compare(_ compare: Compare, _ version: KeyVersion?) -> Bool {
        let order: Int
        switch compare.target {
        case .version(let operand): order = threeWay(version?.version ?? 0, operand)
        case .createRevision(let operand): order = threeWay(version?.createRevision ?? 0, operand)
        case .modRevision(let operand): order = threeWay(version?.modRevision.main ?? 0, operand)
        case .lease(let operand): order = threeWay(version?.lease ?? 0, operand)
        case .value(let operand): order = ByteKey(version?.value ?? []).compare(ByteKey(operand))
        }
        switch compare.result {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .greater: return order > 0
        }
    }

    private static func threeWay(_ a: Int64, _ b: Int64) -> Int { a == b ? 0 : (a < b ? -1 : 1) }

    /// Keys put and intervals deleted by a list of operations (nested txns counted for both branches).
    struct WriteFootprint {
        var puts: Set<ByteKey> = []
        var deletes: [KeyInterval] = []
    }

    /// Checks a Txn before anything runs: sizes, keys, ranges, revisions, leases, and that no key is
    /// written twice in a branch (two puts, or a put inside a deleted range), recursively.
    func validate(_ txn: TxnRequest) throws(MVCCError) {
        _ = try footprint(of: txn)
    }

    private func footprint(of txn: TxnRequest) throws(MVCCError) -> WriteFootprint {
        let limit = Self.maxTxnOperations
        if txn.compare.count > limit { throw .tooManyTxnOperations(count: txn.compare.count, limit: limit) }
        for compare in txn.compare { _ = try KeyInterval(key: compare.key, rangeEnd: compare.rangeEnd) }
        let success = try footprint(of: txn.success)
        let failure = try footprint(of: txn.failure)
        var union = success
        union.puts.formUnion(failure.puts)
        union.deletes += failure.deletes
        return union
    }

    private func footprint(of operations: [RequestOp]) throws(MVCCError) -> WriteFootprint {
        let limit = Self.maxTxnOperations
        if operations.count > limit { throw .tooManyTxnOperations(count: operations.count, limit: limit) }
        var result = WriteFootprint()
        func addPut(_ key: ByteKey) throws(MVCCError) {
            if !result.puts.insert(key).inserted { throw .duplicateKeyInTxn(key.bytes) }
        }
        for operation in operations {
            switch operation {
            case .range(let range):
                _ = try KeyInterval(key: range.key, rangeEnd: range.rangeEnd)
                // A read inside a writing txn may see the txn's own revision, hence + 1.
                _ = try readRevision(range.revision, current: currentRevision + 1)
            case .put(let put):
                try validate(put)
                try addPut(ByteKey(put.key))
            case .deleteRange(let delete):
                result.deletes.append(try KeyInterval(key: delete.key, rangeEnd: delete.rangeEnd))
            case .txn(let nested):
                let inner = try footprint(of: nested)
                for key in inner.puts.sorted() { try addPut(key) }
                result.deletes += inner.deletes
            }
        }
        for key in result.puts.sorted() {
            for interval in result.deletes where interval.contains(key) { throw .duplicateKeyInTxn(key.bytes) }
        }
        return result
    }

    /// Runs a validated Txn: compares, then the chosen branch, every write at the batch's revision.
    mutating func applyTxn(_ txn: TxnRequest, batch: inout WriteBatch) throws(MVCCError) -> TxnResponse {
        let succeeded = try evaluate(txn.compare)
        var responses: [ResponseOp] = []
        for operation in succeeded ? txn.success : txn.failure {
            switch operation {
            case .range(let range):
                let readLimit = batch.wroteAnything ? batch.main : currentRevision
                // Validation allowed current + 1; a read of an explicit revision beyond what exists is future.
                let response = try self.range(range, readLimitRevision: readLimit, headerRevision: 0)
                responses.append(.range(response))
            case .put(let put):
                let previous = applyPut(put, batch: &batch)
                responses.append(.put(PutResponse(header: ResponseHeader(revision: 0),
                                                  prevKV: put.prevKV ? previous?.keyValue(key: put.key) : nil)))
            case .deleteRange(let delete):
                let interval = try KeyInterval(key: delete.key, rangeEnd: delete.rangeEnd)
                let deleted = applyDelete(interval, batch: &batch)
                responses.append(.deleteRange(DeleteRangeResponse(header: ResponseHeader(revision: 0),
                                                                  deleted: Int64(deleted.count),
                                                                  prevKVs: delete.prevKV ? deleted : [])))
            case .txn(let nested):
                responses.append(.txn(try applyTxn(nested, batch: &batch)))
            }
        }
        return TxnResponse(header: ResponseHeader(revision: 0), succeeded: succeeded, responses: responses)
    }

    /// Sets every sub-response header to `revision` (etcd reports the txn's final revision in each);
    /// nested txn headers stay empty as etcd's gateway shows.
    static func stamp(_ responses: inout [ResponseOp], revision: Int64) {
        for index in responses.indices {
            switch responses[index] {
            case .range(var response):
                response.header.revision = revision
                responses[index] = .range(response)
            case .put(var response):
                response.header.revision = revision
                responses[index] = .put(response)
            case .deleteRange(var response):
                response.header.revision = revision
                responses[index] = .deleteRange(response)
            case .txn(var response):
                stamp(&response.responses, revision: revision)
                responses[index] = .txn(response)
            }
        }
    }
}
