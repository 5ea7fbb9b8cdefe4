import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Replica

@Suite("cluster.conf parsing")
struct ClusterConfigTests {
    let sample = """
        # comment
        [cluster]
        name = demo   # trailing comment
        data-dir = data

        [member n1]
        client = 127.0.0.1:3379
        peer = 127.0.0.1:3380
        api = 127.0.0.1:7443
        [member n2]
        client = 127.0.0.1:3479
        peer = 127.0.0.1:3480
        api = 127.0.0.1:7444
        """

    @Test("a valid file parses, with stable distinct ids and per-member data folders")
    func valid() throws {
        let c = try ClusterConfig.parse(sample, baseDirectory: "/tmp/x")
        #expect(c.name == "demo")
        #expect(c.members.map(\.name) == ["n1", "n2"])
        #expect(c.members[0].client == HostPort(host: "127.0.0.1", port: 3379))
        #expect(c.members[0].id != c.members[1].id)
        #expect(c.members[0].id != 0)
        #expect(c.dataDirectory(of: "n2") == "/tmp/x/data/n2")
        let again = try ClusterConfig.parse(sample, baseDirectory: "/elsewhere")
        #expect(again.members.map(\.id) == c.members.map(\.id))
        #expect(again.clusterID == c.clusterID)
    }

    @Test("the repository's cluster.conf describes n1, n2, n3")
    func repositoryFile() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let text = try #require(readTextFile("/" + path + "/cluster.conf"))
        let c = try ClusterConfig.parse(text, baseDirectory: "/" + path)
        #expect(c.members.map(\.name) == ["n1", "n2", "n3"])
        #expect(!c.members.contains { [2379, 2380].contains($0.client.port) || [2379, 2380].contains($0.peer.port) })
    }

    @Test("errors name their line", arguments: [
        ("[cluster]\nname = a\ndata-dir = d\nbogus = 1\n", 4),
        ("[cluster]\nname = a\ndata-dir = d\n[member n1]\nclient = nope\npeer = h:1\napi = h:2\n", 5),
        ("[cluster]\nname = a\ndata-dir = d\n[member n1\n", 4),
        ("just words\n", 1),
        ("[cluster]\nname = a\nname = b\n", 3),
        ("[cluster]\nname = a\ndata-dir = d\n[pods x]\n", 4),
    ])
    func syntaxErrors(text: String, line: Int) {
        #expect {
            _ = try ClusterConfig.parse(text, baseDirectory: "/")
        } throws: { error in
            guard case ClusterConfigError.syntax(let l, _) = error else { return false }
            return l == line
        }
    }

    @Test("missing pieces are reported")
    func missing() {
        #expect(throws: ClusterConfigError.self) { try ClusterConfig.parse("", baseDirectory: "/") }
        #expect(throws: ClusterConfigError.self) { try ClusterConfig.parse("[cluster]\nname = a\n", baseDirectory: "/") }
        #expect(throws: ClusterConfigError.self) {
            try ClusterConfig.parse("[cluster]\nname = a\ndata-dir = d\n[member n1]\nclient = h:1\n", baseDirectory: "/")
        }
        #expect(throws: ClusterConfigError.unknownMember("zz")) {
            try ClusterConfig.parse(sample, baseDirectory: "/").member(named: "zz")
        }
    }
}

func readTextFile(_ path: String) -> String? { readFileBytes(path).map { String(decoding: $0, as: UTF8.self) } }
