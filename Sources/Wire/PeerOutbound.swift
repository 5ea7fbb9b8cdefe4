#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// The dialing side towards one peer: a bounded queue filled from any thread, and a connection
/// owned by one event loop that batches queued messages into frames, streams snapshots in chunks,
/// and reconnects with exponential backoff. A slow or dead peer only fills its own queue.
final class PeerOutbound: EventHandler, @unchecked Sendable {
    // @unchecked Sendable: `queue` is a Mutex and the counters are atomics; every other field is
    // confined to `loop`'s thread.
    typealias ChunkProvider = @Sendable (_ offset: UInt64, _ maxBytes: Int) -> [UInt8]

    struct SnapshotJob {
        var id: UInt64
        var totalBytes: UInt64
        var offset: UInt64 = 0
        var provider: ChunkProvider
    }

    struct Queue {
        var messages: [[UInt8]] = []
        var head = 0
        var bytes = 0
        var snapshots: [SnapshotJob] = []
        var pumpScheduled = false
        var count: Int { messages.count - head }
    }

    let peerID: UInt64
    let address: SocketAddress
    let loop: EventLoop
    private let configuration: PeerTransportConfiguration
    private let queue = Mutex(Queue())
    let sentMessages = Atomic<Int>(0)
    let droppedMessages = Atomic<Int>(0)
    let connects = Atomic<Int>(0)
    let sentSnapshotChunks = Atomic<Int>(0)
    let failedSnapshots = Atomic<Int>(0)
    let isConnected = Atomic<Bool>(false)
    let isFinished = Atomic<Bool>(false)

    private enum Phase { case idle, connecting, connected, waiting, closed }
    private var phase = Phase.idle
    private var fd: Int32 = -1
    private var output = OutputQueue()
    private var backoff: UInt64
    private var currentSnapshot: SnapshotJob?
    private var closing = false
    private var interestOut = false

    init(peerID: UInt64, address: SocketAddress, loop: EventLoop, configuration: PeerTransportConfiguration) {
        self.peerID = peerID
        self.address = address
        self.loop = loop
        self.configuration = configuration
        backoff = configuration.reconnectMinNanoseconds
    }

    // MARK: any thread

    /// Queues messages; returns how many were accepted (the rest are dropped and counted).
    func enqueue(_ messages: [[UInt8]]) -> Int {
        var accepted = 0
        let schedule = queue.withLock { q -> Bool in
            for message in messages {
                if q.count >= configuration.maxQueuedMessages || q.bytes + message.count > configuration.maxQueuedBytes {
                    break
                }
                q.messages.append(message)
                q.bytes += message.count
                accepted += 1
            }
            return scheduleLocked(&q)
        }
        if accepted < messages.count {
            droppedMessages.wrappingAdd(messages.count - accepted, ordering: .relaxed)
        }
        if schedule { loop.execute { [self] in pump() } }
        return accepted
    }

    /// Queues a snapshot to stream after those already queued.
    func enqueueSnapshot(id: UInt64, totalBytes: UInt64, provider: @escaping ChunkProvider) {
        let schedule = queue.withLock { q -> Bool in
            q.snapshots.append(SnapshotJob(id: id, totalBytes: totalBytes, provider: provider))
            return scheduleLocked(&q)
        }
        if schedule { loop.execute { [self] in pump() } }
    }

    private func scheduleLocked(_ q: inout Queue) -> Bool {
        if q.pumpScheduled { return false }
        q.pumpScheduled = true
        return true
    }

    var queuedMessages: Int { queue.withLock { $0.count } }

    // MARK: loop thread

    func start() {
        connect()
    }

    private func connect() {
        guard !closing else { return finish() }
        do {
            let (newFD, inProgress) = try Socket.startConnect(to: address, nonBlocking: true)
            fd = newFD
            phase = .connecting
            try loop.register(fd: fd, events: UInt32(csystem_EPOLLOUT), handler: self)
            if !inProgress { connected() }
        } catch {
            if fd >= 0 { close(fd); fd = -1 }
            retryLater()
        }
    }

    private func connected() {
        phase = .connected
        backoff = configuration.reconnectMinNanoseconds
        connects.wrappingAdd(1, ordering: .relaxed)
        isConnected.store(true, ordering: .relaxed)
        var hello: [UInt8] = []
        PeerFrameEncoder.appendHello(nodeID: configuration.nodeID, clusterID: configuration.clusterID, to: &hello)
        output.append(hello)
        interestOut = false
        updateInterest()
        pump()
    }

    private func retryLater() {
        phase = .waiting
        let delay = backoff
        backoff = min(backoff * 2, configuration.reconnectMaxNanoseconds)
        loop.scheduleTimer(deadlineNanoseconds: MonotonicClock.nowNanoseconds() &+ delay) { [self] in
            if phase == .waiting { connect() }
        }
    }

    private func connectionBroke() {
        if fd >= 0 {
            loop.deregister(fd: fd)
            close(fd)
            fd = -1
        }
        isConnected.store(false, ordering: .relaxed)
        output.removeAll()
        if currentSnapshot != nil {
            currentSnapshot = nil
            failedSnapshots.wrappingAdd(1, ordering: .relaxed)
        }
        if closing { return finish() }
        retryLater()
    }

