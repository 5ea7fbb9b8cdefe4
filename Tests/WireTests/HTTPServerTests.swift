import Dispatch
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Wire

@Suite(.serialized, .timeLimit(.minutes(2)))
struct HTTPServerTests {
    @Test func keepAliveReusesOneConnection() throws {
        let server = try TestServer(handler: echoHandler)
        defer { server.stop() }
        let client = server.client()
        for i in 0..<50 {
            let response = try client.request(method: "POST", path: "/r/\(i)", body: bytes("body \(i)"))
            #expect(response.status == 200)
            #expect(response.body == bytes("body \(i)"))
            #expect(response.headers["x-path"] == "/r/\(i)")
        }
        #expect(server.server.connectionCount == 1)
    }

    @Test func clientRecoversWhenTheServerClosedAnIdleConnection() throws {
        let server = try TestServer(configure: { $0.idleTimeoutNanoseconds = 100_000_000 }, handler: echoHandler)
        defer { server.stop() }
        let client = server.client()
        #expect(try client.request(method: "GET", path: "/1").status == 200)
        #expect(waitUntil { server.server.connectionCount == 0 })
        #expect(try client.request(method: "GET", path: "/2").headers["x-path"] == "/2")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        // The handler answers later from another thread, in reverse arrival order if it could.
        let server = try TestServer { request in
            let delay = request.head.target == "/slow" ? 50 : 0
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) {
                request.responder.respond(status: 200, body: bytes(request.head.target))
            }
        }
        defer { server.stop() }
        let socket = try server.rawSocket()
        var all: [UInt8] = []
        for path in ["/slow", "/a", "/b", "/slow", "/c"] {
            all += bytes("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        try socket.write(all)
        for path in ["/slow", "/a", "/b", "/slow", "/c"] {
            let response = try readResponse(socket)
            #expect(response.status == 200)
            #expect(response.body == bytes(path))
        }
    }

    @Test func chunkedRequestAndChunkedStreamedResponse() throws {
        let server = try TestServer { request in
            let responder = request.responder
            let body = request.body
            DispatchQueue.global().async {
                responder.writeHead(status: 200, headers: ["content-type": "application/json"])
                for i in 0..<10 { responder.writeBody(bytes("{\"n\":\(i),\"len\":\(body.count)}\n")) }
                responder.end()
            }
        }
        defer { server.stop() }
        let client = server.client()
        try client.startStreamingRequest(method: "POST", path: "/stream")
        try client.sendBodyChunk(bytes("abc"))
        try client.sendBodyChunk(bytes("defg"))
        try client.finishBody()
        let head = try client.readResponseHead()
        #expect(head.status == 200)
        #expect(head.headers["transfer-encoding"] == "chunked")
        var lines: [String] = []
        while let line = try client.readBodyLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == (0..<10).map { "{\"n\":\($0),\"len\":7}" })
        // The connection is reusable afterwards.
        let again = try client.request(method: "GET", path: "/x")
        #expect(again.status == 200)
        #expect(server.server.connectionCount == 1)
    }

    @Test func watchStyleBidirectionalStream() throws {
        // Each request-body line is answered with a response line from another thread, while the
        // request body stays open: the etcd watch shape.
        let server = try TestServer(configure: { $0.streamsRequestBody = { $0.path == "/v3/watch" } }) { request in
            guard let stream = request.bodyStream else {
                request.responder.respond(status: 404)
                return
            }
            let responder = request.responder
            responder.writeHead(status: 200)
            stream.setConsumer { event in
                switch event {
                case .bytes(let chunk):
                    DispatchQueue.global().async { responder.writeBody(bytes("ack:") + chunk + bytes("\n")) }
                case .end:
                    DispatchQueue.global().async { responder.end() }
                case .aborted:
                    break
                }
            }
        }
        defer { server.stop() }
        let client = server.client()
        try client.startStreamingRequest(method: "POST", path: "/v3/watch")
        let head = try client.readResponseHead()
        #expect(head.status == 200)
        for i in 0..<20 {
            try client.sendBodyChunk(bytes("w\(i)"))
            let line = try #require(try client.readBodyLine())
            #expect(line == bytes("ack:w\(i)"))
        }
        try client.finishBody()
        #expect(try client.readBodyLine() == nil)
    }

