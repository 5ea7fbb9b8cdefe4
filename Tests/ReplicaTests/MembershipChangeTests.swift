import Testing
import Replica
import JSON
import Wire
#if canImport(Glibc)
import Glibc
#endif

@Suite("membership changes at run time", .serialized, .timeLimit(.minutes(2)))
struct MembershipChangeTests {
    @Test("add a learner that joins and catches up, promote it, then remove a founding member; writes go on")
    func addPromoteRemove() throws {
        let directory = temporaryDirectory("tern-members")
        defer { removeTree(directory) }
        var sections: [String] = []
        for i in 1...4 {
            sections.append("[member n\(i)]\nclient = 127.0.0.1:\(freePort())\npeer = 127.0.0.1:\(freePort())\napi = 127.0.0.1:\(freePort())\n")
        }
        let head = "[cluster]\nname = grow\ndata-dir = data\n"
        let founders = try ClusterConfig.parse(head + sections[0..<3].joined(), baseDirectory: directory)
        let everyone = try ClusterConfig.parse(head + sections.joined(), baseDirectory: directory)
        var members: [String: Member] = [:]
        defer { for (_, m) in members { m.stop() } }
        var names = Dictionary(uniqueKeysWithValues: founders.members.map { (String($0.id), $0.name) })
        for name in ["n1", "n2", "n3"] {
            let m = try Member(cluster: founders, name: name, options: TestCluster.fastOptions, logLevel: .warning)
            try m.start()
            members[name] = m
        }
        func post(_ name: String, _ path: String, _ json: String) throws -> (Int, JSONValue) {
            let m = try everyone.member(named: name)
            let c = HTTPClientFactory.client(m.client)
            defer { c.close() }
            let r = try c.request(method: "POST", path: path, body: Array(json.utf8))
            return (r.status, (try? JSONParser.parse(r.body)) ?? .null)
        }
        func leader() throws -> String {
            for _ in 0..<200 {
                for name in members.keys.sorted() {
                    if let (s, v) = try? post(name, "/v3/maintenance/status", "{}"), s == 200, case .string(let id)? = v["leader"],
                       let l = names[id], members[l] != nil {
                        return l
                    }
                }
                usleep(50_000)
            }
            throw TestFailure("no leader")
        }
        let first = try leader()
        for i in 0..<30 { _ = try post(first, "/v3/kv/put", #"{"key":"\#(b64("k\(i)"))","value":"\#(b64("v"))"}"#) }

        let n4 = try everyone.member(named: "n4")
        let (addStatus, added) = try post(first, "/v3/cluster/member/add",
                                          #"{"name":"n4","peerURLs":["http://\#(n4.peer)"],"clientURLs":["http://\#(n4.client)"],"isLearner":true}"#)
        #expect(addStatus == 200, "\(added)")
        guard case .string(let n4ID)? = added["member"]?["ID"] else { throw TestFailure("no member in \(added)") }
        #expect(n4ID != String(n4.id), "an added member gets a fresh id, not the hash of its name")
        #expect(added["member"]?["isLearner"] == .bool(true))
        names[n4ID] = "n4"
        let (again, _) = try post(first, "/v3/cluster/member/add",
                                  #"{"name":"n4","peerURLs":["http://127.0.0.1:1"],"clientURLs":["http://\#(n4.client)"]}"#)
        #expect(again == 412, "a second member under the same name is refused")
        var options = TestCluster.fastOptions
        options.join = true
        let joiner = try Member(cluster: everyone, name: "n4", options: options, logLevel: .warning)
        #expect(String(joiner.config.id) == n4ID, "the joiner runs under the id it was given")
        try joiner.start()
        members["n4"] = joiner
        var count = ""
        for _ in 0..<100 {
            if let (s, v) = try? post("n4", "/v3/kv/range", #"{"key":"\#(b64("k"))","range_end":"\#(b64("l"))","count_only":true,"serializable":true}"#),
               s == 200, case .string(let c)? = v["count"] { count = c }
            if count == "30" { break }
            usleep(50_000)
        }
        #expect(count == "30", "the learner caught up")

        let (promoteStatus, promoted) = try post(try leader(), "/v3/cluster/member/promote", #"{"ID":"\#(n4ID)"}"#)
        #expect(promoteStatus == 200, "\(promoted)")
        let (_, list) = try post("n4", "/v3/cluster/member/list", "{}")
        guard case .array(let listed)? = list["members"] else { throw TestFailure("no member list: \(list)") }
        #expect(listed.count == 4)
        #expect(!listed.contains { $0["isLearner"] == .bool(true) })

        let victim = "n1"
        let victimID = try everyone.member(named: victim).id
        let (removeStatus, _) = try post(try leader(), "/v3/cluster/member/remove", #"{"ID":"\#(victimID)"}"#)
        #expect(removeStatus == 200)
        members.removeValue(forKey: victim)?.stop()
        let now = try leader()
        #expect(now != victim)
        let (putStatus, _) = try post(now, "/v3/kv/put", #"{"key":"\#(b64("after"))","value":"\#(b64("x"))"}"#)
        #expect(putStatus == 200, "the three remaining members commit")
        let (_, after) = try post(now, "/v3/cluster/member/list", "{}")
        if case .array(let remaining)? = after["members"] {
            #expect(remaining.count == 3)
        } else {
            Issue.record("no member list")
        }

        // The removed member, wiped and added back under its name, joins as a new member: it must
        // not replay its old removal (it has a new id) and it catches up.
        removeTree(founders.dataDirectory(of: victim))
        let n1 = try everyone.member(named: victim)
        let (readdStatus, readded) = try post(now, "/v3/cluster/member/add",
                                              #"{"name":"n1","peerURLs":["http://\#(n1.peer)"],"clientURLs":["http://\#(n1.client)"]}"#)
        #expect(readdStatus == 200, "\(readded)")
        guard case .string(let newID)? = readded["member"]?["ID"] else { throw TestFailure("no member in \(readded)") }
        #expect(newID != String(victimID))
        names[newID] = victim
        let rejoined = try Member(cluster: everyone, name: victim, options: options, logLevel: .warning)
        #expect(String(rejoined.config.id) == newID)
        try rejoined.start()
        members[victim] = rejoined
        var seen = ""
        let deadline = MonotonicClock.nowNanoseconds() + 15_000_000_000
        while MonotonicClock.nowNanoseconds() < deadline {
            if let (s, v) = try? post(victim, "/v3/kv/range", #"{"key":"\#(b64("after"))","serializable":true}"#),
               s == 200, case .array(let kvs)? = v["kvs"], case .string(let value)? = kvs.first?["value"] { seen = value }
            if seen == b64("x") { break }
            usleep(50_000)
        }
        #expect(seen == b64("x"), "the re-added member caught up")
        let (stillPut, _) = try post(try leader(), "/v3/kv/put", #"{"key":"\#(b64("last"))","value":"\#(b64("y"))"}"#)
        #expect(stillPut == 200)
        let (statusCode, _) = try post(victim, "/v3/maintenance/status", "{}")
        #expect(statusCode == 200, "the re-added member is still running")
    }
}
