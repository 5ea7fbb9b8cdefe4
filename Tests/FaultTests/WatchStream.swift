import TestSupport
import Checker
import JSON
import Wire

/// One open `/v3/watch` stream on one member, read line by line into ``WatchResponse``s.
/// - Warning: use from one thread.
final class WatchStream {
    let client: HTTPClient
    /// The header revision of the creation response.
    private(set) var createdRevision: Int64 = 0

    /// Opens a watch on `key` (or every key under it when `prefix`) from `startRevision` (0: from now).
    let cluster: FaultCluster

    init(cluster: FaultCluster, member: String, key: String, prefix: Bool, startRevision: Int64, prevKV: Bool, timeoutSeconds: Double) throws {
        self.cluster = cluster
        client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: cluster.clientPort(member)), timeoutNanoseconds: UInt64(timeoutSeconds * 1e9))
        var create = #""key":"\#(b64(key))""#
        if prefix { create += #","range_end":"\#(b64(key.isEmpty ? "\0" : KVCalls.prefixEnd(key)))""# }
        if startRevision > 0 { create += #","start_revision":"\#(startRevision)""# }
        if prevKV { create += #","prev_kv":true"# }
        do {
            try client.startStreamingRequest(method: "POST", path: "/v3/watch")
            try client.sendBodyChunk(Array(#"{"create_request":{\#(create)}}"#.utf8))
            let head = try client.readResponseHead()
            guard head.status == 200 else { throw TestFailure("watch: HTTP \(head.status)") }
        } catch {
            client.close()
            throw error
        }
    }

    /// Asks the member for a progress notification.
    func requestProgress() throws { try client.sendBodyChunk(Array(#"{"progress_request":{}}"#.utf8)) }

    /// The next response: nil on a timeout with nothing read (try again), throws when the stream ended.
    /// `created` responses are consumed here (their revision is kept).
    func next() throws -> WatchResponse? {
        while true {
            let line: [UInt8]?
            do {
                line = try client.readBodyLine()
            } catch {
                if case .timedOut = error { return nil }
                throw error
            }
            guard let line else { throw TestFailure("watch stream ended") }
            if line.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) { continue }
            guard let json = try? JSONParser.parse(line), let result = json["result"] else {
                throw TestFailure("undecodable watch line \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            guard cluster.isOurs(json) else { throw TestFailure("a watch answered by another cluster") }
            let revision = KVCalls.revision(result) ?? 0
            if result["created"] == .bool(true) && result["canceled"] != .bool(true) {
                createdRevision = revision
                continue
            }
            if result["canceled"] == .bool(true) {
                let compact = KVCalls.int64(result, "compact_revision")
                if compact > 0 { return .canceled(compactRevision: compact) }
                throw TestFailure("watch canceled: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            guard case .array(let items)? = result["events"], !items.isEmpty else { return .progress(revision: revision) }
            var events: [WatchEvent] = []
            for item in items {
                guard let kvJSON = item["kv"], let kv = KVCalls.keyValue(kvJSON) else { throw TestFailure("bad event") }
                let prev = item["prev_kv"].flatMap(KVCalls.keyValue)
                if item["type"] == .string("DELETE") {
                    events.append(.delete(key: kv.key, revision: kv.modRevision, prevKV: prev))
                } else {
                    events.append(WatchEvent(kind: .put, kv: kv, prevKV: prev))
                }
            }
            return .events(events)
        }
    }

    func close() { client.close() }
}
