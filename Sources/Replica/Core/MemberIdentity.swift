#if canImport(Glibc)
import Glibc
#endif
import JSON
import Raft
import WAL
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
    /// - Parameter fileSystem: the member's file I/O (the WAL's), for the id file.
    static func resolve(_ member: MemberConfig, cluster: ClusterConfig, join: Bool, lookupTimeoutNanoseconds: UInt64,
                        fileSystem: any FileSystem, log: ReplicaLog) throws(ReplicaError) -> Resolved {
        let directory = cluster.dataDirectory(of: member.name)
        let path = directory + "/" + fileName
        if let text = readFile(path, fileSystem) {
            guard let id = UInt64(String(text.filter { $0 != "\n" && $0 != " " })), id != 0 else {
                throw .configuration("\(path) does not hold a member id: \(text.prefix(40))")
            }
            return Resolved(id: id, members: nil)
        }
        let walFiles = (try? fileSystem.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".wal") || $0.hasSuffix(".snap") } ?? []
        var resolved = Resolved(id: member.id, members: nil)
        if join && walFiles.isEmpty {
            let listed = try lookUp(member.name, cluster: cluster, timeoutNanoseconds: lookupTimeoutNanoseconds)
            resolved = Resolved(id: listed.id, members: listed.members)
            log.info("joining as member \(String(listed.id, radix: 16)), the id the cluster gave \(member.name)")
        }
        // Otherwise a founder, or a data folder written before ids were kept in a file (ids were the hash).
        try write(String(resolved.id) + "\n", to: path, directory: directory, fileSystem)
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
        guard case .array(let urls)? = value, case .string(let url)? = urls.first else { return nil }
        return HostPort(url: url)
    }

    private static func readFile(_ path: String, _ fileSystem: any FileSystem) -> String? {
        guard let file = try? fileSystem.openFile(atPath: path, create: false) else { return nil }
        defer { file.close() }
        guard let size = try? file.size(), let bytes = try? file.read(at: 0, count: size) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` durably: a temporary file, fsync, rename, fsync of the folder.
    private static func write(_ text: String, to path: String, directory: String,
                              _ fileSystem: any FileSystem) throws(ReplicaError) {
        let temporary = path + ".tmp"
        do {
            try fileSystem.createDirectory(atPath: directory)
            try? fileSystem.removeFile(atPath: temporary)  // left by a crash mid-write
            let file = try fileSystem.openFile(atPath: temporary, create: true)
            defer { file.close() }
            try Array(text.utf8).withUnsafeBytes { try file.write($0, at: 0) }
            try file.sync()
            try fileSystem.rename(from: temporary, to: path)
            try fileSystem.syncDirectory(atPath: directory)
        } catch {
            throw .storage("cannot write \(path): \(error)")
        }
    }
}
