import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("tern kv against real processes", .serialized, .timeLimit(.minutes(1)))
struct KVCommandTests {
    /// Runs `tern kv ARGS` and returns its exit status and standard output.
    func kv(_ cluster: ProcessCluster, _ args: String) -> (Int32, String) {
        let out = cluster.directory + "/kv.out"
        let status = system("'\(ProcessCluster.ternPath)' kv --endpoints \(cluster.endpoints) \(args) > '\(out)' 2>&1")
        return (status, String(decoding: readFileBytes(out) ?? [], as: UTF8.self))
    }

    @Test("put, get (simple, json, table), prefix and from-key ranges, delete, status")
    func commands() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        _ = try cluster.waitForLeader()
        #expect(kv(cluster, "put greeting hello") == (0, "OK\n"))
        #expect(kv(cluster, "put gr2 world").0 == 0)
        #expect(kv(cluster, "get greeting") == (0, "greeting\nhello\n"))
        #expect(kv(cluster, "get gr --prefix --keys-only") == (0, "gr2\ngreeting\n"))
        // Every key: ours, and the Kubernetes API's namespaces under /registry/ (created as members start).
        let everything = kv(cluster, "get '' --from-key --keys-only")
        #expect(everything.0 == 0 && everything.1.hasSuffix("gr2\ngreeting\n"), "\(everything.1)")
        #expect(kv(cluster, "get g --from-key --count-only") == (0, "2\n"))
        let table = kv(cluster, "-w table get greeting")
        #expect(table.0 == 0)
        #expect(table.1.contains("| KEY      | VALUE | MOD REVISION |"))
        #expect(table.1.contains("| greeting | hello | "))
        let json = kv(cluster, "-w json get greeting")
        #expect(json.1.contains(#""value":"aGVsbG8=""#))
        #expect(kv(cluster, "del gr --prefix") == (0, "2\n"))
        let status = kv(cluster, "status")
        #expect(status.0 == 0)
        #expect(status.1.contains("(this one)"))
        #expect(kv(cluster, "get").0 != 0, "usage errors exit non-zero")
    }
}
