import JSON

/// Reads the etcd v3 JSON gateway's answers into KVClient's types. Missing fields are zero values
/// (the gateway leaves them out); a field of the wrong shape makes the answer not understood.
enum GatewayResponseDecoding {
    /// An answer that does not have the expected shape.
    static func malformed(_ what: String) -> KVError { .transport("malformed gateway answer: \(what)") }

    /// A 64-bit integer written as a string (or a number); 0 when missing.
    static func int64(_ value: JSONValue?, _ field: String) throws(KVError) -> Int64 {
        switch value {
        case nil, .null?: return 0
        case .string(let text)?, .number(let text)?:
            guard let n = Int64(text) else { throw malformed("\(field) \(text)") }
            return n
        default: throw malformed("\(field) is not an integer")
        }
    }

    static func bytes(_ value: JSONValue?, _ field: String) throws(KVError) -> [UInt8] {
        switch value {
        case nil, .null?: return []
        case .string(let text)?:
            guard let b = GatewayBase64.decode(Substring(text).utf8) else { throw malformed("\(field) is not base64") }
            return b
        default: throw malformed("\(field) is not a string")
        }
    }

    static func bool(_ value: JSONValue?) -> Bool {
        if case .bool(true)? = value { return true }
        return false
    }

    static func array(_ value: JSONValue?, _ field: String) throws(KVError) -> [JSONValue] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?: return items
        default: throw malformed("\(field) is not an array")
        }
    }

    static func revision(_ answer: JSONValue) throws(KVError) -> Int64 {
        try int64(answer["header"]?["revision"], "header.revision")
    }

    static func pair(_ kv: JSONValue) throws(KVError) -> KVPair {
        KVPair(key: try bytes(kv["key"], "kv.key"), value: try bytes(kv["value"], "kv.value"),
               createRevision: try int64(kv["create_revision"], "create_revision"),
               modRevision: try int64(kv["mod_revision"], "mod_revision"),
               version: try int64(kv["version"], "version"), lease: try int64(kv["lease"], "lease"))
    }

    static func pairs(_ value: JSONValue?, _ field: String) throws(KVError) -> [KVPair] {
        var out: [KVPair] = []
        for item in try array(value, field) { out.append(try pair(item)) }
        return out
    }

    static func range(_ answer: JSONValue) throws(KVError) -> RangeResult {
        RangeResult(revision: try revision(answer), pairs: try pairs(answer["kvs"], "kvs"), more: bool(answer["more"]),
                    count: try int64(answer["count"], "count"))
    }

    static func put(_ answer: JSONValue) throws(KVError) -> WriteResult {
        WriteResult(revision: try revision(answer), succeeded: true, results: [try putResult(answer)])
    }

    private static func putResult(_ answer: JSONValue) throws(KVError) -> TxnOperationResult {
        guard let previous = answer["prev_kv"] else { return .put(previous: nil) }
        return .put(previous: try pair(previous))
    }

    static func delete(_ answer: JSONValue) throws(KVError) -> WriteResult {
        WriteResult(revision: try revision(answer), succeeded: true, results: [try deleteResult(answer)])
    }

    private static func deleteResult(_ answer: JSONValue) throws(KVError) -> TxnOperationResult {
        .delete(deleted: try int64(answer["deleted"], "deleted"), previous: try pairs(answer["prev_kvs"], "prev_kvs"))
    }

    static func txn(_ answer: JSONValue) throws(KVError) -> WriteResult {
        var results: [TxnOperationResult] = []
        for response in try array(answer["responses"], "responses") {
            if let r = response["response_range"] {
                results.append(.range(try range(r)))
            } else if let p = response["response_put"] {
                results.append(try putResult(p))
            } else if let d = response["response_delete_range"] {
                results.append(try deleteResult(d))
            } else {
                throw malformed("unknown txn response")
            }
        }
        return WriteResult(revision: try revision(answer), succeeded: bool(answer["succeeded"]), results: results)
    }

    /// One watch event (`{"type":"DELETE"?,"kv":..,"prev_kv":..}`).
    static func event(_ e: JSONValue) throws(KVError) -> KVEvent {
        let kind: KVEvent.Kind
        switch e["type"] {
        case nil, .string("PUT")?, .number("0")?: kind = .put
        case .string("DELETE")?, .number("1")?: kind = .delete
        default: throw malformed("event type")
        }
        guard let kv = e["kv"] else { throw malformed("event without kv") }
        return KVEvent(kind: kind, pair: try pair(kv), previous: try e["prev_kv"].map { (p: JSONValue) throws(KVError) in try pair(p) })
    }

    /// The error an answer with a status other than 200 stands for (`{"error","message","code"}`).
    static func error(status: Int, body: [UInt8]) -> KVError {
        guard let value = try? JSONParser.parse(body), case .string(let message)? = value["message"] ?? value["error"] else {
            let text = String(decoding: body.prefix(200), as: UTF8.self)
            switch status {
            case 503: return .unavailable("HTTP 503: \(text)")
            case 413: return .invalidRequest("etcdserver: request is too large (HTTP 413)")
            default: return .transport("HTTP \(status): \(text)")
            }
        }
        let code = (try? int64(value["code"], "code")) ?? 0
        return .fromGateway(httpStatus: status, grpcCode: Int(code), message: message)
    }
}
