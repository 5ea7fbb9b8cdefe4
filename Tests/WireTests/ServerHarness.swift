import Dispatch
import Synchronization
@testable import Wire

/// A running server on a two-loop group for a test, torn down by `stop()`.
final class TestServer: Sendable {
    let group: EventLoopGroup
    let server: HTTPServer
    var address: SocketAddress { SocketAddress(host: "127.0.0.1", port: server.port) }

    init(threads: Int = 2, configure: (inout HTTPServerConfiguration) -> Void = { _ in },
         handler: @escaping @Sendable (HTTPServerRequest) -> Void) throws {
        group = try EventLoopGroup(threadCount: threads, name: "test")
        var configuration = HTTPServerConfiguration(address: SocketAddress(host: "127.0.0.1", port: 0))
        configure(&configuration)
        server = HTTPServer(configuration: configuration, group: group, handler: handler)
        try server.start()
    }

    func stop(graceNanoseconds: UInt64 = 100_000_000) {
        server.shutdown(gracePeriodNanoseconds: graceNanoseconds)
        group.shutdown()
    }

    func client(timeoutNanoseconds: UInt64 = 5_000_000_000) -> HTTPClient {
        HTTPClient(address: address, timeoutNanoseconds: timeoutNanoseconds)
    }

    func rawSocket(timeoutNanoseconds: UInt64 = 5_000_000_000) throws -> BlockingSocket {
        try BlockingSocket(connectingTo: address, timeoutNanoseconds: timeoutNanoseconds)
    }
}

/// Echo-ish handler: body back with the path in a header.
let echoHandler: @Sendable (HTTPServerRequest) -> Void = { request in
    request.responder.respond(status: 200, headers: ["x-path": request.head.target], body: request.body)
}

/// Reads one full response from a raw socket with a throwaway client parser.
func readResponse(_ socket: BlockingSocket) throws -> (status: Int, headers: [String: String], body: [UInt8]) {
    guard let statusLine = try socket.readLine() else { throw WireError.connectionClosed }
    let parts = String(decoding: statusLine, as: UTF8.self).split(separator: " ")
    let status = Int(parts[1]) ?? 0
    var headers: [String: String] = [:]
    while let line = try socket.readLine(), !line.isEmpty {
        let text = String(decoding: line, as: UTF8.self)
        if let colon = text.firstIndex(of: ":") {
            headers[text[..<colon].lowercased()] = String(text[text.index(after: colon)...]).trimmingASCIISpaces()
        }
    }
    var body: [UInt8] = []
    if let cl = headers["content-length"], let n = Int(cl) {
        body = try socket.readExactly(n)
    } else if headers["transfer-encoding"] == "chunked" {
        while let sizeLine = try socket.readLine() {
            let size = Int(String(decoding: sizeLine, as: UTF8.self), radix: 16) ?? 0
            if size == 0 { _ = try socket.readLine(); break }
            body += try socket.readExactly(size)
            _ = try socket.readLine()
        }
    }
    return (status, headers, body)
}

/// A thread-safe list for collecting observations from loop threads.
final class Collector<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])
    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

/// Polls `condition` until true or the timeout passes.
func waitUntil(timeoutNanoseconds: UInt64 = 5_000_000_000, _ condition: () -> Bool) -> Bool {
    let deadline = MonotonicClock.nowNanoseconds() + timeoutNanoseconds
    while MonotonicClock.nowNanoseconds() < deadline {
        if condition() { return true }
        usleepMilliseconds(2)
    }
    return condition()
}

func usleepMilliseconds(_ ms: UInt32) {
    #if canImport(Glibc)
    _ = Glibc.usleep(ms * 1000)
    #endif
}

#if canImport(Glibc)
import Glibc
#endif
