// Helpers shared by the test targets that start members or processes: free ports, temporary
// folders, a monotonic clock, base64 for request bodies, reading files. No Foundation.
import JSON
import Synchronization
import MVCC
#if canImport(Glibc)
import Glibc
#endif

/// Ports handed out by ``freePort()`` in this process, so that suites starting clusters at the same
/// time never get the same one.
private let handedOutPorts = Mutex<Set<UInt16>>([])

/// A free TCP port on 127.0.0.1 (bound, read, released), never one already handed out in this process.
public func freePort() -> UInt16 {
    for _ in 0..<100 {
        let port = ephemeralPort()
        if handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
    }
    return ephemeralPort()
}

private func ephemeralPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return UInt16(bigEndian: addr.sin_port)
}

/// A fresh folder under /tmp.
public func temporaryDirectory(_ prefix: String) -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

/// Removes a folder made by ``temporaryDirectory(_:)`` (refuses anything outside /tmp).
public func removeTree(_ path: String) {
    guard path.hasPrefix("/tmp/") else { return }
    _ = system("rm -rf '\(path)'")
}

/// A test's own failure, with a message.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Seconds on the monotonic clock.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Standard base64 of a string's UTF-8 bytes, for etcd gateway request bodies.
public func b64(_ s: String) -> String {
    String(decoding: Base64.encode(Array(s.utf8)), as: UTF8.self)
}

/// The whole content of a file, or nil.
public func readFileBytes(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out += buffer[..<n]
    }
    return out
}

/// Sleeps without blocking a pool thread.
public func pause(milliseconds: UInt64) async {
    try? await Task.sleep(nanoseconds: milliseconds * 1_000_000)
}

/// Bytes of a string.
public func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Blocks the calling (non-pool) thread for `microseconds`.
public func usleepMicro(_ microseconds: UInt32) { usleep(microseconds) }
