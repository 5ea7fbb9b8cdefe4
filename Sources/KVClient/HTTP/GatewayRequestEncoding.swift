import JSON

/// Request bodies of the etcd v3 JSON gateway (see docs/api.md): bytes as padded base64, 64-bit
/// integers as decimal strings, zero values left out.
enum GatewayRequestEncoding {
    static func range(_ q: RangeQuery) -> [UInt8] {
        var w = JSONObjectWriter()
        rangeFields(q, into: &w)
        return w.finish()
    }

    private static func rangeFields(_ q: RangeQuery, into w: inout JSONObjectWriter) {
        keyFields(q.range, into: &w)
        w.int64StringIfSet("limit", q.limit)
        w.int64StringIfSet("revision", q.revision)
        w.trueIfSet("serializable", q.serializable)
        w.trueIfSet("keys_only", q.keysOnly)
        w.trueIfSet("count_only", q.countOnly)
    }

    private static func keyFields(_ range: KeyRange, into w: inout JSONObjectWriter) {
        w.raw("key", GatewayBase64.quoted(range.key))
        if !range.end.isEmpty { w.raw("range_end", GatewayBase64.quoted(range.end)) }
    }

    static func put(_ p: PutCommand) -> [UInt8] {
        var w = JSONObjectWriter(capacity: p.value.count * 4 / 3 + 64)
        w.raw("key", GatewayBase64.quoted(p.key))
        if !p.value.isEmpty { w.raw("value", GatewayBase64.quoted(p.value)) }
        w.int64StringIfSet("lease", p.lease)
        w.trueIfSet("prev_kv", p.prevKV)
        return w.finish()
    }

    static func delete(_ d: DeleteCommand) -> [UInt8] {
        var w = JSONObjectWriter()
        keyFields(d.range, into: &w)
        w.trueIfSet("prev_kv", d.prevKV)
        return w.finish()
    }

    static func txn(_ t: TxnCommand) -> [UInt8] {
        var w = JSONObjectWriter()
        w.arrayIfSet("compare", t.compares.map(compare))
        w.arrayIfSet("success", t.success.map(operation))
        w.arrayIfSet("failure", t.failure.map(operation))
        return w.finish()
    }

    private static func compare(_ c: TxnCompare) -> [UInt8] {
        var w = JSONObjectWriter()
        keyFields(c.range, into: &w)
        let result: String
        switch c.relation {
        case .equal: result = "EQUAL"
        case .notEqual: result = "NOT_EQUAL"
        case .less: result = "LESS"
        case .greater: result = "GREATER"
        }
        w.string("result", result)
        switch c.target {
        case .version(let v):
            w.string("target", "VERSION")
            w.int64String("version", v)
        case .createRevision(let v):
            w.string("target", "CREATE")
            w.int64String("create_revision", v)
        case .modRevision(let v):
            w.string("target", "MOD")
            w.int64String("mod_revision", v)
        case .value(let v):
            w.string("target", "VALUE")
            w.raw("value", GatewayBase64.quoted(v))
        case .lease(let v):
            w.string("target", "LEASE")
            w.int64String("lease", v)
        }
        return w.finish()
    }

    private static func operation(_ op: TxnOperation) -> [UInt8] {
        var w = JSONObjectWriter()
        switch op {
        case .range(let q): w.raw("request_range", range(q))
        case .put(let p): w.raw("request_put", put(p))
        case .delete(let d): w.raw("request_delete_range", delete(d))
        }
        return w.finish()
    }

    static func compaction(revision: Int64) -> [UInt8] {
        var w = JSONObjectWriter()
        w.int64String("revision", revision)
        return w.finish()
    }

    static func lease(id: Int64, ttl: Int64? = nil) -> [UInt8] {
        var w = JSONObjectWriter()
        if let ttl { w.int64String("TTL", ttl) }
        w.int64String("ID", id)
        return w.finish()
    }

    static func watchCreate(_ q: WatchQuery) -> [UInt8] {
        var c = JSONObjectWriter()
        keyFields(q.range, into: &c)
        c.int64StringIfSet("start_revision", q.startRevision)
        c.trueIfSet("progress_notify", q.progressNotify)
        c.trueIfSet("prev_kv", q.prevKV)
        var w = JSONObjectWriter()
        w.raw("create_request", c.finish())
        return w.finish()
    }
}
