import Dispatch
import Synchronization
import Testing
@testable import Wire

@Suite(.serialized, .timeLimit(.minutes(1)))
struct HTTPServerHostileTests {
    static let cases: [(String, Int)] = [
        ("GET / HTTP/1.1\nHost: x\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "y", count: 17_000) + "\r\n\r\n", 431),
        ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505),
        // The client keeps sending its oversized body: the server lingers so the 413 still arrives.
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n" + String(repeating: "a", count: 300_000), 413),
        ("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}\r\n\r\n", 400),
    ]

    /// Each hostile request gets its 4xx/5xx and a closed connection, and a well-behaved client on
    /// another connection is served before and after.
    @Test(arguments: 0..<cases.count)
    func hostileRequestGetsErrorAndClose(index: Int) throws {
        let (text, status) = Self.cases[index]
        let server = try TestServer(handler: echoHandler)
        defer { server.stop() }
        let good = server.client()
        #expect(try good.request(method: "GET", path: "/before").status == 200)
        let socket = try server.rawSocket()
        try? socket.write(bytes(text))
        let response = try readResponse(socket)
        #expect(response.status == status)
        #expect(response.headers["connection"] == "close")
        #expect(try socket.readIsAtEOF())
        #expect(try good.request(method: "GET", path: "/after").status == 200)
        let stats = server.server.stats
        #expect(stats.rejectedRequests == 1)
        #expect(stats.requests == 2)
        #expect(stats.connectionsAccepted == 2)
    }

    @Test func smugglingAttemptDoesNotReachTheHandler() throws {
        let paths = Collector<String>()
        let server = try TestServer { request in
            paths.append(request.head.target)
            echoHandler(request)
        }
        defer { server.stop() }
        let socket = try server.rawSocket()
        let smuggled = "POST /outer HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
        try socket.write(bytes(smuggled))
        #expect(try readResponse(socket).status == 400)
        #expect(try socket.readIsAtEOF())
        #expect(paths.all.isEmpty)
    }

