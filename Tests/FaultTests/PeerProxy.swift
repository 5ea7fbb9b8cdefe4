import TestSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A one-direction TCP proxy for peer traffic: member A dials B through it, so the test controls A→B
/// apart from B→A. It parses whole peer frames (9-byte header: u32 length, u8 type, u32 CRC) and applies
/// the current ``LinkFault``; the first frame (hello, type 1) and snapshot chunks (type 3) are never
/// dropped, duplicated or reordered, only message frames (type 2) are. ``reset()`` cuts every open
/// connection (the dialer reconnects).
///
/// - Warning: threads: one acceptor plus two per connection, all ended by ``stop()``.
final class PeerProxy: Sendable {
    let from: String
    let to: String
    let listenPort: UInt16
    let targetPort: UInt16
    private let fault = Mutex<LinkFault>(.pass)
    private let random: Mutex<SeededRandom>
    private let stopping = Atomic<Bool>(false)
    private let connections = Mutex<[Int32: Int32]>([:])  // client fd -> upstream fd
    private let generation = Atomic<Int>(0)
    private let threads = Mutex<[TestThread]>([])
    private let listener: Int32
    /// Message frames forwarded, dropped, duplicated, held back (for the soak figures).
    let counters = Mutex<(forwarded: Int, dropped: Int, duplicated: Int, reordered: Int, resets: Int)>((0, 0, 0, 0, 0))

    init(from: String, to: String, listenPort: UInt16, targetPort: UInt16, seed: UInt64) throws {
        self.from = from
        self.to = to
        self.listenPort = listenPort
        self.targetPort = targetPort
        random = Mutex(SeededRandom(seed: seed))
        listener = try Self.listen(port: listenPort)
    }

    /// Starts accepting.
    func start() throws {
        let t = try TestThread { [self] in acceptLoop() }
        threads.withLock { $0.append(t) }
    }

    /// The fault applied from now on.
    func set(_ newFault: LinkFault) { fault.withLock { $0 = newFault } }

    /// The current fault.
    var current: LinkFault { fault.withLock { $0 } }

    /// Closes every open connection abruptly (RST); the dialer reconnects through the proxy.
    func reset() {
        let open = connections.withLock { c in defer { c.removeAll() }; return c }
        generation.add(1, ordering: .relaxed)
        for (client, upstream) in open {
            Self.abort(client)
            Self.abort(upstream)
        }
        counters.withLock { $0.resets += 1 }
    }

