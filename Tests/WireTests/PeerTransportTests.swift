import Synchronization
import Testing
@testable import Wire
#if canImport(Glibc)
import Glibc
#endif

/// Collects what a transport received, per sender, in order.
final class Inbox: Sendable {
    private let state = Mutex<[UInt64: [[UInt8]]]>([:])
    private let chunks = Mutex<[PeerSnapshotChunk]>([])
    func receive(from: UInt64, _ messages: [[UInt8]]) { state.withLock { $0[from, default: []].append(contentsOf: messages) } }
    func receive(chunk: PeerSnapshotChunk) { chunks.withLock { $0.append(chunk) } }
    func messages(from: UInt64) -> [[UInt8]] { state.withLock { $0[from] ?? [] } }
    var snapshotChunks: [PeerSnapshotChunk] { chunks.withLock { $0 } }
}

/// Reserves a free loopback port (bind, read, close).
func freePort() throws -> UInt16 {
    let (fd, port) = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: false)
    close(fd)
    return port
}

func message(_ n: Int, size: Int = 16) -> [UInt8] {
    var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: max(size, 8))
    withUnsafeBytes(of: UInt64(n).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
    return bytes
}

func messageNumber(_ bytes: [UInt8]) -> Int {
    bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct PeerTransportTests {
    struct Member {
        let transport: PeerTransport
        let inbox: Inbox
    }

    static func makeMembers(_ ids: [UInt64], group: EventLoopGroup,
                            tweak: (inout PeerTransportConfiguration) -> Void = { _ in }) throws -> [UInt64: Member] {
        var ports: [UInt64: SocketAddress] = [:]
        for id in ids { ports[id] = SocketAddress(host: "127.0.0.1", port: try freePort()) }
        var members: [UInt64: Member] = [:]
        for id in ids {
            var config = PeerTransportConfiguration(nodeID: id, listenAddress: ports[id]!,
                                                    peers: ports.filter { $0.key != id })
            config.reconnectMinNanoseconds = 10_000_000
            config.reconnectMaxNanoseconds = 100_000_000
            tweak(&config)
            let inbox = Inbox()
            let transport = PeerTransport(configuration: config, group: group,
                                          onMessages: { inbox.receive(from: $0, $1) },
                                          onSnapshotChunk: { _, chunk in inbox.receive(chunk: chunk) })
            try transport.start()
            members[id] = Member(transport: transport, inbox: inbox)
        }
        return members
    }

    @Test func messagesFlowInOrderBetweenThreeMembers() throws {
        let group = try EventLoopGroup(threadCount: 2)
        defer { group.shutdown() }
        let members = try Self.makeMembers([1, 2, 3], group: group)
        defer { for id in [UInt64(1), 2, 3] { members[id]!.transport.shutdown(gracePeriodNanoseconds: 200_000_000) } }
        #expect(waitUntil { [1, 2, 3].allSatisfy { id in
            members[id]!.transport.stats(for: id == 1 ? 2 : 1)?.connected == true } })
        for n in 0..<2000 {
            members[1]!.transport.send(to: 2, message(n))
            members[1]!.transport.send(to: 3, message(n, size: 100))
            members[3]!.transport.send(to: 1, message(n))
        }
        #expect(waitUntil { members[2]!.inbox.messages(from: 1).count == 2000
            && members[3]!.inbox.messages(from: 1).count == 2000 && members[1]!.inbox.messages(from: 3).count == 2000 })
        #expect(members[2]!.inbox.messages(from: 1).map(messageNumber) == Array(0..<2000))
        #expect(members[3]!.inbox.messages(from: 1).map(messageNumber) == Array(0..<2000))
        #expect(members[1]!.transport.stats(for: 2)?.droppedMessages == 0)
        #expect(members[1]!.transport.send(to: 99, message(0)) == false)
    }

    @Test func aPeerThatStopsReadingDoesNotBlockTheOthers() throws {
        let group = try EventLoopGroup(threadCount: 2)
        defer { group.shutdown() }
        // Member 9 is a raw listener that accepts and never reads.
        let (stuckFD, stuckPort) = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: false)
        defer { close(stuckFD) }
        let members = try Self.makeMembers([1, 2], group: group) { config in
            if config.nodeID == 1 { config.peers[9] = SocketAddress(host: "127.0.0.1", port: stuckPort) }
            config.maxQueuedMessages = 1000
            config.outputHighWaterBytes = 256 << 10
        }
        defer { for id in [UInt64(1), 2] { members[id]!.transport.shutdown(gracePeriodNanoseconds: 100_000_000) } }
        let a = members[1]!.transport
        #expect(waitUntil { a.stats(for: 2)?.connected == true && a.stats(for: 9)?.connected == true })
        let total = 20_000
        var delivered = 0
        for n in 0..<total {
            a.send(to: 9, message(n, size: 1024))
            a.send(to: 2, message(n, size: 1024))
            if n % 1000 == 999 {
                // The healthy peer keeps up while the stuck one fills its buffers and queue.
                let target = n + 1
                #expect(waitUntil { members[2]!.inbox.messages(from: 1).count == target }, "healthy peer stalled at \(n)")
                delivered = target
            }
        }
        #expect(delivered == total)
        let stuck = try #require(a.stats(for: 9))
        #expect(stuck.droppedMessages > 0)
        #expect(stuck.queuedMessages <= 1000)
        #expect(a.stats(for: 2)?.droppedMessages == 0)
        #expect(members[2]!.inbox.messages(from: 1).map(messageNumber) == Array(0..<total))
    }

    @Test func reconnectsAfterThePeerRestarts() throws {
        let group = try EventLoopGroup(threadCount: 2)
        defer { group.shutdown() }
        var members = try Self.makeMembers([1, 2], group: group)
        let a = members[1]!.transport
        #expect(waitUntil { a.stats(for: 2)?.connected == true })
        a.send(to: 2, message(1))
        #expect(waitUntil { members[2]!.inbox.messages(from: 1).count == 1 })
        // Restart member 2 on the same port.
        members[2]!.transport.shutdown(gracePeriodNanoseconds: 100_000_000)
        #expect(waitUntil { a.stats(for: 2)?.connected == false })
        var config = PeerTransportConfiguration(nodeID: 2, listenAddress: SocketAddress(host: "127.0.0.1", port: 0), peers: [:])
        config.listenAddress = SocketAddress(host: "127.0.0.1", port: members[2]!.transport.listenPort)
        let inbox = Inbox()
        let restarted = PeerTransport(configuration: config, group: group, onMessages: { inbox.receive(from: $0, $1) })
        try restarted.start()
        members[2] = Member(transport: restarted, inbox: inbox)
        #expect(waitUntil { a.stats(for: 2)?.connected == true })
        #expect(a.stats(for: 2)!.connects >= 2)
        a.send(to: 2, message(2))
        #expect(waitUntil { inbox.messages(from: 1).map(messageNumber) == [2] })
        a.shutdown(gracePeriodNanoseconds: 100_000_000)
        restarted.shutdown(gracePeriodNanoseconds: 100_000_000)
    }

    @Test(arguments: [1, 100_000, 3_000_001])
    func snapshotStreamsInChunksBesideMessages(size: Int) throws {
        let group = try EventLoopGroup(threadCount: 2)
        defer { group.shutdown() }
        let members = try Self.makeMembers([1, 2], group: group) { $0.snapshotChunkBytes = 64 << 10 }
        defer { for id in [UInt64(1), 2] { members[id]!.transport.shutdown(gracePeriodNanoseconds: 100_000_000) } }
        let a = members[1]!.transport
        let snapshot = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131) }
        #expect(a.sendSnapshot(to: 2, snapshotID: 42, bytes: snapshot))
        for n in 0..<100 { a.send(to: 2, message(n)) }
        #expect(waitUntil {
            members[2]!.inbox.snapshotChunks.last?.isLast == true && members[2]!.inbox.messages(from: 1).count == 100
        })
        var assembler = PeerSnapshotAssembler()
        var whole: [UInt8]?
        for chunk in members[2]!.inbox.snapshotChunks { whole = try assembler.add(chunk) }
        #expect(whole?.count == snapshot.count)
        #expect(whole == snapshot ? true : false, "reassembled bytes differ")
        #expect(members[2]!.inbox.snapshotChunks.count == max(1, (size + 65535) / 65536))
    }

    @Test func wrongClusterAndGarbageAreRejected() throws {
        let group = try EventLoopGroup(threadCount: 1)
        defer { group.shutdown() }
        let members = try Self.makeMembers([1], group: group) { $0.clusterID = 5 }
        let a = members[1]!.transport
        defer { a.shutdown(gracePeriodNanoseconds: 100_000_000) }
        let address = SocketAddress(host: "127.0.0.1", port: a.listenPort)
        var hello: [UInt8] = []
        PeerFrameEncoder.appendHello(nodeID: 7, clusterID: 6, to: &hello)
        PeerFrameEncoder.appendMessages([[1]], to: &hello)
        let wrong = try BlockingSocket(connectingTo: address, timeoutNanoseconds: 2_000_000_000)
        try wrong.write(hello)
        #expect(try wrong.readIsAtEOF())
        let junk = try BlockingSocket(connectingTo: address, timeoutNanoseconds: 2_000_000_000)
        try junk.write(bytes("GET / HTTP/1.1\r\n\r\n"))
        #expect(try junk.readIsAtEOF())
        #expect(a.rejectedInboundConnections == 2)
        #expect(members[1]!.inbox.messages(from: 7).isEmpty)
    }

    @Test func unknownPeersCanBeRefused() throws {
        let group = try EventLoopGroup(threadCount: 1)
        defer { group.shutdown() }
        let members = try Self.makeMembers([1, 2], group: group) { $0.acceptsUnknownPeers = false }
        defer { for id in [UInt64(1), 2] { members[id]!.transport.shutdown(gracePeriodNanoseconds: 100_000_000) } }
        let a = members[1]!.transport
        var frames: [UInt8] = []
        PeerFrameEncoder.appendHello(nodeID: 7, clusterID: 0, to: &frames)
        let stranger = try BlockingSocket(connectingTo: SocketAddress(host: "127.0.0.1", port: a.listenPort),
                                          timeoutNanoseconds: 2_000_000_000)
        try stranger.write(frames)
        #expect(try stranger.readIsAtEOF())
        // A listed member still gets through.
        #expect(waitUntil { members[2]!.transport.stats(for: 1)?.connected == true })
        members[2]!.transport.send(to: 1, message(5))
        #expect(waitUntil { members[1]!.inbox.messages(from: 2).map(messageNumber) == [5] })
    }

    @Test func shutdownDeliversWhatWasQueued() throws {
        let group = try EventLoopGroup(threadCount: 2)
        defer { group.shutdown() }
        let members = try Self.makeMembers([1, 2], group: group)
        let a = members[1]!.transport
        #expect(waitUntil { a.stats(for: 2)?.connected == true })
        for n in 0..<3000 { a.send(to: 2, message(n, size: 512)) }
        a.shutdown(gracePeriodNanoseconds: 2_000_000_000)
        #expect(waitUntil { members[2]!.inbox.messages(from: 1).count == 3000 })
        #expect(members[2]!.inbox.messages(from: 1).map(messageNumber) == Array(0..<3000))
        members[2]!.transport.shutdown(gracePeriodNanoseconds: 100_000_000)
    }

    @Test func wholeSnapshotDelivery() throws {
        let group = try EventLoopGroup(threadCount: 2)
        defer { group.shutdown() }
        let receiverPort = try freePort()
        let received = Collector<(UInt64, UInt64, Int, Bool)>()
        let snapshot = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 17) }
        let expected = snapshot
        let receiverConfig = PeerTransportConfiguration(nodeID: 2, listenAddress: SocketAddress(host: "127.0.0.1", port: receiverPort), peers: [:])
        let receiver = PeerTransport(configuration: receiverConfig, group: group, maxSnapshotBytes: 400_000,
                                     onMessages: { _, _ in },
                                     onSnapshot: { from, id, bytes in received.append((from, id, bytes.count, bytes == expected)) })
        try receiver.start()
        var senderConfig = PeerTransportConfiguration(nodeID: 1, listenAddress: SocketAddress(host: "127.0.0.1", port: 0),
                                                      peers: [2: SocketAddress(host: "127.0.0.1", port: receiverPort)])
        senderConfig.snapshotChunkBytes = 32 << 10
        let sender = PeerTransport(configuration: senderConfig, group: group, onMessages: { _, _ in })
        try sender.start()
        // Too large for the receiver's limit: refused, then a fitting one arrives whole.
        sender.sendSnapshot(to: 2, snapshotID: 1, bytes: snapshot + snapshot)
        sender.sendSnapshot(to: 2, snapshotID: 2, bytes: snapshot)
        #expect(waitUntil { received.count == 1 })
        let delivered = try #require(received.all.first)
        #expect(delivered.0 == 1 && delivered.1 == 2 && delivered.2 == snapshot.count && delivered.3)
        #expect(receiver.refusedSnapshots == 1)
        sender.shutdown(gracePeriodNanoseconds: 100_000_000)
        receiver.shutdown(gracePeriodNanoseconds: 100_000_000)
    }
}
