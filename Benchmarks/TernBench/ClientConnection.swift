#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// What a scenario does with one connection's events.
/// - Warning: called only on the client loop's thread.
protocol ConnectionDelegate: AnyObject {
    /// The TCP connection is established.
    func connected(_ connection: ClientConnection)
    /// A response head arrived.
    func responseHead(_ connection: ClientConnection, status: Int)
    /// A piece of response body (de-chunked), valid only during the call.
    func responseBody(_ connection: ClientConnection, _ bytes: UnsafePointer<UInt8>, _ count: Int)
    /// The response is complete.
    func responseEnd(_ connection: ClientConnection)
    /// The connection failed or was closed by the server; it is closed now.
    func failed(_ connection: ClientConnection, reason: String)
}

/// One non-blocking HTTP/1.1 keep-alive client connection driven by a ``ClientLoop``: an output
/// buffer flushed on writability and an input buffer decoded by ``HTTPResponseReader``.
/// - Warning: owned by the client loop's thread.
final class ClientConnection {
    /// The connection's number within its scenario (0-based).
    let index: Int
    /// The endpoint it talks to.
    let endpoint: Endpoint
    /// The scenario's handler.
    unowned let delegate: ConnectionDelegate
    private(set) var fd: Int32 = -1
    private(set) var isConnected = false
    private(set) var isOpen = false
    /// True once the connection was established (stays true after it closes).
    private(set) var wasConnected = false
    /// Free for the scenario: when the request in flight was sent (or scheduled), in ns.
    var sentAt: UInt64 = 0
    /// Free for the scenario: a per-connection counter or state.
    var state: Int64 = 0
    /// Free for the scenario: a second per-connection value.
    var auxiliary: Int64 = 0
    /// True while a request is in flight.
    var busy = false

    private var out: [UInt8] = []
    private var outPosition = 0
    private var wantsWrite = true
    private var input: UnsafeMutablePointer<UInt8>
    private var inputCapacity = 16 * 1024
    private var inputStart = 0
    private var inputEnd = 0
    private var reader = HTTPResponseReader()
    private unowned let loop: ClientLoop

    init(index: Int, endpoint: Endpoint, loop: ClientLoop, delegate: ConnectionDelegate) {
        self.index = index
        self.endpoint = endpoint
        self.loop = loop
        self.delegate = delegate
        input = .allocate(capacity: inputCapacity)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
        input.deallocate()
    }

    /// Starts a non-blocking connect; the delegate hears `connected` or `failed`.
    func open() {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | csystem_SOCK_NONBLOCK | csystem_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { delegate.failed(self, reason: "socket: errno \(errno)"); return }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
        var address = endpoint.socketAddress
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 && errno != EINPROGRESS {
            let e = errno
            Glibc.close(fd); fd = -1
            delegate.failed(self, reason: "connect \(endpoint): errno \(e)")
            return
        }
        isOpen = true
        loop.register(self, events: UInt32(csystem_EPOLLIN | csystem_EPOLLOUT))
    }

    /// Closes the socket (no delegate call).
    func close() {
        guard isOpen else { return }
        isOpen = false
        isConnected = false
        loop.deregister(self)
        Glibc.close(fd)
        fd = -1
    }

    /// Queues `bytes` and writes as much as the socket takes now.
    func send(_ bytes: [UInt8]) {
        if outPosition == out.count {
            out.removeAll(keepingCapacity: true)
            outPosition = 0
        }
        out.append(contentsOf: bytes)
        if isConnected { flush() }
    }

    /// Lets `build` append a request to the output buffer in place, then writes.
    func send(building build: (inout [UInt8]) -> Void) {
        if outPosition == out.count {
            out.removeAll(keepingCapacity: true)
            outPosition = 0
        }
        build(&out)
        if isConnected { flush() }
    }

    private func flush() {
        while outPosition < out.count {
            let n = out.withUnsafeBytes { write(fd, $0.baseAddress! + outPosition, out.count - outPosition) }
            if n > 0 {
                outPosition += n
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                if errno == EINTR { continue }
                if !wantsWrite { wantsWrite = true; loop.modify(self, events: UInt32(csystem_EPOLLIN | csystem_EPOLLOUT)) }
                return
            } else {
                fail("write: errno \(errno)")
                return
            }
        }
        out.removeAll(keepingCapacity: true)
        outPosition = 0
        if wantsWrite { wantsWrite = false; loop.modify(self, events: UInt32(csystem_EPOLLIN)) }
    }

    private func fail(_ reason: String) {
        close()
        delegate.failed(self, reason: reason)
    }

    /// Called by the loop with the epoll mask.
    func handleEvents(_ events: UInt32) {
        if !isConnected {
            guard events & UInt32(csystem_EPOLLOUT | csystem_EPOLLERR | csystem_EPOLLHUP) != 0 else { return }
            var err: Int32 = 0
            var len = socklen_t(4)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 || events & UInt32(csystem_EPOLLERR) != 0 { fail("connect \(endpoint): errno \(err)"); return }
            isConnected = true
            wasConnected = true
            flush()
            delegate.connected(self)
            return
        }
        if events & UInt32(csystem_EPOLLIN | csystem_EPOLLHUP | csystem_EPOLLERR) != 0 { readAvailable() }
        if isOpen && events & UInt32(csystem_EPOLLOUT) != 0 { flush() }
    }

    private func readAvailable() {
        while isOpen {
            if inputStart == inputEnd { inputStart = 0; inputEnd = 0 }
            if inputCapacity - inputEnd < 4096 {
                if inputStart > 0 {
                    (input).update(from: input + inputStart, count: inputEnd - inputStart)
                    inputEnd -= inputStart
                    inputStart = 0
                }
                if inputCapacity - inputEnd < 4096 { grow() }
            }
            let space = inputCapacity - inputEnd
            let n = read(fd, input + inputEnd, space)
            if n > 0 {
                inputEnd += n
                decodeInput()
                if n == space && inputCapacity < 256 * 1024 && isOpen { grow() }
                if n < space { return }
            } else if n == 0 {
                fail("closed by server")
                return
            } else {
                if errno == EINTR { continue }
                if errno != EAGAIN { fail("read: errno \(errno)") }
                return
            }
        }
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: inputCapacity * 2)
        bigger.update(from: input + inputStart, count: inputEnd - inputStart)
        input.deallocate()
        input = bigger
        inputEnd -= inputStart
        inputStart = 0
        inputCapacity *= 2
    }

    private func decodeInput() {
        while isOpen && inputStart < inputEnd {
            let before = inputStart
            do {
                let base = UnsafePointer(input)
                inputStart = try reader.decode(base, start: inputStart, end: inputEnd) { event in
                    switch event {
                    case .head(let status): delegate.responseHead(self, status: status)
                    case .body(let offset, let count): delegate.responseBody(self, base + offset, count)
                    case .end: delegate.responseEnd(self)
                    }
                }
            } catch {
                fail("malformed response: \(error.reason)")
                return
            }
            if inputStart == before { return }
        }
    }
}
