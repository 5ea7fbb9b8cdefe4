#if canImport(Glibc)
import Glibc
#endif
import Replica
import Wire
import JSON
import MVCC

/// `tern kv ...`: an etcdctl-style client over the etcd v3 JSON gateway API.
enum KVCommand {
    static let help = """
        usage: tern kv [--endpoints host:port,...] [-w simple|json|table] <command>
          put KEY VALUE [--lease ID] [--prev-kv]
          get KEY [RANGE_END] [--prefix] [--from-key] [--limit N] [--rev R] [--keys-only] [--count-only] [--serializable]
          del KEY [RANGE_END] [--prefix] [--from-key] [--prev-kv]
          watch KEY [RANGE_END] [--prefix] [--rev R] [--prev-kv]
          txn JSON                      a TxnRequest in the gateway's JSON form
          compact REVISION
          lease grant TTL | revoke ID | timetolive ID [--keys] | list | keep-alive ID
          member list | add NAME --peer-urls URL [--client-urls URL] [--learner] | remove ID | promote ID
          snapshot save FILE            a consistent image of the keyspace (restore: tern server --restore FILE)
          status                        one line per endpoint
          endpoints                     health of every endpoint
        Endpoints default to the members of ./cluster.conf, else 127.0.0.1:3379.
        """

    static let switches: Set<String> = ["prefix", "from-key", "keys-only", "count-only", "serializable", "prev-kv", "keys",
                                        "learner", "help", "h"]

