import Dispatch
import Testing
@testable import Wire

@Suite(.serialized, .timeLimit(.minutes(1)))
struct HTTPClientTests {
    /// A scripted one-shot server: accepts connections and answers each with `reply` verbatim.
    final class ScriptedServer: @unchecked Sendable {
        // @unchecked Sendable: `fd` is immutable; the accept thread only reads it.
        let fd: Int32
        let port: UInt16
        init(replies: [[UInt8]]) throws {
            let (fd, port) = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: false)
            self.fd = fd
            self.port = port
            let listenFD = fd
            DispatchQueue.global().async {
                for reply in replies {
                    var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
                    guard poll(&p, 1, 5000) > 0, let conn = try? Socket.accept(listenFD) else { return }
                    // Read the request head, then answer and close.
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    var q = pollfd(fd: conn, events: Int16(POLLIN), revents: 0)
                    _ = poll(&q, 1, 5000)
                    _ = buffer.withUnsafeMutableBytes { read(conn, $0.baseAddress!, $0.count) }
                    _ = reply.withUnsafeBytes { write(conn, $0.baseAddress!, $0.count) }
                    close(conn)
                }
            }
        }
        deinit { close(fd) }
    }

    @Test func readsCloseDelimitedAndChunkedWithTrailers() throws {
        let server = try ScriptedServer(replies: [
            bytes("HTTP/1.1 200 OK\r\nX: 1\r\n\r\nuntil close"),
            bytes("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nA;x=y\r\n0123456789\r\n0\r\nT: v\r\n\r\n"),
            bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
        ])
        let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: server.port))
        let first: HTTPClientResponse
        do { first = try client.request(method: "GET", path: "/") } catch { Issue.record("first: \(error)"); return }
        #expect(first.status == 200)
        #expect(first.body == bytes("until close"))
        // The previous response ended with a close: the client reconnects by itself.
        let second: HTTPClientResponse
        do { second = try client.request(method: "GET", path: "/") } catch { Issue.record("second: \(error)"); return }
        #expect(second.status == 201)
        #expect(second.body == bytes("abc0123456789"))
        let third = try client.request(method: "POST", path: "/", body: bytes("x"))
        #expect(third.status == 204)
        #expect(third.body.isEmpty)
    }

    @Test func malformedResponsesAreErrorsNotCrashes() throws {
        let server = try ScriptedServer(replies: [
            bytes("NOT HTTP\r\n\r\n"),
            bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
        ])
        let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: server.port), timeoutNanoseconds: 2_000_000_000)
        #expect(throws: WireError.protocolViolation("bad status line")) { try client.request(method: "GET", path: "/") }
        client.close()
        #expect(throws: WireError.protocolViolation("chunk size")) { try client.request(method: "GET", path: "/") }
        client.close()
        #expect(throws: WireError.connectionClosed) { try client.request(method: "GET", path: "/") }
    }

    /// 200 mutated responses from a scripted server: the client returns a response or throws a
    /// typed error, never traps or hangs.
    @Test(arguments: [UInt64(99)])
    func clientSurvivesMutatedResponses(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let corpus = [
            bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
            bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
        ]
        var replies: [[UInt8]] = []
        for _ in 0..<200 {
            replies.append(mutate(corpus[Int.random(in: 0..<corpus.count, using: &rng)], tokens: FuzzTests.httpTokens, using: &rng))
        }
        let server = try ScriptedServer(replies: replies)
        var parsed = 0
        var refused = 0
        for _ in replies {
            let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: server.port), timeoutNanoseconds: 2_000_000_000)
            do {
                let response = try client.request(method: "GET", path: "/")
                #expect((100...999).contains(response.status))
                parsed += 1
            } catch .timedOut(let operation) {
                Issue.record("hung in \(operation); replay with seed \(seed)")
            } catch {
                refused += 1
            }
            client.close()
        }
        // Both paths must be exercised, or the mutations prove nothing.
        #expect(parsed > 20 && refused > 20, "parsed \(parsed), refused \(refused); seed \(seed)")
    }

    @Test func connectTimeoutAndRefusal() throws {
        let port = try freePort()
        let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: 500_000_000)
        #expect(throws: WireError.system(operation: "connect 127.0.0.1:\(port)", errno: ECONNREFUSED)) {
            try client.request(method: "GET", path: "/")
        }
    }

    @Test func readTimeoutOnSilentServer() throws {
        let (fd, port) = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0), reusePort: false)
        defer { close(fd) }
        let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: 200_000_000)
        #expect(throws: WireError.timedOut(operation: "read")) { try client.request(method: "GET", path: "/") }
    }

    @Test func addressParsing() throws {
        #expect(try SocketAddress(parsing: "localhost:2379") == SocketAddress(host: "127.0.0.1", port: 2379))
        #expect(try SocketAddress(parsing: "10.0.0.1:80").port == 80)
        #expect(throws: WireError.invalidAddress("nohost")) { try SocketAddress(parsing: "nohost") }
        #expect(throws: WireError.invalidAddress("a.b.c:1")) { try SocketAddress(parsing: "a.b.c:1") }
        #expect(throws: WireError.invalidAddress("1.2.3.4:99999")) { try SocketAddress(parsing: "1.2.3.4:99999") }
    }
}

#if canImport(Glibc)
import Glibc
#endif
