#if canImport(Glibc)
import Glibc
#endif
import JSON
import Raft
import Wire

/// Where a member's Raft id comes from, and the file that keeps it.
///
/// Founding members (those that bootstrap the cluster from `cluster.conf`) use the stable hash of
/// the cluster and member names, so they agree on each other's ids without talking. A member added
/// at run time gets a fresh random id from `member add` (as etcd does): a name that was removed and
/// added back is a new member, so it never replays its own old removal nor reuses an old vote. A
/// member started with `--join` and an empty data folder asks the running members for the id listed
/// under its name, and takes the whole member list from the same answer: the others' ids may be
/// fresh ones too, which `cluster.conf` cannot know, and the joiner must be able to answer them
/// before its log tells it who they are. Either way the id is written to `<data>/member-id`
/// (fsynced) before the WAL is opened, and read from there on every later start.
enum MemberIdentity {
    static let fileName = "member-id"

    /// Who this member is, and (after a lookup) the cluster's members as the cluster lists them.
    struct Resolved {
        var id: NodeID
        /// The members listed by a running member, this one included; nil when nothing was asked.
        var members: [MemberConfig]?
    }

    /// The id this member runs under (see the type's description).
    static func resolve(_ member: MemberConfig, cluster: ClusterConfig, join: Bool,
                        lookupTimeoutNanoseconds: UInt64, log: ReplicaLog) throws(ReplicaError) -> Resolved {
        let directory = cluster.dataDirectory(of: member.name)
        let path = directory + "/" + fileName
        if let text = readFile(path) {
            guard let id = UInt64(String(text.filter { $0 != "\n" && $0 != " " })), id != 0 else {
                throw .configuration("\(path) does not hold a member id: \(text.prefix(40))")
            }
            return Resolved(id: id, members: nil)
        }
        let walFiles = (try? listDirectory(directory))?.filter { $0.hasSuffix(".wal") || $0.hasSuffix(".snap") } ?? []
        var resolved = Resolved(id: member.id, members: nil)
        if join && walFiles.isEmpty {
            let listed = try lookUp(member.name, cluster: cluster, timeoutNanoseconds: lookupTimeoutNanoseconds)
            resolved = Resolved(id: listed.id, members: listed.members)
            log.info("joining as member \(String(listed.id, radix: 16)), the id the cluster gave \(member.name)")
        }
        // Otherwise a founder, or a data folder written before ids were kept in a file (ids were the hash).
        try write(String(resolved.id) + "\n", to: path, directory: directory)
        return resolved
    }

    /// Asks the other members in `cluster.conf` (their client addresses) for the member list until
    /// one lists `name`.
    private static func lookUp(_ name: String, cluster: ClusterConfig,
                               timeoutNanoseconds: UInt64) throws(ReplicaError) -> (id: NodeID, members: [MemberConfig]) {
        let deadline = MonotonicClock.nowNanoseconds() &+ timeoutNanoseconds
        var lastProblem = "no other member in the configuration"
        repeat {
            for other in cluster.members where other.name != name {
                let client = HTTPClient(address: other.client.socketAddress, timeoutNanoseconds: 2_000_000_000)
                defer { client.close() }
                do {
                    let response = try client.request(method: "POST", path: "/v3/cluster/member/list", body: Array("{}".utf8))
                    guard response.status == 200, case .array(let members)? = try JSONParser.parse(response.body)["members"] else {
                        lastProblem = "\(other.name) answered \(response.status)"
                        continue
                    }
                    let listed = members.compactMap(memberConfig)
                    if let me = listed.first(where: { $0.name == name }) { return (me.id, listed) }
                    lastProblem = "\(other.name) does not list a member named \(name) (run `tern kv member add \(name) …` first)"
                } catch {
                    lastProblem = "\(other.name): \(error)"
                }
            }
            usleep(200_000)
        } while MonotonicClock.nowNanoseconds() < deadline
        throw .configuration("cannot join: \(lastProblem)")
    }

    /// A member as `member/list` shows it (`ID`, `name`, `peerURLs`, `clientURLs`); the API address is
    /// not listed (port 0: unknown).
    private static func memberConfig(_ m: JSONValue) -> MemberConfig? {
        guard case .string(let text)? = m["ID"], let id = UInt64(text), id != 0,
              case .string(let name)? = m["name"], let peer = firstURL(m["peerURLs"]) else { return nil }
        let client = firstURL(m["clientURLs"]) ?? HostPort(host: peer.host, port: 0)
        return MemberConfig(name: name, id: id, client: client, peer: peer, api: HostPort(host: peer.host, port: 0))
    }

    private static func firstURL(_ value: JSONValue?) -> HostPort? {
        guard case .array(let urls)? = value, case .string(var url)? = urls.first else { return nil }
        if url.hasPrefix("http://") { url.removeFirst(7) }
        return HostPort(parsing: url)
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &bytes, bytes.count)
        return n >= 0 ? String(decoding: bytes[0..<n], as: UTF8.self) : nil
    }

    private static func listDirectory(_ path: String) throws(ReplicaError) -> [String] {
        guard let dir = opendir(path) else { throw .storage("cannot list \(path)") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Writes `text` durably: a temporary file, fsync, rename, fsync of the folder.
    private static func write(_ text: String, to path: String, directory: String) throws(ReplicaError) {
        makeDirectories(directory)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw .storage("cannot create \(temporary): errno \(errno)") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            throw .storage("cannot write \(path): errno \(errno)")
        }
        let dirFD = open(directory, O_RDONLY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    private static func makeDirectories(_ path: String) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            mkdir(prefix, 0o755)
        }
    }
}
