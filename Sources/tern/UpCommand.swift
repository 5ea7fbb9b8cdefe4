#if canImport(Glibc)
import Glibc
#endif
import Replica
import Wire
import JSON
import APIServer

/// `tern up [--config FILE]`: starts every member of the cluster file as a child `tern server`,
/// prints their addresses and the leader, reports members that die (without restarting them),
/// and stops them all on SIGINT or SIGTERM.
enum UpCommand {
    static func run(_ args: [String]) -> Int32 {
        let flags = Console.Flags(args)
        let path = flags["config"] ?? "cluster.conf"
        guard let cluster = Console.loadCluster(path) else { return 2 }
        var signals = Console.blockStopSignals()
        let executable = selfExecutable()
        say("tern up: cluster \(cluster.name), \(cluster.members.count) members, data in \(cluster.dataDirectory(of: "<member>"))")
        var children: [(name: String, pid: pid_t)] = []
        for m in cluster.members {
            guard let pid = spawn(executable, ["server", "--config", path, "--name", m.name]) else {
                Console.error("tern up: cannot start member \(m.name)")
                stop(children)
                return 1
            }
            children.append((m.name, pid))
            say("  \(m.name): pid \(pid), client http://\(m.client), peer \(m.peer), api \(m.api)")
        }
        let kubeconfig = writeKubeconfig(cluster)
        if let leader = waitForLeader(cluster, seconds: 30) {
            say("tern up: leader is \(leader); try: tern kv put greeting hello && tern kv get greeting")
            if let kubeconfig { say("tern up: Kubernetes API ready for kubectl: KUBECONFIG=\(kubeconfig) kubectl get namespaces") }
        } else {
            say("tern up: no leader yet after 30 s (members still starting?)")
        }
        var live = children
        var timeout = timespec(tv_sec: 0, tv_nsec: 200_000_000)
        while !live.isEmpty {
            var info = siginfo_t()
            if sigtimedwait(&signals, &info, &timeout) > 0 {
                say("tern up: stopping \(live.count) members")
                stop(live)
                return 0
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0, let i = live.firstIndex(where: { $0.pid == pid }) {
                let how = (status & 0x7f) == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
                say("tern up: member \(live[i].name) (pid \(pid)) \(how); not restarting it")
                live.remove(at: i)
            }
        }
        say("tern up: every member has stopped")
        return 1
    }

    /// Writes `<data-dir>/kubeconfig` pointing at the first member's API (with the token file's
    /// first token, if the cluster has one); returns its path.
    static func writeKubeconfig(_ cluster: ClusterConfig) -> String? {
        guard let first = cluster.members.first else { return nil }
        var token: String?
        if let file = cluster.tokenFile, let bytes = Console.readFile(cluster.resolve(file)),
           let tokens = try? StaticTokens(parsing: String(decoding: bytes, as: UTF8.self)) {
            token = tokens.firstToken
        }
        let path = cluster.resolve(cluster.dataDir) + "/kubeconfig"
        let text = Kubeconfig.text(clusterName: cluster.name, server: "http://\(first.api)", token: token)
        guard Console.writeFile(path, text) else {
            Console.error("tern up: cannot write \(path)")
            return nil
        }
        return path
    }

    /// Prints a line at once (stdout may be a pipe or a file).
    static func say(_ text: String) {
        print(text)
        fflush(nil)
    }

    static func selfExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts `executable` with `args`, stdout and stderr inherited, signals unblocked.
    static func spawn(_ executable: String, _ args: [String]) -> pid_t? {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, nil, &attr, argv, environ)
        return rc == 0 ? pid : nil
    }

    static func stop(_ children: [(name: String, pid: pid_t)]) {
        for c in children { kill(c.pid, SIGTERM) }
        var remaining = children.map(\.pid)
        for _ in 0..<100 where !remaining.isEmpty {
            remaining = remaining.filter { pid in
                var status: Int32 = 0
                return waitpid(pid, &status, WNOHANG) == 0
            }
            if !remaining.isEmpty { usleep(100_000) }
        }
        for pid in remaining {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// Polls the members' status until one names a leader.
    static func waitForLeader(_ cluster: ClusterConfig, seconds: Int) -> String? {
        for _ in 0..<(seconds * 5) {
            for m in cluster.members {
                let client = HTTPClient(address: m.client.socketAddress,
                                        timeoutNanoseconds: 500_000_000)
                defer { client.close() }
                guard let r = try? client.request(method: "POST", path: "/v3/maintenance/status", body: Array("{}".utf8)),
                      r.status == 200, let v = try? JSONParser.parse(r.body), case .string(let id)? = v["leader"],
                      let leader = cluster.members.first(where: { String($0.id) == id }) else { continue }
                return leader.name
            }
            usleep(200_000)
        }
        return nil
    }
}
