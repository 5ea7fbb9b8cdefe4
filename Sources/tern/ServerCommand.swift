#if canImport(Glibc)
import Glibc
#endif
import Replica

/// `tern server --name NAME [--config FILE] [--log-level LEVEL]`: one member, until SIGINT/SIGTERM.
enum ServerCommand {
    static func run(_ args: [String]) -> Int32 {
        let flags = Console.Flags(args, switches: ["join"])
        guard let name = flags["name"] else {
            Console.error("usage: tern server --name NAME [--config cluster.conf] [--log-level info] [--restore SNAPSHOT] [--join]")
            return 2
        }
        guard let cluster = Console.loadCluster(flags["config"] ?? "cluster.conf") else { return 2 }
        let level = ReplicaLog.Level(name: flags["log-level"] ?? "info") ?? .info
        var options = ReplicaOptions()
        options.join = flags.has("join")
        // Fault-injection tests crash a member at named points: TERN_CRASH_AT=before-wal-sync,...
        options.walOptions.crashPoints = .fromEnvironment()
        if let path = flags["restore"] {
            guard let image = Console.readFile(path) else {
                Console.error("tern server: cannot read \(path)")
                return 2
            }
            options.restoreFrom = image
        }
        var signals = Console.blockStopSignals()
        let member: Member
        let api: KubernetesAPIHost
        do {
            member = try Member(cluster: cluster, name: name, options: options, logLevel: level)
            api = try KubernetesAPIHost(member: member, cluster: cluster)
            try member.start()
            try api.start()
        } catch {
            Console.error("tern server: \(error)")
            return 1
        }
        member.log.info("Kubernetes API on http://\(member.config.api)")
        // Wait for a stop signal, or for the member to stop on its own (a fatal storage error).
        _ = try? DedicatedThread(name: "wait") { member.wait(); kill(getpid(), SIGTERM) }
        var received: Int32 = 0
        sigwait(&signals, &received)
        member.log.info("received signal \(received); stopping")
        api.stop()
        member.stop()
        return 0
    }
}
