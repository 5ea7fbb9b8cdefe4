import Testing
import JSON
#if canImport(Glibc)
import Glibc
#endif

@Suite("backup and restore with real tern processes", .serialized, .timeLimit(.minutes(2)))
struct BackupRestoreTests {
    @Test("tern kv snapshot save, then tern server --restore on every member of a new cluster, gives the same keyspace")
    func saveAndRestore() throws {
        let source = try ProcessCluster()
        defer { source.shutdown() }
        try source.startAll()
        let leader = try source.waitForLeader()
        for i in 0..<50 {
            let (s, _) = try source.post(leader, "/v3/kv/put", #"{"key":"\#(b64("k\(i)"))","value":"\#(b64("v\(i)"))"}"#)
            #expect(s == 200)
        }
        let (_, before) = try source.post(leader, "/v3/maintenance/hashkv", #"{"revision":"0"}"#)
        let m = try source.config.member(named: leader)
        let file = source.directory + "/backup.snap"
        let status = system("'\(ProcessCluster.ternPath)' kv --endpoints \(m.client) snapshot save '\(file)' > /dev/null")
        #expect(status == 0)

        let target = try ProcessCluster()
        defer { target.shutdown() }
        for name in target.names { try target.start(name, extra: ["--restore", file]) }
        let newLeader = try target.waitForLeader()
        let (_, after) = try target.post(newLeader, "/v3/maintenance/hashkv", #"{"revision":"0"}"#)
        #expect(after["hash"] != nil)
        #expect(after["hash"] == before["hash"], "restored keyspace hashes like the original")
        let (s2, r) = try target.post(newLeader, "/v3/kv/range", #"{"key":"\#(b64("k7"))"}"#)
        #expect(s2 == 200)
        #expect(r["kvs"] != nil)
        let (s3, _) = try target.post(newLeader, "/v3/kv/put", #"{"key":"\#(b64("new"))","value":"\#(b64("x"))"}"#)
        #expect(s3 == 200, "the restored cluster takes writes")
    }
}
