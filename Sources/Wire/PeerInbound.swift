#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// One accepted peer connection, owned by one loop: decodes frames; the first must be a hello
/// with the right cluster id. Messages and snapshot chunks go to the transport's callbacks.
final class PeerInbound: EventHandler, @unchecked Sendable {
    // @unchecked Sendable: all state is confined to `loop`'s thread.
    let fd: Int32
    let loop: EventLoop
    // Strong, so a transport dropped without shutdown cannot leave a dangling reference on a loop.
    private let transport: PeerTransportCore
    private let decoder: PeerFrameDecoder
    private var buffer: [UInt8] = []
    private var start = 0
    private var remoteID: UInt64?
    private(set) var isClosed = false

    init(fd: Int32, loop: EventLoop, transport: PeerTransportCore) {
        self.fd = fd
        self.loop = loop
        self.transport = transport
        decoder = PeerFrameDecoder(maxPayloadBytes: transport.configuration.maxInboundPayloadBytes)
    }

    func handleEvents(_ events: UInt32) {
        if isClosed { return }
        let scratch = transport.readScratch(for: loop)
        for _ in 0..<16 {
            switch Socket.read(fd, into: scratch.baseAddress!, count: scratch.count) {
            case .bytes(let n):
                if start > 0 && start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                } else if start > (1 << 20) && start * 2 > buffer.count {
                    buffer.removeFirst(start)
                    start = 0
                }
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
                decodeAvailable()
                if isClosed || n < scratch.count { return }
            case .wouldBlock:
                return
            case .closed, .failed:
                return close()
            }
        }
    }

    private func decodeAvailable() {
        while !isClosed {
            var step: (frame: PeerFrame?, consumed: Int) = (nil, 0)
            var failure: PeerFrameError?
            buffer.withUnsafeBytes { raw in
                do throws(PeerFrameError) {
                    step = try decoder.next(UnsafeRawBufferPointer(rebasing: raw[start...]))
                } catch {
                    failure = error
                }
            }
            if failure != nil {
                transport.inboundRejected.wrappingAdd(1, ordering: .relaxed)
                return close()
            }
            guard let frame = step.frame else { return }
            start += step.consumed
            switch frame {
            case .hello(let node, let cluster):
                let config = transport.configuration
                let known = config.peers[node] != nil
                guard remoteID == nil, cluster == config.clusterID, node != config.nodeID,
                      known || config.acceptsUnknownPeers else {
                    transport.inboundRejected.wrappingAdd(1, ordering: .relaxed)
                    return close()
                }
                remoteID = node
            case .messages(let messages):
                guard let from = remoteID else { return close() }
                transport.onMessages(from, messages)
            case .snapshotChunk(let chunk):
                guard let from = remoteID else { return close() }
                transport.onSnapshotChunk(from, chunk)
            }
        }
    }

    func close() {
        if isClosed { return }
        isClosed = true
        loop.deregister(fd: fd)
        Glibc.close(fd)
        transport.inboundClosed(self)
    }
}

/// Accepts peer connections and spreads them over the loops.
final class PeerListener: EventHandler, @unchecked Sendable {
    // @unchecked Sendable: confined to `loop`'s thread after `init`.
    let fd: Int32
    let loop: EventLoop
    // Strong, so a transport dropped without shutdown cannot leave a dangling reference on a loop.
    private let transport: PeerTransportCore
    private var isClosed = false

    init(fd: Int32, loop: EventLoop, transport: PeerTransportCore) {
        self.fd = fd
        self.loop = loop
        self.transport = transport
    }

    func handleEvents(_ events: UInt32) {
        for _ in 0..<64 {
            if isClosed { return }
            guard let accepted = try? Socket.accept(fd) else { return }
            let target = transport.group.next()
            let transport = self.transport
            target.execute { transport.adoptInbound(fd: accepted, on: target) }
        }
    }

    func close() {
        if isClosed { return }
        isClosed = true
        loop.deregister(fd: fd)
        Glibc.close(fd)
    }
}
