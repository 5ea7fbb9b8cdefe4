import Raft
import Wire

/// A `host:port` address.
public struct HostPort: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (a port from 1 to 65535).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]), port > 0 else { return nil }
        self.init(host: host, port: port)
    }

    /// Parses an etcd-style URL, `http://host:port`, or a bare `host:port`.
    public init?(url: String) {
        self.init(parsing: url.hasPrefix("http://") ? String(url.dropFirst(7)) : url)
    }

    public var description: String { "\(host):\(port)" }

    /// The same address as the networking layer spells it.
    public var socketAddress: SocketAddress { SocketAddress(host: host, port: port) }
}

/// One member as `cluster.conf` describes it.
public struct MemberConfig: Sendable, Equatable {
    public var name: String
    /// The Raft id: a stable hash of the cluster and member names (never 0).
    public var id: NodeID
    public var client: HostPort
    public var peer: HostPort
    public var api: HostPort
}

/// Why a `cluster.conf` could not be used.
public enum ClusterConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case syntax(line: Int, String)
    case missing(String)
    case unknownMember(String)

    public var description: String {
        switch self {
        case .syntax(let line, let text): return "cluster.conf line \(line): \(text)"
        case .missing(let text): return "cluster.conf: \(text)"
        case .unknownMember(let name): return "cluster.conf has no member named \(name)"
        }
    }
}

/// A cluster description: its name, where data lives, and its members (in file order).
///
/// The text format is documented in the repository's `cluster.conf`:
/// ```
/// [cluster]
/// name = tern-local
/// data-dir = data
/// [member n1]
/// client = 127.0.0.1:3379
/// peer = 127.0.0.1:3380
/// api = 127.0.0.1:7443
/// ```
public struct ClusterConfig: Sendable, Equatable {
    public var name: String
    /// The data folder as written in the file (relative to `baseDirectory` unless absolute).
    public var dataDir: String
    /// The folder holding the file; relative paths resolve against it.
    public var baseDirectory: String
    public var members: [MemberConfig]
    /// The Kubernetes API's static bearer token file as written (`token-file`), or nil: then the
    /// API serves anonymous requests, on loopback addresses only.
    public var tokenFile: String?

    public init(name: String, dataDir: String, baseDirectory: String, members: [MemberConfig], tokenFile: String? = nil) {
        self.name = name
        self.dataDir = dataDir
        self.baseDirectory = baseDirectory
        self.members = members
        self.tokenFile = tokenFile
    }

    /// A path from the file resolved against the file's folder (absolute paths stay as they are).
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : baseDirectory + "/" + path
    }

    /// The member called `name`.
    public func member(named name: String) throws(ClusterConfigError) -> MemberConfig {
        guard let m = members.first(where: { $0.name == name }) else { throw .unknownMember(name) }
        return m
    }

    /// The data directory of one member: `<data-dir>/<member name>`, resolved against the file's folder.
    public func dataDirectory(of member: String) -> String {
        resolve(dataDir) + "/" + member
    }

    /// The cluster id shown in response headers and checked between peers: a stable hash of the
    /// cluster name (so it stays the same as members come and go).
    public var clusterID: UInt64 {
        let h = stableHash("cluster/" + name)
        return h == 0 ? 1 : h
    }

    /// A member's Raft id: a stable hash of the cluster and member names (never 0).
    public static func memberID(cluster: String, member: String) -> NodeID {
        let id = stableHash(cluster + "/" + member)
        return id == 0 ? 1 : id
    }

    /// Parses the text of a `cluster.conf`. `baseDirectory` is the folder of the file.
    public static func parse(_ text: String, baseDirectory: String) throws(ClusterConfigError) -> ClusterConfig {
        var name: String?
        var dataDir: String?
        var tokenFile: String?
        var members: [MemberConfig] = []
        var section: String?  // "cluster" or a member name
        var fields: [String: (value: String, line: Int)] = [:]
        var sectionLine = 0

        func finishSection() throws(ClusterConfigError) {
            guard let current = section else { return }
            if current == "\u{0}cluster" {
                name = fields["name"]?.value
                dataDir = fields["data-dir"]?.value
                tokenFile = fields["token-file"]?.value
                guard name != nil else { throw .missing("[cluster] needs name (line \(sectionLine))") }
                guard dataDir != nil else { throw .missing("[cluster] needs data-dir (line \(sectionLine))") }
                return
            }
            func address(_ key: String) throws(ClusterConfigError) -> HostPort {
                guard let field = fields[key] else { throw .missing("[member \(current)] needs \(key) (line \(sectionLine))") }
                guard let hp = HostPort(parsing: field.value) else {
                    throw .syntax(line: field.line, "\(key) must be host:port, got \(field.value)")
                }
                return hp
            }
            guard !members.contains(where: { $0.name == current }) else {
                throw .syntax(line: sectionLine, "member \(current) appears twice")
            }
            members.append(MemberConfig(name: current, id: 0, client: try address("client"),
                                        peer: try address("peer"), api: try address("api")))
        }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, raw) in lines.enumerated() {
            let lineNo = i + 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else { throw .syntax(line: lineNo, "unterminated section header") }
                try finishSection()
                fields = [:]
                sectionLine = lineNo
                let inner = trimmed.dropFirst().dropLast().trimmingSpaces()
                let words = inner.split(separator: " ", omittingEmptySubsequences: true)
                if words == ["cluster"] {
                    guard name == nil else { throw .syntax(line: lineNo, "[cluster] appears twice") }
                    section = "\u{0}cluster"
                } else if words.count == 2 && words[0] == "member" && isValidName(words[1]) {
                    section = String(words[1])
                } else {
                    throw .syntax(line: lineNo, "unknown section [\(inner)] (expected [cluster] or [member NAME])")
                }
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw .syntax(line: lineNo, "expected key = value")
            }
            let key = String(trimmed[..<eq].trimmingSpaces())
            let value = String(trimmed[trimmed.index(after: eq)...].trimmingSpaces())
            guard let current = section else { throw .syntax(line: lineNo, "\(key) outside any section") }
            let allowed = current == "\u{0}cluster" ? ["name", "data-dir", "token-file"] : ["client", "peer", "api"]
            guard allowed.contains(key) else { throw .syntax(line: lineNo, "unknown key \(key)") }
            guard !value.isEmpty else { throw .syntax(line: lineNo, "\(key) has no value") }
            guard fields[key] == nil else { throw .syntax(line: lineNo, "\(key) given twice") }
            fields[key] = (value, lineNo)
        }
        try finishSection()
        guard let clusterName = name, let dir = dataDir else { throw .missing("no [cluster] section") }
        guard !members.isEmpty else { throw .missing("no [member NAME] sections") }
        for i in members.indices {
            members[i].id = memberID(cluster: clusterName, member: members[i].name)
        }
        var seen: Set<HostPort> = []
        for m in members {
            for hp in [m.client, m.peer, m.api] {
                guard seen.insert(hp).inserted else { throw .syntax(line: 0, "address \(hp) is used twice") }
            }
        }
        return ClusterConfig(name: clusterName, dataDir: dir, baseDirectory: baseDirectory, members: members, tokenFile: tokenFile)
    }
}

private func isValidName(_ s: Substring) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { c in
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2d || c == 0x5f
    }
}

/// FNV-1a over UTF-8 bytes: stable across processes (unlike `Hasher`).
func stableHash(_ text: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