    /// Stops accepting, closes everything and joins every thread.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        reset()
        let all = threads.withLock { t in defer { t.removeAll() }; return t }
        for t in all { t.join() }
        close(listener)
    }

    private func acceptLoop() {
        while !stopping.load(ordering: .relaxed) {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            guard let upstream = Self.connect(port: targetPort) else {
                close(client)
                continue
            }
            guard !stopping.load(ordering: .relaxed) else { close(client); close(upstream); return }
            connections.withLock { $0[client] = upstream }
            let pair = SocketPair(client: client, upstream: upstream)
            let forward = try? TestThread { [self] in forwardFrames(client: client, upstream: upstream); finish(pair) }
            let back = try? TestThread { [self] in copyBack(upstream: upstream, client: client); finish(pair) }
            if forward == nil { finish(pair) }
            if back == nil { finish(pair) }
            threads.withLock { list in
                // Keep the list bounded: forget threads of connections already gone (they end on their own).
                if let forward { list.append(forward) }
                if let back { list.append(back) }
            }
        }
    }

    /// Reads `client`, cuts frames, applies the fault, writes to `upstream`.
    private func forwardFrames(client: Int32, upstream: Int32) {
        var buffer: [UInt8] = []
        var held: [UInt8]? = nil
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while !stopping.load(ordering: .relaxed) {
            var p = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 50)
            if ready == 0 {
                if let frame = held { held = nil; guard Self.writeAll(upstream, frame) else { return } }
                continue
            }
            let n = chunk.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            buffer += chunk[..<n]
            while buffer.count >= 9 {
                let length = Int(UInt32(buffer[0]) | UInt32(buffer[1]) << 8 | UInt32(buffer[2]) << 16 | UInt32(buffer[3]) << 24)
                guard length <= 256 << 20 else { return }
                guard buffer.count >= 9 + length else { break }
                let frame = Array(buffer[..<(9 + length)])
                buffer.removeFirst(9 + length)
                let isMessage = frame[4] == 2
                let mode = fault.withLock { $0 }
                switch mode {
                case .blackhole:
                    continue
                case .delay(let ms):
                    usleep(UInt32(min(ms, 2000)) * 1000)
                    guard Self.writeAll(upstream, frame) else { return }
                case .drop(let percent) where isMessage && random.withLock({ $0.chance(percent) }):
                    counters.withLock { $0.dropped += 1 }
                case .duplicate(let percent, let proposals) where isMessage && (proposals || !Self.carriesProposal(frame))
                        && random.withLock({ $0.chance(percent) }):
                    counters.withLock { $0.duplicated += 1 }
                    guard Self.writeAll(upstream, frame + frame) else { return }
                case .reorder(let percent) where isMessage && held == nil && random.withLock({ $0.chance(percent) }):
                    counters.withLock { $0.reordered += 1 }
                    held = frame
                default:
                    guard Self.writeAll(upstream, frame) else { return }
                    if let h = held { held = nil; guard Self.writeAll(upstream, h) else { return } }
                }
                if isMessage { counters.withLock { $0.forwarded += 1 } }
            }
        }
    }

    /// True when a message frame holds a Raft `propose` message (a follower forwarding client writes).
    /// Payload: u32 count, then per message u32 length + envelope (tag 1 = Raft, version byte, kind byte).
    static func carriesProposal(_ frame: [UInt8]) -> Bool {
        func u32(_ at: Int) -> Int { Int(UInt32(frame[at]) | UInt32(frame[at + 1]) << 8 | UInt32(frame[at + 2]) << 16 | UInt32(frame[at + 3]) << 24) }
        guard frame.count >= 13 else { return false }
        var offset = 13
        for _ in 0..<u32(9) {
            guard offset + 4 <= frame.count else { return false }
            let length = u32(offset)
            offset += 4
            if length >= 3 && offset + 3 <= frame.count && frame[offset] == 1 && frame[offset + 2] == 9 { return true }
            offset += length
        }
        return false
    }

    /// Whatever the receiver sends back goes to the dialer unchanged (blackholed too when asked).
    private func copyBack(upstream: Int32, client: Int32) {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while !stopping.load(ordering: .relaxed) {
            var p = pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 100) == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { read(upstream, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            if current == .blackhole { continue }
            guard Self.writeAll(client, Array(chunk[..<n])) else { return }
        }
    }

    /// Two threads share a connection pair: the first to end shuts both sockets down (the other sees
    /// EOF), the last one closes them, so a descriptor is never closed while a thread may still use it.
    private final class SocketPair: Sendable {
        let client: Int32
        let upstream: Int32
        let users = Atomic<Int>(2)
        init(client: Int32, upstream: Int32) { self.client = client; self.upstream = upstream }
    }

    private func finish(_ pair: SocketPair) {
        shutdown(pair.client, Int32(SHUT_RDWR))
        shutdown(pair.upstream, Int32(SHUT_RDWR))
        if pair.users.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            connections.withLock { _ = $0.removeValue(forKey: pair.client) }
            close(pair.client)
            close(pair.upstream)
        }
    }

    private static func abort(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    private static func address(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return addr
    }

    private static func listen(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = address(port: port)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0, Glibc.listen(fd, 16) == 0 else {
            close(fd)
            throw TestFailure("proxy cannot listen on 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    private static func connect(port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = address(port: port)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if rc != 0 { close(fd); return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }
}