    static func run(_ args: [String]) -> Int32 {
        let flags = Console.Flags(args, switches: switches)
        var words = flags.positional
        guard !words.isEmpty, !flags.has("help"), !flags.has("h") else {
            print(help)
            return words.isEmpty ? 2 : 0
        }
        let command = words.removeFirst()
        let client = Client(endpoints: endpoints(flags), json: flags["w"] == "json", table: flags["w"] == "table")
        do {
            switch command {
            case "put": return try put(client, words, flags)
            case "get": return try get(client, words, flags)
            case "del", "delete": return try del(client, words, flags)
            case "watch": return try watch(client, words, flags)
            case "txn": return try client.call("/v3/kv/txn", words.first ?? "{}") { _ in }
            case "compact":
                guard let rev = words.first, Int64(rev) != nil else { return usageError("compact REVISION") }
                return try client.call("/v3/kv/compaction", #"{"revision":"\#(rev)"}"#) { _ in print("compacted revision \(rev)") }
            case "lease": return try lease(client, words, flags)
            case "member": return try member(client, words, flags)
            case "status", "endpoints": return status(client)
            case "snapshot":
                guard words.count == 2, words[0] == "save" else { return usageError("snapshot save FILE") }
                return try saveSnapshot(client, to: words[1])
            default: return usageError("unknown command \(command)")
            }
        } catch {
            Console.error("tern kv: \(error)")
            return 1
        }
    }

    static func usageError(_ text: String) -> Int32 {
        Console.error("tern kv: \(text)\n\(help)")
        return 2
    }

    static func endpoints(_ flags: Console.Flags) -> [SocketAddress] {
        if let list = flags["endpoints"] {
            return list.split(separator: ",").compactMap { entry in
                var text = String(entry)
                if text.hasPrefix("http://") { text.removeFirst(7) }
                return try? SocketAddress(parsing: text)
            }
        }
        if Console.readFile("cluster.conf") != nil, let cluster = Console.loadCluster("cluster.conf") {
            return cluster.members.map(\.client.socketAddress)
        }
        return [SocketAddress(host: "127.0.0.1", port: 3379)]
    }

    /// The JSON for a key and its range end from `KEY [RANGE_END] [--prefix|--from-key]`.
    static func keyFields(_ words: [String], _ flags: Console.Flags) -> String? {
        guard let key = words.first else { return nil }
        if key.isEmpty && (flags.has("prefix") || flags.has("from-key")) {
            return #""key":"AA==","range_end":"AA==""#  // "" with --prefix or --from-key: every key
        }
        var json = #""key":"\#(encode(key))""#
        if flags.has("prefix") {
            json += #","range_end":"\#(String(decoding: Base64.encode(prefixEnd(Array(key.utf8))), as: UTF8.self))""#
        } else if flags.has("from-key") {
            json += #","range_end":"AA==""#
        } else if words.count > 1 {
            json += #","range_end":"\#(encode(words[1]))""#
        }
        return json
    }

    static func encode(_ s: String) -> String { String(decoding: Base64.encode(Array(s.utf8)), as: UTF8.self) }

    static func decode(_ v: JSONValue?) -> String {
        guard case .string(let s)? = v, let bytes = Base64.decode(Array(s.utf8)) else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The smallest key after every key with this prefix (etcd's `GetPrefixRangeEnd`).
    static func prefixEnd(_ key: [UInt8]) -> [UInt8] {
        var end = key
        while let last = end.last {
            if last < 0xff {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]
    }

    static func put(_ c: Client, _ w: [String], _ f: Console.Flags) throws -> Int32 {
        guard w.count == 2 else { return usageError("put KEY VALUE") }
        var json = #"{"key":"\#(encode(w[0]))","value":"\#(encode(w[1]))""#
        if let lease = f["lease"] { json += #","lease":"\#(lease)""# }
        if f.has("prev-kv") { json += #","prev_kv":true"# }
        return try c.call("/v3/kv/put", json + "}") { v in
            print("OK")
            if let prev = v["prev_kv"] { print(decode(prev["key"])); print(decode(prev["value"])) }
        }
    }

    static func get(_ c: Client, _ w: [String], _ f: Console.Flags) throws -> Int32 {
        guard var json = keyFields(w, f) else { return usageError("get KEY") }
        if let limit = f["limit"] { json += #","limit":"\#(limit)""# }
        if let rev = f["rev"] { json += #","revision":"\#(rev)""# }
        if f.has("keys-only") { json += #","keys_only":true"# }
        if f.has("count-only") { json += #","count_only":true"# }
        if f.has("serializable") { json += #","serializable":true"# }
        return try c.call("/v3/kv/range", "{" + json + "}") { v in
            if f.has("count-only") { print(v["count"]?.stringValue ?? "0") }
            if c.table {
                var t = TextTable(f.has("keys-only") ? ["KEY", "MOD REVISION"] : ["KEY", "VALUE", "MOD REVISION"])
                for kv in v["kvs"]?.arrayValue ?? [] {
                    let mod = kv["mod_revision"]?.stringValue ?? ""
                    t.add(f.has("keys-only") ? [decode(kv["key"]), mod] : [decode(kv["key"]), decode(kv["value"]), mod])
                }
                print(t.render())
                return
            }
            for kv in v["kvs"]?.arrayValue ?? [] {
                print(decode(kv["key"]))
                if !f.has("keys-only") { print(decode(kv["value"])) }
            }
        }
    }

    static func del(_ c: Client, _ w: [String], _ f: Console.Flags) throws -> Int32 {
        guard var json = keyFields(w, f) else { return usageError("del KEY") }
        if f.has("prev-kv") { json += #","prev_kv":true"# }
        return try c.call("/v3/kv/deleterange", "{" + json + "}") { v in
            print(v["deleted"]?.stringValue ?? "0")
        }
    }

    static func lease(_ c: Client, _ w: [String], _ f: Console.Flags) throws -> Int32 {
        switch (w.first, w.count) {
        case ("grant", 2):
            return try c.call("/v3/lease/grant", #"{"TTL":"\#(w[1])"}"#) { v in
                print("lease \(v["ID"]?.stringValue ?? "?") granted with TTL(\(v["TTL"]?.stringValue ?? "?")s)")
            }
        case ("revoke", 2):
            return try c.call("/v3/lease/revoke", #"{"ID":"\#(w[1])"}"#) { _ in print("lease \(w[1]) revoked") }
        case ("timetolive", 2):
            return try c.call("/v3/lease/timetolive", #"{"ID":"\#(w[1])","keys":\#(f.has("keys"))}"#) { v in
                let keys = (v["keys"]?.arrayValue ?? []).map { decode($0) }
                print("lease \(w[1]) granted with TTL(\(v["grantedTTL"]?.stringValue ?? "0")s), remaining(\(v["TTL"]?.stringValue ?? "-1")s)" + (keys.isEmpty ? "" : ", attached keys(\(keys))"))
            }
        case ("list", 1):
            return try c.call("/v3/lease/leases", "{}") { v in
                for l in v["leases"]?.arrayValue ?? [] { print(l["ID"]?.stringValue ?? "?") }
            }
        case ("keep-alive", 2):
            while true {
                let code = try c.call("/v3/lease/keepalive", #"{"ID":"\#(w[1])"}"#) { v in
                    let r = v["result"] ?? v
                    print("lease \(w[1]) keepalived with TTL(\(r["TTL"]?.stringValue ?? "0"))")
                }
                if code != 0 { return code }
                sleep(1)
            }
        default:
            return usageError("lease grant TTL | revoke ID | timetolive ID | list | keep-alive ID")
        }
    }

    static func watch(_ c: Client, _ w: [String], _ f: Console.Flags) throws -> Int32 {
        guard var json = keyFields(w, f) else { return usageError("watch KEY") }
        if let rev = f["rev"] { json += #","start_revision":"\#(rev)""# }
        if f.has("prev-kv") { json += #","prev_kv":true"# }
        let http = try c.connect()
        try http.startStreamingRequest(method: "POST", path: "/v3/watch")
        try http.sendBodyChunk(Array(#"{"create_request":{\#(json)}}"#.utf8))
        http.timeoutNanoseconds = UInt64(Int64.max / 2)
        let head = try http.readResponseHead()
        guard head.status == 200 else {
            Console.error("tern kv watch: HTTP \(head.status)")
            return 1
        }
        while let line = try http.readBodyLine() {
            if c.json {
                print(String(decoding: line, as: UTF8.self))
                continue
            }
            guard let v = try? JSONParser.parse(line), let r = v["result"] else { continue }
            if r["canceled"] == .bool(true) {
                print("watch canceled" + (r["compact_revision"].map { " (compacted at \($0.stringValue ?? "?"))" } ?? ""))
                return 1
            }
            for e in r["events"]?.arrayValue ?? [] {
                print(e["type"]?.stringValue ?? "PUT")
                print(decode(e["kv"]?["key"]))
                if e["type"] == nil { print(decode(e["kv"]?["value"])) }
            }
        }
        return 0
    }

    static func member(_ c: Client, _ w: [String], _ f: Console.Flags) throws -> Int32 {
        let show: (JSONValue) -> Void = { v in
            if let m = v["member"] { print("Member \(m["ID"]?.stringValue ?? "?") added") }
            if c.table {
                var t = TextTable(["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"])
                for m in v["members"]?.arrayValue ?? [] {
                    t.add([m["ID"]?.stringValue ?? "?", "started", m["name"]?.stringValue ?? "",
                           m["peerURLs"]?.arrayValue?.first?.stringValue ?? "", m["clientURLs"]?.arrayValue?.first?.stringValue ?? "",
                           String(m["isLearner"] == .bool(true))])
                }
                print(t.render())
                return
            }
            for m in v["members"]?.arrayValue ?? [] {
                let learner = m["isLearner"] == .bool(true)
                print("\(m["ID"]?.stringValue ?? "?"), started, \(m["name"]?.stringValue ?? ""), \(m["peerURLs"]?.arrayValue?.first?.stringValue ?? ""), \(m["clientURLs"]?.arrayValue?.first?.stringValue ?? ""), \(learner)")
            }
        }
        switch (w.first, w.count) {
        case ("list", 1), (nil, 0):
            return try c.call("/v3/cluster/member/list", "{}", show: show)
        case ("add", 2):
            guard let peer = f["peer-urls"] else { return usageError("member add NAME --peer-urls http://host:port") }
            var json = #"{"name":"\#(w[1])","peerURLs":["\#(peer)"],"isLearner":\#(f.has("learner"))"#
            if let client = f["client-urls"] { json += #","clientURLs":["\#(client)"]"# }
            return try c.call("/v3/cluster/member/add", json + "}", show: show)
        case ("remove", 2):
            return try c.call("/v3/cluster/member/remove", #"{"ID":"\#(w[1])"}"#, show: show)
        case ("promote", 2):
            return try c.call("/v3/cluster/member/promote", #"{"ID":"\#(w[1])"}"#, show: show)
        default:
            return usageError("member list | add NAME --peer-urls URL [--learner] | remove ID | promote ID")
        }
    }

    static func saveSnapshot(_ c: Client, to path: String) throws -> Int32 {
        let http = try c.connect()
        defer { http.close() }
        http.timeoutNanoseconds = 60_000_000_000
        try http.startStreamingRequest(method: "POST", path: "/v3/maintenance/snapshot")
        try http.finishBody()
        let head = try http.readResponseHead()
        guard head.status == 200 else {
            Console.error("tern kv snapshot: HTTP \(head.status)")
            return 1
        }
        var image: [UInt8] = []
        var complete = false
        while let line = try http.readBodyLine() {
            guard let v = try? JSONParser.parse(line), let r = v["result"],
                  case .string(let blob)? = r["blob"], let bytes = Base64.decode(Array(blob.utf8)) else { continue }
            image += bytes
            if r["remaining_bytes"] == nil {
                complete = true
                break
            }
        }
        guard complete else {
            Console.error("tern kv snapshot: the stream ended early (\(image.count) bytes)")
            return 1
        }
        guard let f = fopen(path, "w") else {
            Console.error("tern kv snapshot: cannot write \(path)")
            return 1
        }
        let written = image.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fflush(f)
        fsync(fileno(f))
        fclose(f)
        guard written == image.count else {
            Console.error("tern kv snapshot: short write to \(path)")
            return 1
        }
        print("Snapshot saved at \(path) (\(image.count) bytes)")
        return 0
    }

    static func status(_ c: Client) -> Int32 {
        var failures: Int32 = 0
        var table = TextTable(["ENDPOINT", "ID", "LEADER", "RAFT TERM", "RAFT INDEX", "REVISION"])
        defer { if c.table { print(table.render()) } }
        for endpoint in c.endpoints {
            let http = HTTPClient(address: endpoint, timeoutNanoseconds: 2_000_000_000)
            defer { http.close() }
            guard let r = try? http.request(method: "POST", path: "/v3/maintenance/status", body: Array("{}".utf8)),
                  r.status == 200, let v = try? JSONParser.parse(r.body) else {
                if c.table { table.add(["\(endpoint)", "unreachable", "", "", "", ""]) } else { print("\(endpoint): unreachable") }
                failures = 1
                continue
            }
            let me = v["header"]?["member_id"]?.stringValue ?? "?"
            let leader = v["leader"]?.stringValue ?? "none"
            if c.json {
                print(String(decoding: r.body, as: UTF8.self))
                continue
            }
            if c.table {
                table.add(["\(endpoint)", me, leader == me ? "\(leader) (this one)" : leader, v["raftTerm"]?.stringValue ?? "?",
                           v["raftIndex"]?.stringValue ?? "?", v["header"]?["revision"]?.stringValue ?? "?"])
                continue
            }
            print("\(endpoint): member \(me), leader \(leader)\(leader == me ? " (this one)" : ""), term \(v["raftTerm"]?.stringValue ?? "?"), index \(v["raftIndex"]?.stringValue ?? "?"), revision \(v["header"]?["revision"]?.stringValue ?? "?")")
        }
        return failures
    }

    /// Sends requests to the first endpoint that answers.
    struct Client {
        var endpoints: [SocketAddress]
        var json: Bool
        var table: Bool

        func connect() throws -> HTTPClient {
            var last: Error?
            for e in endpoints {
                let http = HTTPClient(address: e, timeoutNanoseconds: 5_000_000_000)
                do {
                    _ = try http.request(method: "GET", path: "/version")
                    return http
                } catch {
                    last = error
                }
            }
            throw last ?? ReplicaError.network("no endpoints")
        }

        /// POSTs `body`; prints the JSON with `-w json`, else calls `show`. Returns the exit status.
        func call(_ path: String, _ body: String, show: (JSONValue) -> Void) throws -> Int32 {
            let http = try connect()
            defer { http.close() }
            let r = try http.request(method: "POST", path: path, body: Array(body.utf8))
            let text = String(decoding: r.body, as: UTF8.self)
            guard r.status == 200 else {
                let v = try? JSONParser.parse(r.body)
                Console.error("Error: \(v?["message"]?.stringValue ?? text)")
                return 1
            }
            if json {
                print(text)
            } else if let v = try? JSONParser.parse(r.body) {
                show(v)
            } else {
                for line in text.split(separator: "\n") {
                    if let v = try? JSONParser.parse(Array(line.utf8)) { show(v) }
                }
            }
            return 0
        }
    }
}

extension JSONValue {
    var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return String(b)
        default: return nil
        }
    }

    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}
