#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Thin wrappers over the POSIX socket calls Wire needs; every fd is non-blocking and close-on-exec
/// unless stated otherwise.
enum Socket {
    /// Ignores SIGPIPE process-wide once (writes also pass MSG_NOSIGNAL; this covers the rest).
    static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// Creates a TCP socket.
    static func makeTCP(nonBlocking: Bool) throws(WireError) -> Int32 {
        var type = Int32(SOCK_STREAM.rawValue) | csystem_SOCK_CLOEXEC
        if nonBlocking { type |= csystem_SOCK_NONBLOCK }
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw .lastErrno("socket") }
        return fd
    }

    /// Opens a listening socket; `reusePort` lets several loops bind the same port.
    /// Returns the fd and the bound port (useful when asked for port 0).
    static func listen(on address: SocketAddress, reusePort: Bool, backlog: Int32 = 1024)
        throws(WireError) -> (fd: Int32, port: UInt16)
    {
        let fd = try makeTCP(nonBlocking: true)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if reusePort {
            setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr: sockaddr_in
        do { addr = try address.sockaddr() } catch { close(fd); throw error }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = WireError.lastErrno("bind \(address)")
            close(fd)
            throw error
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = WireError.lastErrno("listen")
            close(fd)
            throw error
        }
        return (fd, localPort(fd))
    }

    /// The local port a socket is bound to.
    static func localPort(_ fd: Int32) -> UInt16 {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Starts a connect; returns the fd and whether the connect is still in progress.
    static func startConnect(to address: SocketAddress, nonBlocking: Bool) throws(WireError)
        -> (fd: Int32, inProgress: Bool)
    {
        var addr = try address.sockaddr()
        let fd = try makeTCP(nonBlocking: nonBlocking)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc == 0 { setNoDelay(fd); return (fd, false) }
        if errno == EINPROGRESS { setNoDelay(fd); return (fd, true) }
        let error = WireError.lastErrno("connect \(address)")
        close(fd)
        throw error
    }

    /// The pending error of a socket (after a non-blocking connect), 0 when none.
    static func pendingError(_ fd: Int32) -> Int32 {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        return err
    }

    /// Disables Nagle's algorithm.
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Accepts one connection as a non-blocking fd; nil on EAGAIN; throws on other errors.
    static func accept(_ listener: Int32) throws(WireError) -> Int32? {
        let fd = csystem_accept4(listener, nil, nil, csystem_SOCK_NONBLOCK | csystem_SOCK_CLOEXEC)
        if fd >= 0 { setNoDelay(fd); return fd }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO: return nil
        default: throw .lastErrno("accept4")
        }
    }

    /// Result of a non-blocking read or write.
    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case closed
        case failed(Int32)
    }

    /// Reads into `buffer` at most `count` bytes.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    /// Writes a gather list with MSG_NOSIGNAL.
    static func writev(_ fd: Int32, _ iov: UnsafeMutablePointer<iovec>, count: Int) -> IOResult {
        var msg = msghdr()
        msg.msg_iov = iov
        msg.msg_iovlen = count
        while true {
            let n = sendmsg(fd, &msg, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EPIPE, ECONNRESET: return .closed
            default: return .failed(errno)
            }
        }
    }
}
