import Synchronization
import Raft
import WAL
import Wire

/// One running control-plane member: its Raft loop thread, the peer transport and the client API.
///
/// ```
/// let member = try Member(cluster: config, name: "n1")
/// try member.start()
/// ...
/// member.stop()
/// ```
public final class Member: Sendable {
    public let config: MemberConfig
    public let cluster: ClusterConfig
    public let log: ReplicaLog
    let loop: RaftLoop
    let group: EventLoopGroup
    let transport: PeerTransport
    let clientServer: HTTPServer
    let api: ClientAPI
    private let thread = Mutex<DedicatedThread?>(nil)
    private let stopped = Atomic<Bool>(false)

    /// Prepares a member (recovering its WAL); nothing listens until ``start()``.
    /// - Parameters:
    ///   - fileSystem: the WAL's file I/O (tests pass a simulated disk).
    public init(cluster: ClusterConfig, name: String, options: ReplicaOptions = ReplicaOptions(),
                logLevel: ReplicaLog.Level = .info, fileSystem: any FileSystem = POSIXFileSystem()) throws(ReplicaError) {
        var member: MemberConfig
        do { member = try cluster.member(named: name) } catch { throw .configuration(error.description) }
        log = ReplicaLog(name: name, minimum: logLevel)
        let resolved = try MemberIdentity.resolve(member, cluster: cluster, join: options.join,
                                                  lookupTimeoutNanoseconds: options.joinLookupTimeoutNanoseconds,
                                                  fileSystem: fileSystem, log: log)
        member.id = resolved.id
        var cluster = cluster
        if let listed = resolved.members {
            // A joiner knows the members as the cluster lists them (their real ids), plus itself
            // with every address the file gives it.
            cluster.members = listed.filter { $0.name != member.name } + [member]
        }
        config = member
        self.cluster = cluster
        let metrics = ReplicaMetrics()
        loop = try RaftLoop(member: member, cluster: cluster, options: options, log: log, metrics: metrics,
                            fileSystem: fileSystem)
        do { group = try EventLoopGroup(threadCount: options.networkThreads, name: name) } catch {
            throw .network("cannot create event loops: \(error)")
        }
        var peers: [UInt64: SocketAddress] = [:]
        for m in cluster.members where m.name != member.name {
            peers[m.id] = m.peer.socketAddress
        }
        var peerConfig = PeerTransportConfiguration(
            nodeID: member.id, listenAddress: member.peer.socketAddress, peers: peers)
        peerConfig.clusterID = cluster.clusterID
        let loop = self.loop
        let assemblers = Mutex<[UInt64: PeerSnapshotAssembler]>([:])
        let log = self.log
        transport = PeerTransport(configuration: peerConfig, group: group, onMessages: { from, messages in
            for bytes in messages {
                do {
                    loop.submit(.peer(from: from, try PeerEnvelope(decoding: bytes)))
                } catch {
                    log.warning("dropped an undecodable message from \(from): \(error)")
                }
            }
        }, onSnapshotChunk: { from, chunk in
            let whole: [UInt8]?
            do {
                whole = try assemblers.withLock { a throws(PeerSnapshotError) -> [UInt8]? in
                    var assembler = a[from] ?? PeerSnapshotAssembler()
                    let result = try assembler.add(chunk)
                    a[from] = result == nil ? assembler : nil
                    return result
                }
            } catch {
                log.warning("dropped a snapshot from \(from): \(error)")
                assemblers.withLock { $0[from] = nil }
                return
            }
            guard let whole else { return }
            do {
                loop.submit(.peer(from: from, try PeerEnvelope(decoding: whole)))
            } catch {
                log.warning("dropped an undecodable snapshot from \(from): \(error)")
            }
        })
        api = ClientAPI(loop: loop, options: options, metrics: metrics)
        var http = HTTPServerConfiguration(address: member.client.socketAddress)
        http.maxBodyBytes = options.maxRequestBytes * 2 + (64 << 10)
        http.streamsRequestBody = ClientAPI.streamsBody
        let api = self.api
        clientServer = HTTPServer(configuration: http, group: group) { request in api.handle(request) }
    }

    /// Binds the peer and client ports and starts the Raft loop.
    public func start() throws(ReplicaError) {
        do {
            try transport.start()
            try clientServer.start()
        } catch {
            throw .network("cannot listen: \(error)")
        }
        loop.transport = transport
        // Members known only from the recovered snapshot's membership (added at run time, so not in
        // cluster.conf) must be dialed too; the loop thread has not started yet.
        for m in loop.registry.sorted { loop.ensurePeer(m) }
        let loop = self.loop
        let t = try DedicatedThread(name: "raft-\(config.name)") { loop.run() }
        thread.withLock { $0 = t }
        log.info("member \(config.name) (\(String(config.id, radix: 16))) serving clients on \(config.client), peers on \(config.peer)")
    }

    /// The client API port actually bound (useful when the configuration says port 0).
    public var clientPort: UInt16 { clientServer.port }

    /// Stops serving, stops the loop (failing pending requests) and closes the WAL.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        clientServer.shutdown(gracePeriodNanoseconds: 200_000_000)
        loop.submit(.stop)
        if let running = thread.withLock({ $0 }) {
            running.join()
        } else {
            loop.shutdown()  // never started: release the WAL (and its lock) here
        }
        transport.shutdown(gracePeriodNanoseconds: 200_000_000)
        group.shutdown()
        log.info("member \(config.name) stopped")
    }

    /// Blocks until the Raft loop ends (after ``stop()``, or after a fatal storage error).
    public func wait() {
        thread.withLock { $0 }?.join()
    }
}