    @Test func backPressureReportsFullAndWritable() throws {
        let results = Collector<HTTPWriteResult>()
        let writable = Atomic<Int>(0)
        let server = try TestServer(configure: {
            $0.outputHighWaterBytes = 256 << 10
            $0.outputLowWaterBytes = 64 << 10
        }) { request in
            let responder = request.responder
            responder.setOnWritable { writable.wrappingAdd(1, ordering: .relaxed) }
            DispatchQueue.global().async {
                responder.writeHead(status: 200)
                let block = [UInt8](repeating: 120, count: 64 << 10)
                // The client does not read yet: keep writing until the server says stop.
                for _ in 0..<1000 {
                    let result = responder.writeBody(block)
                    results.append(result)
                    if result == .full { break }
                }
            }
        }
        defer { server.stop() }
        let client = server.client()
        try client.startStreamingRequest(method: "GET", path: "/big")
        try client.finishBody()
        #expect(waitUntil { results.all.last == .full })
        let written = results.count
        #expect(written < 1000, "writes never reported full")
        // Now drain: the writability callback must fire.
        let head = try client.readResponseHead()
        #expect(head.status == 200)
        var received = 0
        while received < written * (64 << 10) - (512 << 10), let piece = try client.readBodyPiece() { received += piece.count }
        #expect(waitUntil { writable.load(ordering: .relaxed) >= 1 })
    }

