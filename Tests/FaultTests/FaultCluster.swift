import TestSupport
import Synchronization
import Wire
import JSON
#if canImport(Glibc)
import Glibc
#endif

/// Every `tern` process any fault test started and has not reaped yet, killed at process exit too.
let liveProcesses = Mutex<Set<pid_t>>([])

private let killAtExit: Void = {
    atexit {
        for pid in liveProcesses.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}()

/// A cluster of real `tern server` processes for fault tests. Each member dials each peer through its
/// own ``PeerProxy`` (one per direction), runs with fast Raft ticks and small snapshot thresholds, and
/// may be given crash points or the lose-unsynced file system through its environment.
///
/// - Warning: control it from the test's thread; client threads only read ``clientPort(_:)`` and ``isUp(_:)``.
final class FaultCluster: @unchecked Sendable {
    // Safe: every mutable field is behind `state`; the rest is set in init and never changed.
    let directory: String
    let configPath: String
    let names: [String]
    /// Raft ids by name: founders' are the hash of the names; a member added at run time gets the
    /// fresh id its `member add` answered (``adoptID(of:fromAddAnswer:)``).
    var ids: [String: UInt64] { idTable.withLock { $0 } }
    private let idTable: Mutex<[String: UInt64]>
    private let clientPorts: [String: UInt16]
    private let peerPorts: [String: UInt16]
    /// Proxies by "from>to".
    let proxies: [String: PeerProxy]
    let serverFlags: [String]
    /// A cluster name unique in this test process ("fault<pid>x<n>"), so that its cluster id differs from
    /// every other cluster's and an answer from another run's member is recognised (see ``crossedAnswers``).
    let clusterName: String
    /// Short tag of this cluster, put in every value its clients write.
    let tag: String
    /// The cluster id every answer's header must carry.
    let clusterID: UInt64
    /// Answers that came from another cluster (ports reused across concurrent runs): never recorded.
    let crossedAnswers = Atomic<Int>(0)
    private static let created = Atomic<Int>(0)
    private let state = Mutex<(pids: [String: pid_t], paused: Set<String>, env: [String: [String: String]])>(([:], [], [:]))
    /// Faults injected (for the soak figures).
    let faultsInjected = Atomic<Int>(0)

    /// Members that are not founders: in `cluster-all.conf` only, started with `--join` after a `member add`.
    let spares: Set<String>
    private let allConfigPath: String

    /// Writes a `cluster.conf` for `size` founding members (and `cluster-all.conf` with `spares` more) and
    /// starts one proxy per ordered pair.
    init(size: Int, spares spareCount: Int = 0, seed: UInt64, tickMilliseconds: Int = 25, electionTicks: Int = 10, snapshotEvery: Int = 200) throws {
        _ = killAtExit
        directory = temporaryDirectory("tern-fault")
        let number = Self.created.wrappingAdd(1, ordering: .relaxed).newValue
        tag = "x\(number)"
        clusterName = "fault\(getpid())x\(number)"
        clusterID = Self.memberID(cluster: "cluster", member: clusterName)
        var text = "[cluster]\nname = \(clusterName)\ndata-dir = data\n"
        var names: [String] = []
        var clientPorts: [String: UInt16] = [:]
        var peerPorts: [String: UInt16] = [:]
        var allText = text
        var spares: Set<String> = []
        for i in 1...(size + spareCount) {
            let name = "n\(i)"
            names.append(name)
            clientPorts[name] = freePort()
            peerPorts[name] = freePort()
            let section = "[member \(name)]\nclient = 127.0.0.1:\(clientPorts[name]!)\npeer = 127.0.0.1:\(peerPorts[name]!)\napi = 127.0.0.1:\(freePort())\n"
            allText += section
            if i <= size { text += section } else { spares.insert(name) }
        }
        self.spares = spares
        configPath = directory + "/cluster.conf"
        allConfigPath = directory + "/cluster-all.conf"
        for (path, content) in [(configPath, text), (allConfigPath, allText)] {
            guard let f = fopen(path, "w") else { throw TestFailure("cannot write \(path)") }
            fputs(content, f)
            fclose(f)
        }
        self.names = names
        self.clientPorts = clientPorts
        self.peerPorts = peerPorts
        var ids: [String: UInt64] = [:]
        for name in names { ids[name] = Self.memberID(cluster: clusterName, member: name) }
        idTable = Mutex(ids)
        var proxies: [String: PeerProxy] = [:]
        var n: UInt64 = 0
        for from in names {
            for to in names where to != from {
                n += 1
                proxies["\(from)>\(to)"] = try PeerProxy(from: from, to: to, listenPort: freePort(), targetPort: peerPorts[to]!, seed: seed &+ n)
            }
        }
        self.proxies = proxies
        // The store alone: the checker verifies every write in the log, and the Kubernetes API's
        // own writes (its namespaces) would be writes no recorded client made.
        serverFlags = ["--tick-ms", "\(tickMilliseconds)", "--election-ticks", "\(electionTicks)", "--snapshot-every", "\(snapshotEvery)",
                       "--log-level", "info", "--no-kubernetes-api"]
        for key in proxies.keys.sorted() { try proxies[key]!.start() }
    }

    /// The election timeout of the members (the smallest; randomized up to twice this).
    var electionTimeoutSeconds: Double {
        Double(Int(serverFlags[1])! * Int(serverFlags[3])!) / 1000
    }

    /// Raft ids, as `ClusterConfig.memberID` computes them (FNV-1a of "cluster/member").
    static func memberID(cluster: String, member: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in (cluster + "/" + member).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h == 0 ? 1 : h
    }

    /// Records the id a `member add` answer (`{"member":{"ID":"…"}}`) gave `name`; false if it has none.
    @discardableResult
    func adoptID(of name: String, fromAddAnswer body: JSONValue) -> Bool {
        guard case .string(let text)? = body["member"]?["ID"], let id = UInt64(text) else { return false }
        idTable.withLock { $0[name] = id }
        return true
    }

    /// The name of the member with Raft id `id`.
    func name(ofID id: UInt64) -> String? { names.first { ids[$0] == id } }

    func clientPort(_ name: String) -> UInt16 { clientPorts[name]! }

    /// The port a member listens on for peers (not its proxies).
    func peerPort(_ name: String) -> UInt16 { peerPorts[name]! }

    /// A member's data folder.
    func dataDirectory(_ name: String) -> String { directory + "/data/" + name }

    /// Running and not paused.
    func isUp(_ name: String) -> Bool { state.withLock { $0.pids[name] != nil && !$0.paused.contains(name) } }

    /// Members with a process (paused ones included).
    var running: [String] { state.withLock { s in names.filter { s.pids[$0] != nil } } }

    /// The environment a member starts with from now on (crash points, test file system); nil values unset.
    func setEnvironment(_ name: String, _ env: [String: String]) { state.withLock { $0.env[name] = env } }

    /// Starts `tern server --name NAME`, logging to `<dir>/NAME.log`, dialing peers through its proxies.
    func start(_ name: String, extra: [String] = []) throws {
        // A founder knows only the founders (its cluster.conf); a spare knows everyone.
        let dialed = spares.contains(name) ? names : names.filter { !spares.contains($0) }
        let via = dialed.filter { $0 != name }.map { "\($0)=127.0.0.1:\(proxies["\(name)>\($0)"]!.listenPort)" }.joined(separator: ",")
        var env = ["TERN_PEER_VIA": via]
        for (k, v) in state.withLock({ $0.env[name] ?? [:] }) { env[k] = v }
        var environment: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if !text.hasPrefix("TERN_") { environment.append(text) }
            index += 1
        }
        for key in env.keys.sorted() { environment.append("\(key)=\(env[key]!)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let logPath = directory + "/\(name).log"
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let path = Self.ternPath
        let spare = spares.contains(name)
        let args = [path, "server", "--config", spare ? allConfigPath : configPath, "--name", name] + serverFlags + extra + (spare ? ["--join"] : [])
        let argv = args.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw TestFailure("cannot start \(path): \(rc)") }
        liveProcesses.withLock { _ = $0.insert(pid) }
        state.withLock { $0.pids[name] = pid; $0.paused.remove(name) }
    }

    /// Starts every founding member.
    func startAll() throws { for n in names where !spares.contains(n) { try start(n) } }

    /// SIGKILL and reap.
    func kill(_ name: String) {
        guard let pid = state.withLock({ $0.pids.removeValue(forKey: name) }) else { return }
        faultsInjected.add(1, ordering: .relaxed)
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        liveProcesses.withLock { _ = $0.remove(pid) }
        state.withLock { _ = $0.paused.remove(name) }
    }

    /// SIGSTOP: the process freezes with its sockets open.
    func pause(_ name: String) {
        guard let pid = state.withLock({ s -> pid_t? in s.paused.insert(name); return s.pids[name] }) else { return }
        faultsInjected.add(1, ordering: .relaxed)
        Glibc.kill(pid, SIGSTOP)
    }

    /// SIGCONT.
    func resume(_ name: String) {
        guard let pid = state.withLock({ s -> pid_t? in s.paused.remove(name); return s.pids[name] }) else { return }
        Glibc.kill(pid, SIGCONT)
    }

    /// Waits up to `seconds` for a member to exit on its own (a crash point); true if it did (it is reaped).
    func waitForExit(_ name: String, seconds: Double) -> Bool {
        guard let pid = state.withLock({ $0.pids[name] }) else { return true }
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                state.withLock { _ = $0.pids.removeValue(forKey: name) }
                liveProcesses.withLock { _ = $0.remove(pid) }
                return true
            }
            usleep(20_000)
        }
        return false
    }

    /// Sets the fault of one direction.
    func link(_ from: String, _ to: String, _ fault: LinkFault) {
        proxies["\(from)>\(to)"]!.set(fault)
        if fault != .pass { faultsInjected.add(1, ordering: .relaxed) }
    }

    /// Blackholes every link to and from `name`.
    func isolate(_ name: String) {
        for other in names where other != name {
            link(name, other, .blackhole)
            link(other, name, .blackhole)
        }
    }

    /// Every link passes again.
    func heal() { for p in proxies.values { p.set(.pass) } }

    /// The same fault on every link.
    func everyLink(_ fault: LinkFault) { for key in proxies.keys.sorted() { proxies[key]!.set(fault) }; faultsInjected.add(1, ordering: .relaxed) }

    /// POST `json` to a member's client port with a fresh connection (no automatic resend).
    func post(_ name: String, _ path: String, _ json: String, timeoutSeconds: Double = 1) throws -> (Int, JSONValue) {
        let c = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: clientPort(name)), timeoutNanoseconds: UInt64(timeoutSeconds * 1e9))
        defer { c.close() }
        let r = try c.request(method: "POST", path: path, body: Array(json.utf8))
        let value = (try? JSONParser.parse(r.body)) ?? .null
        guard isOurs(value) else { throw TestFailure("answer from another cluster on port \(clientPort(name))") }
        return (r.status, value)
    }

    /// False (and counted) when a response's header names another cluster.
    func isOurs(_ response: JSONValue) -> Bool {
        guard let id = response["header"]?["cluster_id"]?.int64Text ?? response["result"]?["header"]?["cluster_id"]?.int64Text else { return true }
        if id == String(clusterID) { return true }
        crossedAnswers.add(1, ordering: .relaxed)
        return false
    }

    /// (leader name, term) as member `name` reports it, or nil.
    func status(_ name: String) -> (leader: String?, term: UInt64, revision: Int64)? {
        guard let (s, v) = try? post(name, "/v3/maintenance/status", "{}", timeoutSeconds: 0.5), s == 200 else { return nil }
        let leader = v["leader"]?.int64Text.flatMap { UInt64($0) }.flatMap { self.name(ofID: $0) }
        let term = v["raftTerm"]?.int64Text.flatMap { UInt64($0) } ?? 0
        let revision = v["header"]?["revision"]?.int64Text.flatMap { Int64($0) } ?? 0
        return (leader, term, revision)
    }

    /// A leader that a running member names and that itself agrees, waiting up to `seconds`.
    func waitForLeader(seconds: Double = 15, excluding: String? = nil) throws -> String {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            for name in names where isUp(name) && name != excluding {
                if let leader = status(name)?.leader, leader != excluding, isUp(leader), status(leader)?.leader == leader {
                    return leader
                }
            }
            usleep(50_000)
        }
        throw TestFailure("no leader within \(seconds) s; logs in \(directory)")
    }

    /// Kills every process and stops every proxy; removes the folder unless `keep`.
    func shutdown(keep: Bool) {
        for name in names {
            resume(name)
            kill(name)
        }
        for key in proxies.keys.sorted() { proxies[key]!.stop() }
        if !keep { removeTree(directory) }
    }

    /// The last lines of a member's log (for failure messages).
    func logTail(_ name: String, lines: Int = 20) -> String {
        guard let bytes = readFileBytes(directory + "/\(name).log") else { return "" }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// The `tern` binary beside the test bundle (built by `swift test` as a dependency).
    static var ternPath: String {
        let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        for candidate in [root + "/.build/debug/tern", root + "/.build/release/tern"] where access(candidate, X_OK) == 0 {
            return candidate
        }
        return root + "/.build/debug/tern"
    }
}

extension JSONValue {
    /// An int64 field as etcd's gateway writes it (a string) or as a plain number.
    var int64Text: String? {
        switch self {
        case .string(let s): return s
        case .number(let s): return s
        default: return nil
        }
    }
}
