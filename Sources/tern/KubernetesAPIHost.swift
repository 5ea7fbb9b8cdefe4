#if canImport(Glibc)
import Glibc
#endif
import APIServer
import Objects
import Replica
import Synchronization
import Wire

/// The Kubernetes API of one member: served on the member's `api` address over the member's own
/// store (in-process, no HTTP hop), with a watch cache per kind.
final class KubernetesAPIHost: Sendable {
    let resources: StandardResources
    let server: HTTPServer
    let group: EventLoopGroup
    let stopping = Atomic<Bool>(false)
    let log: ReplicaLog

    /// Prepares the API; fails (with a message) when the token file is unreadable or malformed, or
    /// when there is none and the address is not a loopback one.
    init(member: Member, cluster: ClusterConfig) throws(HostError) {
        log = member.log
        var tokens: StaticTokens?
        if let path = cluster.tokenFile {
            guard let bytes = Console.readFile(cluster.resolve(path)) else { throw .message("cannot read token file \(cluster.resolve(path))") }
            do { tokens = try StaticTokens(parsing: String(decoding: bytes, as: UTF8.self)) } catch {
                throw .message("token file \(cluster.resolve(path)): \(error)")
            }
        } else if !Self.isLoopback(member.config.api.host) {
            throw .message("the Kubernetes API on \(member.config.api) would be open to anyone: set token-file in [cluster], or use a loopback address")
        }
        resources = StandardResources(client: member.kv)
        let resources = self.resources
        let api = KubernetesAPI(handlers: resources.handlers, tokens: tokens, serverAddress: member.config.api.description,
                                now: { Self.nowSeconds() }, ready: { resources.isReady })
        do { group = try EventLoopGroup(threadCount: 1, name: "\(member.config.name)-api") } catch {
            throw .message("cannot create the API's event loop: \(error)")
        }
        var http = HTTPServerConfiguration(address: member.config.api.socketAddress)
        http.maxBodyBytes = KubernetesAPI.maxBodyBytes
        server = HTTPServer(configuration: http, group: group) { request in api.handle(request) }
    }

    /// Starts listening, then loads the watch caches in the background (the API answers 503 for
    /// watches and falls back to the store for lists until they are loaded).
    func start() throws(HostError) {
        do { try server.start() } catch { throw .message("cannot listen on the API address: \(error)") }
        let resources = self.resources
        let log = self.log
        Task { [self] in
            await resources.start { self.stopping.load(ordering: .relaxed) }
            if !stopping.load(ordering: .relaxed) { log.info("Kubernetes API ready: watch caches loaded") }
        }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        server.shutdown(gracePeriodNanoseconds: 200_000_000)
        resources.stop()
        group.shutdown()
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func nowSeconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    enum HostError: Error, CustomStringConvertible {
        case message(String)
        var description: String {
            switch self { case .message(let m): return m }
        }
    }
}
