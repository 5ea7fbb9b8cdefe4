import Dispatch
import JSON
import KVClient
import Replica
import TestSupport
import Wire
#if canImport(Glibc)
import Glibc
#endif

/// Three (or `size`) real members started in this process on loopback, each with its own data
/// folder; the object store reaches them through `Member.kv` (the in-process KVClient).
final class MemberCluster: Sendable {
    let config: ClusterConfig
    let directory: String
    let members: [Member]

    /// Fast ticks (elections after ~0.6–1.2 s), 3 s per request, progress notices every 0.2 s.
    static var options: ReplicaOptions {
        var o = ReplicaOptions()
        o.tickNanoseconds = 20_000_000
        o.electionTicks = 30
        o.requestTimeoutNanoseconds = 3_000_000_000
        o.watchProgressTicks = 10
        return o
    }

    /// Starts the members and waits for a leader. Blocking: call it off the cooperative pool.
    init(size: Int) throws {
        var attempt = 0
        while true {
            attempt += 1
            let directory = temporaryDirectory("tern-objectstore")
            var text = "[cluster]\nname = storetest\ndata-dir = data\n"
            for i in 1...size {
                text += "[member n\(i)]\nclient = 127.0.0.1:\(freePort())\npeer = 127.0.0.1:\(freePort())\napi = 127.0.0.1:\(freePort())\n"
            }
            let config = try ClusterConfig.parse(text, baseDirectory: directory)
            var started: [Member] = []
            do {
                for m in config.members {
                    let member = try Member(cluster: config, name: m.name, options: Self.options, logLevel: .warning)
                    try member.start()
                    started.append(member)
                }
                _ = try Self.leader(config)
                self.config = config
                self.directory = directory
                self.members = started
                return
            } catch ReplicaError.network(let text) where attempt < 3 {
                print("retrying the cluster start after: \(text)")
                for m in started { m.stop() }
                removeTree(directory)
            } catch {
                for m in started { m.stop() }
                removeTree(directory)
                throw error
            }
        }
    }

    func member(_ name: String) -> Member { members.first { $0.config.name == name }! }

    /// The running leader, polled from the members' status (blocking).
    static func leader(_ config: ClusterConfig, excluding stopped: Set<String> = [], timeoutSeconds: Double = 15) throws -> String {
        let deadline = monotonicSeconds() + timeoutSeconds
        while monotonicSeconds() < deadline {
            for m in config.members where !stopped.contains(m.name) {
                let client = HTTPClient(address: m.client.socketAddress, timeoutNanoseconds: 2_000_000_000)
                defer { client.close() }
                guard let r = try? client.request(method: "POST", path: "/v3/maintenance/status", body: Array("{}".utf8)),
                      r.status == 200, case .string(let id)? = (try? JSONParser.parse(r.body))?["leader"],
                      let leader = config.members.first(where: { String($0.id) == id }), !stopped.contains(leader.name) else { continue }
                return leader.name
            }
            usleep(50_000)
        }
        throw TestFailure("no leader within \(timeoutSeconds) s")
    }

    func shutdown() {
        for m in members { m.stop() }
        removeTree(directory)
    }
}

/// Runs blocking `work` on a Dispatch thread and waits for it without holding a pool thread.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
