#if canImport(Glibc)
import Glibc
#endif

/// A connected TCP socket for blocking-style use on an ordinary thread: non-blocking underneath,
/// every read and write waits with `poll` up to a timeout. Buffered reads (lines, exact counts).
/// - Warning: not thread-safe; use from one thread at a time. Never on Swift concurrency's pool.
public final class BlockingSocket {
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    /// Timeout for each read, write and the connect.
    public var timeoutNanoseconds: UInt64

    /// Connects to `address` within the timeout.
    /// - Throws: ``WireError/timedOut(operation:)`` or ``WireError/system(operation:errno:)``.
    public init(connectingTo address: SocketAddress, timeoutNanoseconds: UInt64) throws(WireError) {
        _ = Socket.ignoreSIGPIPE
        self.timeoutNanoseconds = timeoutNanoseconds
        let (fd, inProgress) = try Socket.startConnect(to: address, nonBlocking: true)
        self.fd = fd
        // On failure `close()` (not `Glibc.close`): it also forgets the descriptor, and the
        // deinitializer, which runs when an initializer throws, must not close it a second time —
        // by then the number may belong to another thread's socket.
        if inProgress {
            do {
                try wait(for: Int16(POLLOUT), operation: "connect")
            } catch {
                close()
                throw error
            }
            let err = Socket.pendingError(fd)
            if err != 0 {
                close()
                throw .system(operation: "connect \(address)", errno: err)
            }
        }
    }

    deinit { close() }

    /// Whether the socket is still open.
    public var isOpen: Bool { fd >= 0 }

    /// Closes the socket; idempotent.
    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Closes with SO_LINGER 0 so the peer sees a reset (for tests of abrupt clients).
    public func reset() {
        if fd >= 0 {
            var l = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        }
        close()
    }

    /// Shuts down the sending direction (the peer reads EOF).
    public func shutdownWrite() {
        if fd >= 0 { _ = shutdown(fd, Int32(SHUT_WR)) }
    }

    private func wait(for events: Int16, operation: String) throws(WireError) {
        guard fd >= 0 else { throw .connectionClosed }
        let deadline = MonotonicClock.nowNanoseconds() &+ timeoutNanoseconds
        while true {
            let now = MonotonicClock.nowNanoseconds()
            if now >= deadline { throw .timedOut(operation: operation) }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let ms = Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
            let rc = poll(&p, 1, ms)
            if rc > 0 { return }
            if rc < 0 && errno != EINTR { throw .lastErrno("poll") }
        }
    }

    /// Writes all bytes.
    public func write(_ bytes: [UInt8]) throws(WireError) {
        var offset = 0
        while offset < bytes.count {
            guard fd >= 0 else { throw .connectionClosed }
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try wait(for: Int16(POLLOUT), operation: "write")
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EPIPE || errno == ECONNRESET) { throw .connectionClosed }
            throw .lastErrno("send")
        }
    }

    /// Reads more bytes into the buffer; false at end of stream.
    private func fill() throws(WireError) -> Bool {
        guard fd >= 0 else { throw .connectionClosed }
        if bufferStart > 0 && bufferStart == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            bufferStart = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n == 0 { return false }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), operation: "read")
                continue
            }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return false }
            throw .lastErrno("recv")
        }
    }

    /// Reads up to and including the next LF; returns the line without CRLF/LF, nil at a clean EOF.
    /// - Throws: ``WireError/protocolViolation(_:)`` if the line exceeds `maxBytes`.
    public func readLine(maxBytes: Int = 64 * 1024) throws(WireError) -> [UInt8]? {
        var scanFrom = bufferStart
        while true {
            if let lf = buffer[scanFrom...].firstIndex(of: ASCII.lf) {
                var end = lf
                if end > bufferStart && buffer[end - 1] == ASCII.cr { end -= 1 }
                let line = Array(buffer[bufferStart..<end])
                bufferStart = lf + 1
                return line
            }
            if buffer.count - bufferStart > maxBytes { throw .protocolViolation("line longer than \(maxBytes) bytes") }
            scanFrom = buffer.count
            let oldStart = bufferStart
            if try !fill() {
                if buffer.count == bufferStart { return nil }
                throw .connectionClosed
            }
            scanFrom -= oldStart - bufferStart
        }
    }

    /// Reads exactly `count` bytes.
    public func readExactly(_ count: Int) throws(WireError) -> [UInt8] {
        while buffer.count - bufferStart < count {
            if try !fill() { throw .connectionClosed }
        }
        let out = Array(buffer[bufferStart..<(bufferStart + count)])
        bufferStart += count
        return out
    }

    /// Reads whatever is buffered or next arrives (up to `max`); empty at end of stream.
    public func readSome(max: Int = 65536) throws(WireError) -> [UInt8] {
        if buffer.count == bufferStart {
            if try !fill() { return [] }
        }
        let n = min(max, buffer.count - bufferStart)
        let out = Array(buffer[bufferStart..<(bufferStart + n)])
        bufferStart += n
        return out
    }

    /// True when the peer has closed and nothing is buffered (waits up to the timeout for data).
    public func readIsAtEOF() throws(WireError) -> Bool {
        if buffer.count > bufferStart { return false }
        return try !fill()
    }
}