    @Test func slowlorisIsCutAtTheHeaderTimeout() throws {
        let server = try TestServer(configure: { $0.headerTimeoutNanoseconds = 300_000_000 }, handler: echoHandler)
        defer { server.stop() }
        let slow = try server.rawSocket()
        let start = MonotonicClock.nowNanoseconds()
        // Trickle one header byte every 50 ms: activity must not extend the header deadline.
        let head = bytes("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        var sent = 0
        while sent < head.count {
            do { try slow.write([head[sent]]) } catch { break }
            sent += 1
            // Meanwhile others are served.
            if sent % 5 == 0 {
                #expect(try server.client().request(method: "GET", path: "/ok").status == 200)
            }
            usleepMilliseconds(50)
            if MonotonicClock.nowNanoseconds() - start > 2_000_000_000 { break }
        }
        let response = try readResponse(slow)
        #expect(response.status == 408)
        #expect(server.server.stats.timeouts == 1)
        let elapsed = MonotonicClock.nowNanoseconds() - start
        #expect(elapsed < 2_000_000_000, "cut after \(elapsed / 1_000_000) ms")
        #expect(try slow.readIsAtEOF())
    }

    @Test func stalledBodyIsCutButATricklingOneIsNot() throws {
        // Bytes every 60 ms against a 1 s body deadline: each byte pushes the deadline out.
        let server = try TestServer(configure: { $0.idleTimeoutNanoseconds = 1_000_000_000 }, handler: echoHandler)
        defer { server.stop() }
        let trickling = try server.rawSocket()
        try trickling.write(bytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n"))
        for byte in bytes("12345678") {
            usleepMilliseconds(60)
            try trickling.write([byte])
        }
        #expect(try readResponse(trickling).body == bytes("12345678"))
        let stalled = try server.rawSocket()
        try stalled.write(bytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n123"))
        #expect(try readResponse(stalled).status == 408)
        #expect(try stalled.readIsAtEOF())
    }

    @Test func manySlowlorisConnectionsDoNotStarveOthers() throws {
        let server = try TestServer(configure: { $0.headerTimeoutNanoseconds = 500_000_000 }, handler: echoHandler)
        defer { server.stop() }
        var slow: [BlockingSocket] = []
        for i in 0..<200 {
            let socket = try server.rawSocket()
            try socket.write(bytes("GET /slow\(i) HTTP/1.1\r\nHost: x\r\nX-Pad: "))
            slow.append(socket)
        }
        let client = server.client()
        for i in 0..<20 { #expect(try client.request(method: "GET", path: "/ok\(i)").status == 200) }
        var timedOut = 0
        for socket in slow where (try? readResponse(socket).status) == 408 { timedOut += 1 }
        #expect(timedOut == 200)
        #expect(server.server.stats.timeouts == 200)
    }

    @Test func connectionCapRefusesTheExcess() throws {
        let server = try TestServer(threads: 1, configure: { $0.maxConnections = 10 }, handler: echoHandler)
        defer { server.stop() }
        var open: [BlockingSocket] = []
        for _ in 0..<10 { open.append(try server.rawSocket()) }
        #expect(waitUntil { server.server.connectionCount == 10 })
        let extra = try server.rawSocket()
        #expect(try extra.readIsAtEOF())
        #expect(server.server.stats.refusedConnections == 1)
        try open[0].write(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(try readResponse(open[0]).status == 200)
    }

    @Test func idleConnectionIsClosed() throws {
        let server = try TestServer(configure: { $0.idleTimeoutNanoseconds = 200_000_000 }, handler: echoHandler)
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(try readResponse(socket).status == 200)
        #expect(try socket.readIsAtEOF())
        #expect(waitUntil { server.server.connectionCount == 0 })
    }

    @Test func resetMidRequestLeavesServerServing() throws {
        let server = try TestServer(handler: echoHandler)
        defer { server.stop() }
        for cut in [5, 20, 40, 60] {
            let socket = try server.rawSocket()
            let request = bytes("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + String(repeating: "b", count: 50))
            try socket.write(Array(request[0..<min(cut, request.count)]))
            socket.reset()
        }
        #expect(waitUntil { server.server.connectionCount == 0 })
        #expect(try server.client().request(method: "GET", path: "/alive").status == 200)
    }

    @Test func expectContinueGetsInterimResponse() throws {
        let server = try TestServer(handler: echoHandler)
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"))
        #expect(try socket.readLine() == bytes("HTTP/1.1 100 Continue"))
        #expect(try socket.readLine() == [])
        try socket.write(bytes("hello"))
        let response = try readResponse(socket)
        #expect(response.status == 200)
        #expect(response.body == bytes("hello"))
    }

    @Test func gracefulShutdownFinishesInFlightAndRefusesNew() throws {
        // The in-flight response is held until shutdown has begun and a new connection was refused.
        let release = DispatchSemaphore(value: 0)
        let received = DispatchSemaphore(value: 0)
        let server = try TestServer { request in
            received.signal()
            DispatchQueue.global().async {
                release.wait()
                request.responder.respond(status: 200, body: bytes("late"))
            }
        }
        let socket = try server.rawSocket()
        try socket.write(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(received.wait(timeout: .now() + 5) == .success)
        let address = server.address
        let stopper = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.server.shutdown(gracePeriodNanoseconds: 2_000_000_000)
            stopper.signal()
        }
        #expect(waitUntil { !server.server.isAccepting })
        #expect(throws: WireError.self) {
            let c = HTTPClient(address: address, timeoutNanoseconds: 500_000_000)
            _ = try c.request(method: "GET", path: "/new")
        }
        release.signal()
        let response = try readResponse(socket)
        #expect(response.status == 200)
        #expect(response.body == bytes("late"))
        #expect(response.headers["connection"] == "close")
        stopper.wait()
        server.group.shutdown()
    }

    @Test func shutdownDeadlineCutsEndlessStreams() throws {
        let closed = Atomic<Int>(0)
        let server = try TestServer(configure: { $0.streamsRequestBody = { _ in true } }) { request in
            request.responder.setOnClose { closed.wrappingAdd(1, ordering: .relaxed) }
            request.responder.writeHead(status: 200)
        }
        let socket = try server.rawSocket()
        try socket.write(bytes("POST /v3/watch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"))
        #expect(try socket.readLine() == bytes("HTTP/1.1 200 OK"))
        let start = MonotonicClock.nowNanoseconds()
        server.stop(graceNanoseconds: 200_000_000)
        #expect(MonotonicClock.nowNanoseconds() - start < 3_000_000_000)
        #expect(closed.load(ordering: .relaxed) == 1)
    }
}
