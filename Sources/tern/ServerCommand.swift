#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Replica
import WAL

/// `tern server --name NAME [--config FILE] [--log-level LEVEL]`: one member (the store and, unless
/// `--no-kubernetes-api`, the Kubernetes API on its `api` address), until SIGINT/SIGTERM.
enum ServerCommand {
    static func run(_ args: [String]) -> Int32 {
        let flags = Console.Flags(args, switches: ["join", "no-kubernetes-api"])
        guard let name = flags["name"] else {
            Console.error("usage: tern server --name NAME [--config cluster.conf] [--log-level info] [--restore SNAPSHOT] [--join] [--no-kubernetes-api]"
                          + " [--tick-ms 100] [--election-ticks 10] [--snapshot-every 100000] [--network-threads 1]")
            return 2
        }
        guard var cluster = Console.loadCluster(flags["config"] ?? "cluster.conf") else { return 2 }
        tuneAllocator()
        let level = ReplicaLog.Level(name: flags["log-level"] ?? "info") ?? .info
        var options = ReplicaOptions()
        options.join = flags.has("join")
        guard applyTiming(flags, to: &options) else { return 2 }
        // Fault-injection test hooks (docs/reliability.md): crash points, lossy file I/O, peer proxies.
        let testFS = getenv("TERN_TEST_FS").map { String(cString: $0) } ?? ""
        let tear = testFS == "lose-unsynced-tear"
        if let crash = CrashSwitch.fromEnvironment(beforeExit: { if tear { LoseUnsyncedFileSystem.tearNewestWrite() } }) {
            options.walOptions.crashPoints = CrashPoints { point in crash.reach(point.rawValue) }
            CrashHooks.install { point in crash.reach(point) }
        }
        if let raw = getenv("TERN_PEER_VIA") {
            guard let routed = routePeers(String(cString: raw), cluster: cluster, except: name) else { return 2 }
            cluster = routed
        }
        if let path = flags["restore"] {
            guard let image = Console.readFile(path) else {
                Console.error("tern server: cannot read \(path)")
                return 2
            }
            options.restoreFrom = image
        }
        var signals = Console.blockStopSignals()
        let member: Member
        // The store alone (fault tests check the store's history, which the API's own writes would join).
        let serveAPI = !flags.has("no-kubernetes-api")
        var api: KubernetesAPIHost?
        do {
            let fileSystem: any FileSystem = testFS.hasPrefix("lose-unsynced") ? LoseUnsyncedFileSystem() : POSIXFileSystem()
            member = try Member(cluster: cluster, name: name, options: options, logLevel: level, fileSystem: fileSystem)
            if serveAPI { api = try KubernetesAPIHost(member: member, cluster: cluster) }
            try member.start()
            try api?.start()
        } catch {
            Console.error("tern server: \(error)")
            return 1
        }
        if api != nil { member.log.info("Kubernetes API on http://\(member.config.api)") }
        // Wait for a stop signal, or for the member to stop on its own (a fatal storage error).
        _ = try? DedicatedThread(name: "wait") { member.wait(); kill(getpid(), SIGTERM) }
        var received: Int32 = 0
        sigwait(&signals, &received)
        member.log.info("received signal \(received); stopping")
        api?.stop()
        member.stop()
        return 0
    }

    /// Keeps up to 32 MiB of freed memory at the top of each malloc arena instead of handing it back
    /// to the kernel at once: watch delivery allocates and frees a response per watcher per batch,
    /// and glibc's default (trim above 128 KiB) made every batch fault fresh pages in again (a sixth
    /// of a member's CPU at 1,000 watchers; docs/benchmarks.md).
    static func tuneAllocator() {
        csystem_malloc_keep_top(32 << 20, 4 << 20)
    }

    /// `--tick-ms`, `--election-ticks`, `--snapshot-every`: Raft timing and snapshot frequency (tests use
    /// fast ticks and small thresholds); `--network-threads`: event-loop threads for client and peer
    /// connections. False after printing an error for a bad value.
    static func applyTiming(_ flags: Console.Flags, to options: inout ReplicaOptions) -> Bool {
        if let text = flags["tick-ms"] {
            guard let ms = UInt64(text), ms > 0, ms <= 10_000 else { Console.error("tern server: --tick-ms must be 1...10000"); return false }
            options.tickNanoseconds = ms * 1_000_000
        }
        if let text = flags["election-ticks"] {
            guard let n = Int(text), n >= 2, n <= 1000 else { Console.error("tern server: --election-ticks must be 2...1000"); return false }
            options.electionTicks = n
        }
        if let text = flags["snapshot-every"] {
            guard let n = UInt64(text), n > 0 else { Console.error("tern server: --snapshot-every must be > 0"); return false }
            options.snapshotEveryEntries = n
        }
        if let text = flags["network-threads"] {
            guard let n = Int(text), n >= 1, n <= 64 else { Console.error("tern server: --network-threads must be 1...64"); return false }
            options.networkThreads = n
        }
        return true
    }

    /// `TERN_PEER_VIA=n2=127.0.0.1:41234,n3=...`: dial those peers at these addresses (a test proxy)
    /// while this member still listens on its configured peer address. Nil after printing an error.
    static func routePeers(_ list: String, cluster: ClusterConfig, except own: String) -> ClusterConfig? {
        var routed = cluster
        for item in list.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let via = HostPort(parsing: String(parts[1])),
                  let index = routed.members.firstIndex(where: { $0.name == String(parts[0]) }) else {
                Console.error("tern server: TERN_PEER_VIA item \(item) must be NAME=host:port of a configured member")
                return nil
            }
            if routed.members[index].name != own { routed.members[index].peer = via }
        }
        return routed
    }
}