    @Test func closeIsReportedToALongLivedResponse() throws {
        let closed = Atomic<Int>(0)
        let aborted = Atomic<Int>(0)
        let server = try TestServer(configure: { $0.streamsRequestBody = { _ in true } }) { request in
            request.responder.setOnClose { closed.wrappingAdd(1, ordering: .relaxed) }
            request.bodyStream?.setConsumer { event in
                if event == .aborted { aborted.wrappingAdd(1, ordering: .relaxed) }
            }
            request.responder.writeHead(status: 200)
        }
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("POST /v3/watch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"))
        #expect(try socket.readLine() == bytes("HTTP/1.1 200 OK"))
        socket.reset()
        #expect(waitUntil { closed.load(ordering: .relaxed) == 1 && aborted.load(ordering: .relaxed) == 1 })
        #expect(waitUntil { server.server.connectionCount == 0 })
    }

    @Test func responderWritesAfterCloseReportClosed() throws {
        let responders = Collector<HTTPResponder>()
        let server = try TestServer { request in responders.append(request.responder) }
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(waitUntil { responders.count == 1 })
        socket.reset()
        let responder = try #require(responders.all.first)
        #expect(waitUntil { responder.isClosed })
        #expect(responder.writeBody(bytes("late")) == .closed)
    }

    @Test(arguments: [HTTPAcceptStrategy.reusePort, .singleAcceptor])
    func manyConcurrentConnections(strategy: HTTPAcceptStrategy) throws {
        // Client and server ends live in this process: make room for 2,000+ descriptors.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 4096)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let count = limit.rlim_cur >= 2200 ? 1000 : Int(limit.rlim_cur / 2) - 100
        let server = try TestServer(configure: { $0.acceptStrategy = strategy }, handler: echoHandler)
        defer { server.stop() }
        var sockets: [BlockingSocket] = []
        // Generous read timeouts: a thousand responses on a busy two-core machine can take a while.
        for _ in 0..<count { sockets.append(try server.rawSocket(timeoutNanoseconds: 30_000_000_000)) }
        for (i, socket) in sockets.enumerated() {
            try socket.write(bytes("POST /\(i) HTTP/1.1\r\nHost: x\r\nContent-Length: \(String(i).count)\r\n\r\n\(i)"))
        }
        var ok = 0
        for (i, socket) in sockets.enumerated() {
            let response = try readResponse(socket)
            if response.status == 200 && response.body == bytes(String(i)) { ok += 1 }
        }
        #expect(ok == count)
        #expect(waitUntil { server.server.connectionCount == count })
        for socket in sockets { socket.close() }
        #expect(waitUntil { server.server.connectionCount == 0 })
    }

    @Test func responderIsSafeFromManyThreadsAtOnce() throws {
        // Four threads write 200 lines each to one chunked response; every line arrives intact and
        // each thread's lines keep their order.
        let server = try TestServer { request in
            let responder = request.responder
            responder.writeHead(status: 200)
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: 4) { worker in
                    for i in 0..<200 { responder.writeBody(bytes("\(worker):\(i)\n")) }
                }
                responder.end()
            }
        }
        defer { server.stop() }
        let client = server.client()
        try client.startStreamingRequest(method: "GET", path: "/fanin")
        try client.finishBody()
        #expect(try client.readResponseHead().status == 200)
        var perWorker: [[Int]] = Array(repeating: [], count: 4)
        while let line = try client.readBodyLine() {
            let parts = String(decoding: line, as: UTF8.self).split(separator: ":")
            guard parts.count == 2, let w = Int(parts[0]), let i = Int(parts[1]), (0..<4).contains(w) else {
                Issue.record("garbled line \(line)")
                continue
            }
            perWorker[w].append(i)
        }
        for worker in 0..<4 { #expect(perWorker[worker] == Array(0..<200), "worker \(worker)") }
    }

    @Test func http10ClientGetsACloseDelimitedStream() throws {
        let server = try TestServer { request in
            request.responder.writeHead(status: 200)
            request.responder.writeBody(bytes("part1 "))
            request.responder.writeBody(bytes("part2"))
            request.responder.end()
        }
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("GET / HTTP/1.0\r\n\r\n"))
        var received: [UInt8] = []
        while case let piece = try socket.readSome(), !piece.isEmpty { received += piece }
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(!text.lowercased().contains("transfer-encoding"))
        #expect(text.hasSuffix("\r\n\r\npart1 part2"))
    }

    @Test func headResponseHasNoBody() throws {
        let server = try TestServer { request in
            request.responder.respond(status: 200, headers: ["x-path": request.head.target], body: bytes("hello"))
        }
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\nGET /y HTTP/1.1\r\nHost: x\r\n\r\n"))
        // The HEAD response advertises a length but sends no body; the next response follows at once.
        #expect(try socket.readLine() == bytes("HTTP/1.1 200 OK"))
        var sawLength = false
        while let line = try socket.readLine(), !line.isEmpty {
            if line == bytes("content-length: 5") { sawLength = true }
        }
        #expect(sawLength)
        let next = try readResponse(socket)
        #expect(next.headers["x-path"] == "/y")
        #expect(next.body == bytes("hello"))
    }

    @Test func streamingRequestWithContentLengthArrivesIncrementally() throws {
        let events = Collector<HTTPBodyEvent>()
        let server = try TestServer(configure: { $0.streamsRequestBody = { _ in true } }) { request in
            let responder = request.responder
            request.bodyStream?.setConsumer { event in
                events.append(event)
                if event == .end { responder.respond(status: 200, body: bytes("done")) }
            }
        }
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("POST /v3/lease/keepalive HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"))
        #expect(waitUntil { events.all == [.bytes(bytes("abc"))] })
        try socket.write(bytes("def"))
        let response = try readResponse(socket)
        #expect(response.body == bytes("done"))
        #expect(events.all == [.bytes(bytes("abc")), .bytes(bytes("def")), .end])
    }

    @Test func chunkedBodyOverTheLimitGets413() throws {
        let calls = Collector<Int>()
        let server = try TestServer(configure: { $0.maxBodyBytes = 1000 }) { request in
            calls.append(request.body.count)
            echoHandler(request)
        }
        defer { server.stop() }
        let client = server.client()
        try client.startStreamingRequest(method: "POST", path: "/big")
        for _ in 0..<3 { try client.sendBodyChunk([UInt8](repeating: 65, count: 400)) }
        try client.finishBody()
        #expect(try client.readResponseHead().status == 413)
        #expect(calls.all.isEmpty)
    }

    @Test func declaredLengthIsEnforcedAndBodilessResponsesStayBodiless() throws {
        let server = try TestServer { request in
            let responder = request.responder
            switch request.head.path {
            case "/long":   // declares 5, writes 11: only 5 go out
                responder.writeHead(status: 200, headers: ["content-length": "5"])
                responder.writeBody(bytes("hello world"))
                responder.end()
            case "/short":  // declares 10, writes 2: the connection must close
                responder.writeHead(status: 200, headers: ["content-length": "10"])
                responder.writeBody(bytes("hi"))
                responder.end()
            default:        // HEAD and 204 ignore body writes
                responder.writeHead(status: request.head.method == "HEAD" ? 200 : 204)
                responder.writeBody(bytes("ignored"))
                responder.end()
            }
        }
        defer { server.stop() }
        let socket = try server.rawSocket()
        try socket.write(bytes("GET /long HTTP/1.1\r\nHost: x\r\n\r\nHEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"
                               + "DELETE /n HTTP/1.1\r\nHost: x\r\n\r\nGET /long HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(try readResponse(socket).body == bytes("hello"))
        #expect(try socket.readLine() == bytes("HTTP/1.1 200 OK"))       // HEAD: fields only
        while let line = try socket.readLine(), !line.isEmpty {}
        let noContent = try readResponse(socket)
        #expect(noContent.status == 204)
        #expect(noContent.body.isEmpty)
        #expect(try readResponse(socket).body == bytes("hello"))    // the stream is still in sync
        let short = try server.rawSocket()
        try short.write(bytes("GET /short HTTP/1.1\r\nHost: x\r\n\r\n"))
        var received: [UInt8] = []
        while case let piece = try short.readSome(), !piece.isEmpty { received += piece }
        #expect(String(decoding: received, as: UTF8.self).hasSuffix("\r\n\r\nhi"))
    }

    @Test func replicaShapedHandOffUnderConcurrency() throws {
        // The handler only enqueues; one "Raft" thread answers everything, as the replica will.
        let inbox = Mutex<[HTTPServerRequest]>([])
        let stop = Atomic<Bool>(false)
        let raft = DispatchQueue(label: "raft")
        let raftDone = DispatchSemaphore(value: 0)
        raft.async {
            while !stop.load(ordering: .relaxed) {
                let batch = inbox.withLock { queue -> [HTTPServerRequest] in
                    let taken = queue
                    queue.removeAll()
                    return taken
                }
                if batch.isEmpty { usleepMilliseconds(1); continue }
                for request in batch {
                    request.responder.respond(status: 200, body: bytes("applied:") + request.body)
                }
            }
            raftDone.signal()
        }
        let server = try TestServer { request in inbox.withLock { $0.append(request) } }
        defer {
            stop.store(true, ordering: .relaxed)
            raftDone.wait()
            server.stop()
        }
        let failures = Atomic<Int>(0)
        let address = server.address
        DispatchQueue.concurrentPerform(iterations: 16) { clientIndex in
            let client = HTTPClient(address: address)
            for i in 0..<50 {
                let body = bytes("c\(clientIndex)-\(i)")
                let ok = (try? client.request(method: "POST", path: "/v3/kv/put", body: body))
                    .map { $0.status == 200 && $0.body == bytes("applied:") + body } ?? false
                if !ok { failures.wrappingAdd(1, ordering: .relaxed) }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(server.server.stats.requests == 16 * 50)
    }
}
