import JSON
import MVCC

/// Turns gateway JSON into keyspace requests, with etcd's rules: int64 as number or string, enums
/// as names or numbers, bytes as padded standard base64, unknown fields ignored, and Go's error texts.
struct GatewayDecoder {
    let body: JSONValue
    let typeName: String

    /// Parses a unary request body (empty means `{}`).
    static func parse(_ bytes: [UInt8], type: String) throws(GatewayError) -> GatewayDecoder {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            return try GatewayDecoder(.object([]), type: type)
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .invalid(error.description) }
        return try GatewayDecoder(value, type: type)
    }

    init(_ value: JSONValue, type: String) throws(GatewayError) {
        switch value {
        case .object: break
        case .null: break  // Go decodes null into an empty message
        // jsonpb reads a message through a map of raw fields, hence Go's type in the message.
        default: throw .invalid("json: cannot unmarshal \(value.typeName) into Go value of type map[string]json.RawMessage")
        }
        body = value
        typeName = type
    }

    private func mismatch(_ v: JSONValue, _ goType: String) -> GatewayError {
        .invalid("json: cannot unmarshal \(v.typeName) into Go value of type \(goType)")
    }

    func bytes(_ key: String) throws(GatewayError) -> [UInt8] {
        guard let v = body[key] else { return [] }
        switch v {
        case .null: return []
        case .string(let s): return try GatewayDecoder.base64(s)
        default: throw mismatch(v, "[]uint8")
        }
    }

    func int64(_ key: String) throws(GatewayError) -> Int64 {
        guard let v = body[key] else { return 0 }
        switch v {
        case .null: return 0
        case .number(let text):
            if let n = Int64(text) { return n }
            throw .invalid("json: cannot unmarshal number \(text) into Go value of type int64")
        case .string(let text):
            if let n = Int64(text) { return n }
            // jsonpb strips the quotes of a 64-bit number and decodes the rest as JSON.
            if text.isEmpty { throw .invalid("unexpected end of JSON input") }
            let inner: JSONValue
            do { inner = try JSONParser.parse(Array(text.utf8)) } catch { throw .invalid(error.description) }
            if case .number = inner { throw .invalid("json: cannot unmarshal number \(text) into Go value of type int64") }
            throw mismatch(inner, "int64")
        default:
            throw mismatch(v, "int64")
        }
    }

    /// A uint64 (member ids), as a number or a string.
    func uint64(_ key: String) throws(GatewayError) -> UInt64 {
        guard let v = body[key] else { return 0 }
        switch v {
        case .null: return 0
        case .number(let text), .string(let text):
            if let n = UInt64(text) { return n }
            throw .invalid("json: cannot unmarshal \(v.typeName) \(text) into Go value of type uint64")
        default:
            throw mismatch(v, "uint64")
        }
    }

    func bool(_ key: String) throws(GatewayError) -> Bool {
        guard let v = body[key] else { return false }
        switch v {
        case .null: return false
        case .bool(let b): return b
        default: throw mismatch(v, "bool")
        }
    }

    /// An enum given by name (from `names`, index = value) or by number.
    func enumeration(_ key: String, names: [String], goType: String) throws(GatewayError) -> Int {
        guard let v = body[key] else { return 0 }
        switch v {
        case .null: return 0
        case .number(let text):
            guard let n = Int(text) else { throw .invalid("json: cannot unmarshal number \(text) into Go value of type \(goType)") }
            return n
        case .string(let name):
            guard let i = names.firstIndex(of: name) else {
                throw .invalid("unknown value \"\(name)\" for enum \(goType)")
            }
            return i
        default:
            throw mismatch(v, goType)
        }
    }

    func object(_ key: String, type: String) throws(GatewayError) -> GatewayDecoder? {
        guard let v = body[key] else { return nil }
        if case .null = v { return nil }
        return try GatewayDecoder(v, type: type)
    }

    func array(_ key: String) throws(GatewayError) -> [JSONValue] {
        guard let v = body[key] else { return [] }
        switch v {
        case .null: return []
        case .array(let items): return items
        default: throw mismatch(v, "[]json.RawMessage")  // jsonpb reads repeated fields as raw items
        }
    }

    /// Standard base64 with padding; errors name the first bad input byte, as Go does.
    static func base64(_ text: String) throws(GatewayError) -> [UInt8] {
        let bytes = Array(text.utf8)
        if let decoded = Base64.decode(bytes) { return decoded }
        var offset = 0
        for (i, c) in bytes.enumerated() {
            let ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)
                || c == 0x2b || c == 0x2f
            if !ok {
                offset = i
                break
            }
            offset = i + 1
        }
        if offset >= bytes.count { offset = bytes.count - bytes.count % 4 }
        throw .invalid("illegal base64 data at input byte \(offset)")
    }
}

