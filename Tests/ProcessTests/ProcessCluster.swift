import Testing
import Wire
import JSON
import Replica
@_exported import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A cluster of real `tern server` processes on loopback, each with its own data folder and free
/// ports. Every process started is killed when the cluster is shut down, whatever happened.
final class ProcessCluster {
    let directory: String
    let configPath: String
    let config: ClusterConfig
    private(set) var pids: [String: pid_t] = [:]

    /// The `tern` binary beside the test bundle (built by `swift test` as a dependency).
    static var ternPath: String {
        // #filePath is <root>/Tests/ProcessTests/ProcessCluster.swift.
        let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        for candidate in [root + "/.build/debug/tern", root + "/.build/release/tern"] where access(candidate, X_OK) == 0 {
            return candidate
        }
        return root + "/.build/debug/tern"
    }

    init(size: Int = 3) throws {
        var template = Array("/tmp/tern-proc-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        var text = "[cluster]\nname = proc\ndata-dir = data\n"
        for i in 1...size {
            text += "[member n\(i)]\nclient = 127.0.0.1:\(freePort())\npeer = 127.0.0.1:\(freePort())\napi = 127.0.0.1:\(freePort())\n"
        }
        configPath = directory + "/cluster.conf"
        guard let f = fopen(configPath, "w") else { throw TestFailure("cannot write \(configPath)") }
        fputs(text, f)
        fclose(f)
        config = try ClusterConfig.parse(text, baseDirectory: directory)
    }

    var names: [String] { config.members.map(\.name) }

    /// Every member's client address, comma separated (for `tern kv --endpoints`).
    var endpoints: String { config.members.map { "\($0.client)" }.joined(separator: ",") }

    /// Starts `tern server --name NAME`, logging to `<dir>/NAME.log`.
    func start(_ name: String, extra: [String] = []) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let logPath = directory + "/\(name).log"
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let args = [Self.ternPath, "server", "--config", configPath, "--name", name] + extra
        let argv = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, Self.ternPath, &actions, nil, argv, environ)
        guard rc == 0 else { throw TestFailure("cannot start \(Self.ternPath): \(rc)") }
        pids[name] = pid
    }

    func startAll() throws { for n in names { try start(n) } }

    /// Sends `signal` and, for SIGKILL/SIGTERM, reaps the process.
    func kill(_ name: String, signal: Int32 = SIGKILL) {
        guard let pid = pids[name] else { return }
        Glibc.kill(pid, signal)
        if signal == SIGKILL || signal == SIGTERM {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            pids.removeValue(forKey: name)
        }
    }

    func post(_ name: String, _ path: String, _ json: String, timeoutSeconds: Double = 3) throws -> (Int, JSONValue) {
        let m = try config.member(named: name)
        let c = HTTPClient(address: m.client.socketAddress,
                           timeoutNanoseconds: UInt64(timeoutSeconds * 1e9))
        defer { c.close() }
        let r = try c.request(method: "POST", path: path, body: Array(json.utf8))
        return (r.status, (try? JSONParser.parse(r.body)) ?? .null)
    }

    /// The leader as reported by a live member, waiting up to `seconds`.
    func waitForLeader(seconds: Double = 15, excluding: String? = nil) throws -> String {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            for name in pids.keys.sorted() where name != excluding {
                if let (s, v) = try? post(name, "/v3/maintenance/status", "{}", timeoutSeconds: 0.5), s == 200,
                   case .string(let id)? = v["leader"],
                   let leader = config.members.first(where: { String($0.id) == id }), pids[leader.name] != nil,
                   leader.name != excluding {
                    return leader.name
                }
            }
            usleep(100_000)
        }
        throw TestFailure("no leader within \(seconds) s; logs in \(directory)")
    }

    func shutdown() {
        for name in pids.keys.sorted() { kill(name) }
        if directory.hasPrefix("/tmp/tern-proc-") { _ = system("rm -rf '\(directory)'") }
    }
}
