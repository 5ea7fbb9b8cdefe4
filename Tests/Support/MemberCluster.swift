import Dispatch
import Synchronization
import Replica
import Wire
import JSON
#if canImport(Glibc)
import Glibc
#endif

/// Members started in this process on loopback, each with its own data folder (the clients, the
/// object store and the API server test against them).
public final class MemberCluster: Sendable {
    public let config: ClusterConfig
    public let directory: String
    /// The members in configuration order (never changes after init; a stopped member stays listed).
    public let members: [Member]
    public let leader: String
    /// A member that is not the leader (the leader itself in a one-member cluster).
    public let follower: String

    /// Fast ticks (elections after 0.6–1.2 s), 10 s per request, progress notices every 0.2 s.
    public static var options: ReplicaOptions {
        var o = ReplicaOptions()
        o.tickNanoseconds = 20_000_000
        o.electionTicks = 30
        o.requestTimeoutNanoseconds = 10_000_000_000
        o.watchProgressTicks = 10
        return o
    }

    /// Starts `size` members and waits for a leader (blocking: call it off the cooperative pool).
    public init(size: Int, options: ReplicaOptions = MemberCluster.options) throws {
        var attempt = 0
        while true {
            attempt += 1
            let directory = temporaryDirectory("tern-kvclient")
            var text = "[cluster]\nname = kvtest\ndata-dir = data\n"
            for i in 1...size {
                text += "[member n\(i)]\nclient = 127.0.0.1:\(freePort())\npeer = 127.0.0.1:\(freePort())\napi = 127.0.0.1:\(freePort())\n"
            }
            let config = try ClusterConfig.parse(text, baseDirectory: directory)
            var started: [Member] = []
            do {
                for m in config.members {
                    let member = try Member(cluster: config, name: m.name, options: options, logLevel: .warning)
                    try member.start()
                    started.append(member)
                }
                let leader = try Self.waitForLeader(config)
                self.config = config
                self.directory = directory
                self.members = started
                self.leader = leader
                self.follower = config.members.map(\.name).first { $0 != leader } ?? leader
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

    public func member(_ name: String) -> Member {
        members.first { $0.config.name == name }!
    }

    /// The client address of a member.
    public func address(_ name: String) -> SocketAddress {
        member(name).config.client.socketAddress
    }

    /// Polls the members' status until one names a leader that is running.
    public static func waitForLeader(_ config: ClusterConfig, excluding stopped: Set<String> = [], timeoutSeconds: Double = 15) throws -> String {
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

    public func shutdown() {
        for m in members { m.stop() }
        removeTree(directory)
    }
}

/// Runs blocking `work` on a Dispatch thread and waits for it without holding a pool thread.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

public func offPool(_ work: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            work()
            continuation.resume()
        }
    }
}