extension GatewayDecoder {
    func rangeRequest() throws(GatewayError) -> RangeRequest {
        RangeRequest(
            key: try bytes("key"), rangeEnd: try bytes("range_end"), limit: try int64("limit"),
            revision: try int64("revision"),
            sortOrder: RangeRequest.SortOrder(rawValue: try enumeration("sort_order", names: ["NONE", "ASCEND", "DESCEND"],
                                                                        goType: "etcdserverpb.RangeRequest_SortOrder")) ?? .none,
            sortTarget: RangeRequest.SortTarget(rawValue: try enumeration("sort_target", names: ["KEY", "VERSION", "CREATE", "MOD", "VALUE"],
                                                                          goType: "etcdserverpb.RangeRequest_SortTarget")) ?? .key,
            serializable: try bool("serializable"), keysOnly: try bool("keys_only"), countOnly: try bool("count_only"),
            minModRevision: try int64("min_mod_revision"), maxModRevision: try int64("max_mod_revision"),
            minCreateRevision: try int64("min_create_revision"), maxCreateRevision: try int64("max_create_revision"))
    }

    func putRequest() throws(GatewayError) -> PutRequest {
        PutRequest(key: try bytes("key"), value: try bytes("value"), lease: try int64("lease"), prevKV: try bool("prev_kv"),
                   ignoreValue: try bool("ignore_value"), ignoreLease: try bool("ignore_lease"))
    }

    func deleteRangeRequest() throws(GatewayError) -> DeleteRangeRequest {
        DeleteRangeRequest(key: try bytes("key"), rangeEnd: try bytes("range_end"), prevKV: try bool("prev_kv"))
    }

    func compactionRequest() throws(GatewayError) -> CompactionRequest {
        CompactionRequest(revision: try int64("revision"), physical: try bool("physical"))
    }

    /// A txn; nested txns deeper than the replication codec carries are refused here, before they
    /// could reach the log (etcd has no depth limit; Tern answers "too many operations").
    func txnRequest(depth: Int = 0) throws(GatewayError) -> TxnRequest {
        if depth > WriteRequestCodec.maxTxnDepth { throw .invalid("etcdserver: too many operations in txn request") }
        var compares: [Compare] = []
        for item in try array("compare") {
            let c = try GatewayDecoder(item, type: "Compare")
            let result = Compare.Result(rawValue: try c.enumeration("result", names: ["EQUAL", "GREATER", "LESS", "NOT_EQUAL"],
                                                                    goType: "etcdserverpb.Compare_CompareResult")) ?? .equal
            let targetIndex = try c.enumeration("target", names: ["VERSION", "CREATE", "MOD", "VALUE", "LEASE"],
                                                goType: "etcdserverpb.Compare_CompareTarget")
            let target: Compare.Target
            switch targetIndex {
            case 0: target = .version(try c.int64("version"))
            case 1: target = .createRevision(try c.int64("create_revision"))
            case 2: target = .modRevision(try c.int64("mod_revision"))
            case 3: target = .value(try c.bytes("value"))
            case 4: target = .lease(try c.int64("lease"))
            default: throw .invalid("unknown compare target \(targetIndex)")
            }
            compares.append(Compare(key: try c.bytes("key"), rangeEnd: try c.bytes("range_end"), result: result, target: target))
        }
        return TxnRequest(compare: compares, success: try operations("success", depth: depth),
                          failure: try operations("failure", depth: depth))
    }

    private func operations(_ key: String, depth: Int) throws(GatewayError) -> [RequestOp] {
        var ops: [RequestOp] = []
        for item in try array(key) {
            let op = try GatewayDecoder(item, type: "RequestOp")
            if let r = try op.object("request_range", type: "RangeRequest") {
                ops.append(.range(try r.rangeRequest()))
            } else if let p = try op.object("request_put", type: "PutRequest") {
                ops.append(.put(try p.putRequest()))
            } else if let d = try op.object("request_delete_range", type: "DeleteRangeRequest") {
                ops.append(.deleteRange(try d.deleteRangeRequest()))
            } else if let t = try op.object("request_txn", type: "TxnRequest") {
                ops.append(.txn(try t.txnRequest(depth: depth + 1)))
            }
        }
        return ops
    }

    func watchCreateRequest() throws(GatewayError) -> WatchCreateRequest {
        var noPut = false
        var noDelete = false
        for f in try array("filters") {
            let goType = "etcdserverpb.WatchCreateRequest_FilterType"
            let value: Int
            switch f {
            case .string("NOPUT"): value = 0
            case .string("NODELETE"): value = 1
            case .string(let name): throw .invalid("unknown value \"\(name)\" for enum \(goType)")
            case .number(let text):
                guard let n = Int(text) else { throw .invalid("json: cannot unmarshal number \(text) into Go value of type \(goType)") }
                value = n
            default: throw mismatch(f, goType)
            }
            if value == 0 { noPut = true } else if value == 1 { noDelete = true }
        }
        return WatchCreateRequest(key: try bytes("key"), rangeEnd: try bytes("range_end"),
                                  startRevision: try int64("start_revision"), noPut: noPut, noDelete: noDelete,
                                  prevKV: try bool("prev_kv"), progressNotify: try bool("progress_notify"),
                                  watchID: try int64("watch_id"))
    }
}