    func handleEvents(_ events: UInt32) {
        switch phase {
        case .connecting:
            if events & UInt32(csystem_EPOLLERR | csystem_EPOLLHUP) != 0 || Socket.pendingError(fd) != 0 {
                connectionBroke()
            } else if events & UInt32(csystem_EPOLLOUT) != 0 {
                connected()
            }
        case .connected:
            if events & UInt32(csystem_EPOLLIN | csystem_EPOLLERR | csystem_EPOLLHUP) != 0 {
                // The peer never speaks on this connection: readable means closed (or junk to discard).
                var scratch = [UInt8](repeating: 0, count: 4096)
                let result = scratch.withUnsafeMutableBytes { Socket.read(fd, into: $0.baseAddress!, count: $0.count) }
                switch result {
                case .closed, .failed: return connectionBroke()
                default: break
                }
            }
            if events & UInt32(csystem_EPOLLOUT) != 0 { pump() }
        default:
            break
        }
    }

    /// Moves queued messages and snapshot chunks into frames while the output is below the
    /// high-water mark, then writes.
    func pump() {
        queue.withLock { $0.pumpScheduled = false }
        // Fill to the high-water mark and write; if the socket took everything and work remains,
        // go again (a few rounds, then yield to the loop's other connections).
        for _ in 0..<8 {
            guard phase == .connected else { return }
            fillOutput()
            flush()
            guard phase == .connected, output.isEmpty else { return }
            let moreWork = currentSnapshot != nil || queue.withLock { $0.count > 0 || !$0.snapshots.isEmpty }
            if !moreWork { return }
        }
        let schedule = queue.withLock { scheduleLocked(&$0) }
        if schedule { loop.execute { [self] in pump() } }
    }

    private func fillOutput() {
        while output.bufferedBytes < configuration.outputHighWaterBytes {
            var frame: [UInt8] = []
            let batch = queue.withLock { q -> ArraySlice<[UInt8]> in
                var end = q.head
                var bytes = 0
                while end < q.messages.count {
                    let size = q.messages[end].count + 4
                    if end > q.head && bytes + size > configuration.maxFramePayloadBytes { break }
                    bytes += size
                    end += 1
                }
                let taken = q.messages[q.head..<end]
                q.bytes -= bytes - 4 * taken.count
                q.head = end
                if q.head == q.messages.count {
                    q.messages.removeAll(keepingCapacity: true)
                    q.head = 0
                } else if q.head > 1024 && q.head * 2 > q.messages.count {
                    q.messages.removeFirst(q.head)
                    q.head = 0
                }
                if currentSnapshot == nil && !q.snapshots.isEmpty {
                    currentSnapshot = q.snapshots.removeFirst()
                }
                return taken
            }
            if !batch.isEmpty {
                PeerFrameEncoder.appendMessages(batch, to: &frame)
                sentMessages.wrappingAdd(batch.count, ordering: .relaxed)
            }
            if var job = currentSnapshot {
                let want = Int(min(UInt64(configuration.snapshotChunkBytes), job.totalBytes - job.offset))
                let piece = job.provider(job.offset, want)
                let chunk = PeerSnapshotChunk(snapshotID: job.id, totalBytes: job.totalBytes, offset: job.offset,
                                              bytes: Array(piece.prefix(want)))
                if chunk.bytes.isEmpty && job.totalBytes > job.offset {
                    // The provider gave nothing: abandon rather than spin.
                    currentSnapshot = nil
                    failedSnapshots.wrappingAdd(1, ordering: .relaxed)
                } else {
                    PeerFrameEncoder.appendSnapshotChunk(chunk, to: &frame)
                    sentSnapshotChunks.wrappingAdd(1, ordering: .relaxed)
                    job.offset += UInt64(chunk.bytes.count)
                    currentSnapshot = job.offset >= job.totalBytes ? nil : job
                }
            }
            if frame.isEmpty { break }
            output.append(frame)
        }
    }

    private func flush() {
        if !output.isEmpty {
            if case .closed = output.flush(to: fd) { return connectionBroke() }
        }
        let wantOut = !output.isEmpty
        if wantOut != interestOut {
            interestOut = wantOut
            updateInterest()
        }
        if closing && output.isEmpty && queuedMessages == 0 && currentSnapshot == nil {
            finish()
        }
    }

    private func updateInterest() {
        guard fd >= 0 else { return }
        var events = UInt32(csystem_EPOLLIN)
        if interestOut { events |= UInt32(csystem_EPOLLOUT) }
        loop.modify(fd: fd, events: events)
    }

    /// Stops reconnecting; closes once queued data is written (or at once when not connected).
    func beginClose() {
        closing = true
        if phase == .connected { pump() } else { finish() }
    }

    /// Closes now.
    func finish() {
        if phase == .closed { return }
        phase = .closed
        if fd >= 0 {
            loop.deregister(fd: fd)
            close(fd)
            fd = -1
        }
        output.removeAll()
        isConnected.store(false, ordering: .relaxed)
        isFinished.store(true, ordering: .releasing)
    }
}
