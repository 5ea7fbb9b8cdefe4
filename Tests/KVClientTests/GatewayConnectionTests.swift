import Testing
import Dispatch
import Synchronization
@testable import KVClient
import Wire
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP client's connection against a scripted server: framing, and reads that resume after a
/// timeout (what lets a watch thread poll for cancellation).
@Suite("gateway connection", .serialized, .timeLimit(.minutes(1)))
struct GatewayConnectionTests {
    /// Listens on a free loopback port, accepts one connection and plays `script`: bytes to send,
    /// with pauses (milliseconds) between them. Returns the port.
    /// Counts the requests a scripted server received.
    final class Received: Sendable {
        let requests = Atomic<Int>(0)
    }

    static func serve(_ script: [(pauseMilliseconds: UInt32, bytes: String)], received: Received = Received()) throws -> UInt16 {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(listener, p, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, p, &length) == 0
            }
        }
        guard ok else {
            close(listener)
            throw TestFailure("cannot listen")
        }
        let port = UInt16(bigEndian: address.sin_port)
        let steps = script
        DispatchQueue.global().async {
            let connection = accept(listener, nil, nil)
            close(listener)
            guard connection >= 0 else { return }
            var request = [UInt8](repeating: 0, count: 4096)
            if recv(connection, &request, request.count, 0) > 0 { received.requests.add(1, ordering: .relaxed) }
            for step in steps {
                usleep(step.pauseMilliseconds * 1000)
                let bytes = Array(step.bytes.utf8)
                _ = send(connection, bytes, bytes.count, Int32(MSG_NOSIGNAL))
            }
            usleep(100_000)
            close(connection)
        }
        return port
    }

    @Test("a chunked body split anywhere, with pauses longer than the read timeout, reads back whole")
    func chunkedWithPauses() async throws {
        let port = try Self.serve([
            (0, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            (0, "6\r\nhel"),
            (150, "lo\n\r\n"),
            (150, "6"),
            (150, "\r\nworld\n\r\n0\r\n"),
            (0, "\r\n"),
        ])
        let pieces = try await offPool { () throws -> [UInt8] in
            let c = try GatewayConnection(address: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: 2_000_000_000)
            defer { c.close() }
            try c.sendPost(path: "/v3/watch", body: Array("{}".utf8))
            guard try c.readHead() == 200 else { throw TestFailure("status") }
            c.timeoutNanoseconds = 50_000_000
            var all: [UInt8] = []
            var timeouts = 0
            while true {
                do throws(WireError) {
                    guard let piece = try c.readBodyPiece() else { break }
                    all += piece
                } catch .timedOut {
                    timeouts += 1
                    if timeouts > 100 { throw TestFailure("no progress") }
                } catch {
                    throw error
                }
            }
            guard timeouts > 0 else { throw TestFailure("the pauses caused no timeout; the test proves nothing") }
            return all
        }
        #expect(String(decoding: pieces, as: UTF8.self) == "hello\nworld\n")
    }

    @Test("Content-Length bodies keep the connection; Connection: close does not")
    func framing() async throws {
        let port = try Self.serve([(0, "HTTP/1.1 404 Not Found\r\ncontent-length: 5\r\nconnection: close\r\n\r\nnope!")])
        let (status, body, reusable) = try await offPool { () throws -> (Int, [UInt8], Bool) in
            let c = try GatewayConnection(address: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: 2_000_000_000)
            defer { c.close() }
            try c.sendPost(path: "/v3/kv/range", body: [])
            let status = try c.readHead()
            return (status, try c.readWholeBody(), c.reusable)
        }
        #expect(status == 404 && body == Array("nope!".utf8) && !reusable)
    }

    @Test("a write whose connection breaks after sending fails as unknown and is not resent; a read moves on")
    func noSilentRetry() async throws {
        let firstGot = Received(), secondGot = Received()
        // The first member reads the request and closes without answering.
        let first = try Self.serve([], received: firstGot)
        let second = try Self.serve([(0, "HTTP/1.1 200 OK\r\ncontent-length: 27\r\n\r\n{\"header\":{\"revision\":\"7\"}}")],
                                    received: secondGot)
        let client = HTTPKVClient(addresses: [SocketAddress(host: "127.0.0.1", port: first), SocketAddress(host: "127.0.0.1", port: second)])
        defer { client.close() }
        do {
            _ = try await client.put(PutCommand(key: Array("k".utf8), value: []))
            Issue.record("the put succeeded")
        } catch {
            guard case .transport(let message) = error else { Issue.record("unexpected \(error)"); return }
            #expect(message.hasSuffix("the outcome is unknown"))
        }
        #expect(firstGot.requests.load(ordering: .relaxed) == 1)
        #expect(secondGot.requests.load(ordering: .relaxed) == 0, "the write was sent again")

        // A read is safe to retry: the first member is gone now, so it moves on to the second.
        let read = try await client.range(RangeQuery(KeyRange(key: Array("k".utf8))))
        #expect(read.revision == 7 && read.pairs.isEmpty)
        #expect(secondGot.requests.load(ordering: .relaxed) == 1)

        // A read whose connection breaks after sending is sent again, to the next member.
        let closerGot = Received(), answererGot = Received()
        let closer = try Self.serve([], received: closerGot)
        let answerer = try Self.serve([(0, "HTTP/1.1 200 OK\r\ncontent-length: 27\r\n\r\n{\"header\":{\"revision\":\"8\"}}")],
                                      received: answererGot)
        let reader = HTTPKVClient(addresses: [SocketAddress(host: "127.0.0.1", port: closer), SocketAddress(host: "127.0.0.1", port: answerer)])
        defer { reader.close() }
        #expect(try await reader.range(RangeQuery(KeyRange(key: Array("k".utf8)))).revision == 8)
        #expect(closerGot.requests.load(ordering: .relaxed) == 1 && answererGot.requests.load(ordering: .relaxed) == 1)
    }
}
