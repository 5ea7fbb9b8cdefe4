import TestSupport
import Checker
import JSON
import Wire

/// What one request to the KV API came back with.
enum CallOutcome: Sendable {
    /// A response the checker can use (including definite failures that changed nothing).
    case answered(KVOutput)
    /// No response, a timeout, or an error that does not prove the request did nothing.
    case unknown(String)
    /// The connection could not be opened: no byte of the request left, so it certainly did nothing.
    case notSent(String)
}

/// Sends ``KVInput``s to a member over HTTP (the etcd JSON gateway) and decodes the answers into ``KVOutput``s.
/// Every call uses a fresh connection, so nothing is ever resent behind the recorder's back.
struct KVCalls: Sendable {
    let cluster: FaultCluster
    let member: String
    let timeoutSeconds: Double

    var port: UInt16 { cluster.clientPort(member) }

    /// Performs `input`.
    func perform(_ input: KVInput) -> CallOutcome {
        let (path, body) = Self.request(for: input)
        let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: UInt64(timeoutSeconds * 1e9))
        defer { client.close() }
        let response: HTTPClientResponse
        do {
            response = try client.request(method: "POST", path: path, body: Array(body.utf8))
        } catch {
            switch error {
            case .system(let operation, _) where operation.hasPrefix("connect"):
                return .notSent("\(error)")
            case .timedOut(let operation) where operation.hasPrefix("connect"):
                return .notSent("\(error)")
            default:
                return .unknown("\(error)")
            }
        }
        guard let json = try? JSONParser.parse(response.body) else { return .unknown("HTTP \(response.status), undecodable body") }
        // Another run's member answered (a port reused): our cluster never saw the request.
        guard cluster.isOurs(json) else { return .notSent("answer from another cluster") }
        switch response.status {
        case 200:
            guard let output = Self.decode(json, for: input) else { return .unknown("cannot decode \(String(decoding: response.body.prefix(200), as: UTF8.self))") }
            return .answered(output)
        case 404 where input.usesLease:
            return .answered(.failed(.leaseNotFound))
        case 412 where input.isLeaseGrant:
            return .answered(.failed(.leaseExists))
        default:
            return .unknown("HTTP \(response.status) \(String(decoding: response.body.prefix(160), as: UTF8.self))")
        }
    }

    /// The gateway path and JSON body of an input.
    static func request(for input: KVInput) -> (String, String) {
        switch input {
        case .get(let key):
            return ("/v3/kv/range", #"{"key":"\#(b64(key))"}"#)
        case .range(let prefix):
            return ("/v3/kv/range", #"{"key":"\#(b64(prefix))","range_end":"\#(b64(prefixEnd(prefix)))"}"#)
        case .put(let key, let value, let lease, let prevKV):
            return ("/v3/kv/put", #"{"key":"\#(b64(key))","value":"\#(b64(value))","lease":"\#(lease)","prev_kv":\#(prevKV)}"#)
        case .delete(let key, let prefix):
            let end = prefix ? #","range_end":"\#(b64(prefixEnd(key)))""# : ""
            return ("/v3/kv/deleterange", #"{"key":"\#(b64(key))"\#(end)}"#)
        case .txn(let compares, let success, let failure):
            let c = compares.map { compare -> String in
                switch compare {
                case .valueEquals(let key, let value):
                    return #"{"key":"\#(b64(key))","target":"VALUE","result":"EQUAL","value":"\#(b64(value))"}"#
                case .modRevisionEquals(let key, let revision):
                    return #"{"key":"\#(b64(key))","target":"MOD","result":"EQUAL","mod_revision":"\#(revision)"}"#
                case .versionEquals(let key, let version):
                    return #"{"key":"\#(b64(key))","target":"VERSION","result":"EQUAL","version":"\#(version)"}"#
                }
            }
            func ops(_ writes: [TxnWrite]) -> String {
                writes.map { write -> String in
                    switch write {
                    case .put(let key, let value, let lease):
                        return #"{"request_put":{"key":"\#(b64(key))","value":"\#(b64(value))","lease":"\#(lease)"}}"#
                    case .delete(let key):
                        return #"{"request_delete_range":{"key":"\#(b64(key))"}}"#
                    }
                }.joined(separator: ",")
            }
            return ("/v3/kv/txn", #"{"compare":[\#(c.joined(separator: ","))],"success":[\#(ops(success))],"failure":[\#(ops(failure))]}"#)
        case .leaseGrant(let id):
            return ("/v3/lease/grant", #"{"TTL":"3600","ID":"\#(id)"}"#)
        case .leaseRevoke(let id):
            return ("/v3/lease/revoke", #"{"ID":"\#(id)"}"#)
        }
    }

    /// The first key after every key starting with `prefix` ("k" → "l").
    static func prefixEnd(_ prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xFF { bytes[bytes.count - 1] = last + 1; return String(decoding: bytes, as: UTF8.self) }
            bytes.removeLast()
        }
        return "\0"
    }

    static func revision(_ json: JSONValue) -> Int64? { json["header"]?["revision"]?.int64Text.flatMap { Int64($0) } }

    static func int64(_ json: JSONValue?, _ field: String) -> Int64 { json?[field]?.int64Text.flatMap { Int64($0) } ?? 0 }

    /// The text of a gateway `bytes` field (standard base64), or nil when malformed.
    static func text(base64: String) -> String? {
        Base64.decode(Array(base64.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A `mvccpb.KeyValue` object.
    static func keyValue(_ json: JSONValue) -> KeyValue? {
        guard let key = json["key"]?.int64Text.flatMap(Self.text(base64:)) else { return nil }
        let value = json["value"]?.int64Text.flatMap(Self.text(base64:)) ?? ""
        return KeyValue(key: key, value: value, createRevision: int64(json, "create_revision"), modRevision: int64(json, "mod_revision"),
                        version: int64(json, "version"), lease: int64(json, "lease"))
    }

    static func keyValues(_ json: JSONValue?) -> [KeyValue]? {
        guard let json, case .array(let items) = json else { return json == nil ? [] : nil }
        var out: [KeyValue] = []
        for item in items {
            guard let kv = keyValue(item) else { return nil }
            out.append(kv)
        }
        return out
    }

    /// The ``KVOutput`` of a 200 response.
    static func decode(_ json: JSONValue, for input: KVInput) -> KVOutput? {
        guard let revision = revision(json) else { return nil }
        switch input {
        case .get:
            guard let kvs = keyValues(json["kvs"]) else { return nil }
            return .get(revision: revision, kv: kvs.first)
        case .range:
            guard let kvs = keyValues(json["kvs"]) else { return nil }
            return .range(revision: revision, kvs: kvs)
        case .put(_, _, _, let prevKV):
            return .put(revision: revision, prev: prevKV ? json["prev_kv"].flatMap(keyValue) : nil)
        case .delete:
            return .delete(revision: revision, deleted: int64(json, "deleted"))
        case .txn:
            return .txn(revision: revision, succeeded: json["succeeded"] == .bool(true))
        case .leaseGrant:
            return .leaseGrant(revision: revision)
        case .leaseRevoke:
            return .leaseRevoke(revision: revision)
        }
    }
}

extension KVInput {
    var usesLease: Bool {
        switch self {
        case .put(_, _, let lease, _): lease != 0
        case .leaseRevoke: true
        case .txn(_, let s, let f): (s + f).contains { if case .put(_, _, let l) = $0 { l != 0 } else { false } }
        default: false
        }
    }

    var isLeaseGrant: Bool { if case .leaseGrant = self { true } else { false } }
}
