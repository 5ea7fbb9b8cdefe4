#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Wire

/// An endpoint `http://host:port` (IPv4 literal or `localhost`).
struct Endpoint: CustomStringConvertible {
    let host: String
    let port: UInt16
    let socketAddress: sockaddr_in
    /// `host:port` as bytes, for the Host header.
    let hostPort: [UInt8]

    /// Parses `http://127.0.0.1:3379` or `127.0.0.1:3379`; nil if malformed.
    init?(_ text: String) {
        var t = Substring(text)
        if t.hasPrefix("http://") { t = t.dropFirst(7) }
        while t.hasSuffix("/") { t = t.dropLast() }
        guard let colon = t.lastIndex(of: ":"), let port = UInt16(t[t.index(after: colon)...]) else { return nil }
        var h = String(t[..<colon])
        if h == "localhost" { h = "127.0.0.1" }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        guard inet_pton(AF_INET, h, &a.sin_addr) == 1 else { return nil }
        host = h
        self.port = port
        socketAddress = a
        hostPort = Array("\(h):\(port)".utf8)
    }

    var description: String { "http://\(host):\(port)" }
}

/// A single-threaded epoll loop driving many ``ClientConnection``s (level-triggered).
/// - Warning: every method must be called on the thread that runs ``run(timeoutMicroseconds:until:tick:)``.
final class ClientLoop {
    private let epollFD: Int32
    private var connections: [ClientConnection?] = []
    private let capacity = 4096
    private let readyFDs: UnsafeMutablePointer<Int32>
    private let readyEvents: UnsafeMutablePointer<UInt32>

    init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        readyFDs = .allocate(capacity: capacity)
        readyEvents = .allocate(capacity: capacity)
    }

    deinit {
        Glibc.close(epollFD)
        readyFDs.deallocate()
        readyEvents.deallocate()
    }

    func register(_ c: ClientConnection, events: UInt32) {
        let i = Int(c.fd)
        if i >= connections.count { connections.append(contentsOf: repeatElement(nil, count: i - connections.count + 1)) }
        connections[i] = c
        _ = csystem_epoll_ctl(epollFD, EPOLL_CTL_ADD, c.fd, events)
    }

    func modify(_ c: ClientConnection, events: UInt32) {
        _ = csystem_epoll_ctl(epollFD, EPOLL_CTL_MOD, c.fd, events)
    }

    func deregister(_ c: ClientConnection) {
        _ = csystem_epoll_ctl(epollFD, EPOLL_CTL_DEL, c.fd, 0)
        if Int(c.fd) < connections.count { connections[Int(c.fd)] = nil }
    }

    /// Polls until `until()` is true, calling `tick()` after every batch of events (or timeout).
    /// `timeoutMicroseconds()` bounds each wait (sub-millisecond waits sleep instead of spinning,
    /// so a rate-limited client does not take a core from the servers it measures).
    func run(timeoutMicroseconds: () -> Int64, until: () -> Bool, tick: () -> Void) {
        while !until() {
            let n = csystem_epoll_wait_us(epollFD, readyFDs, readyEvents, Int32(capacity), timeoutMicroseconds())
            if n > 0 {
                for k in 0..<Int(n) {
                    let fd = Int(readyFDs[k])
                    if fd < connections.count, let c = connections[fd] { c.handleEvents(readyEvents[k]) }
                }
            }
            tick()
        }
    }

    /// Runs until `until()` or the monotonic clock passes `deadline` (ns); true if `until()` held.
    @discardableResult
    func run(deadline: UInt64, until: () -> Bool) -> Bool {
        var expired = false
        run(timeoutMicroseconds: { 50_000 }, until: { until() || expired }, tick: {
            if MonotonicClock.nowNanoseconds() >= deadline { expired = true }
        })
        return until()
    }
}
