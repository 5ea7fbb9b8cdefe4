// wire-bench: load targets and throughput figures for the Wire module. Release build:
//   swift run -c release wire-bench serve --port 8080 --threads 2 [--single-acceptor]   (load with wrk)
//   swift run -c release wire-bench peer --seconds 5 --size 256 [--frame-bytes 4096]   (two processes)
//   swift run -c release wire-bench parse                               (HTTP parser alone)
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Wire

func option(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return value
}

func fail(_ text: String) -> Never {
    print("wire-bench: \(text)")
    exit(2)
}

/// Formats with a fixed number of decimals (no Foundation).
func fmt(_ value: Double, _ decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if decimals == 0 { return String(Int(rounded)) }
    return String(rounded)
}

func seconds(_ ns: UInt64) -> Double { Double(ns) / 1e9 }

let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "help"
switch mode {
case "serve": serve()
case "peer": peerPair()
case "peer-recv": peerReceive()
case "peer-send": peerSend()
case "parse": parseBench()
default:
    print("usage: wire-bench serve --port P --threads N | peer --seconds S --size B [--frame-bytes F] | peer-recv --port P | peer-send --port P --seconds S --size B | parse")
}

/// A trivial handler: a fixed 13-byte body, like nginx's `return 200 "hello, world\n"`.
func serve() {
    let port = option("port", default: 8080)
    let threads = option("threads", default: 2)
    let body = Array("hello, world\n".utf8)
    do {
        let group = try EventLoopGroup(threadCount: threads, name: "bench")
        var config = HTTPServerConfiguration(address: SocketAddress(host: "127.0.0.1", port: UInt16(port)))
        if CommandLine.arguments.contains("--single-acceptor") { config.acceptStrategy = .singleAcceptor }
        let server = HTTPServer(configuration: config, group: group) { request in
            request.responder.respond(status: 200, headers: ["content-type": "text/plain"], body: body)
        }
        try server.start()
        print("wire-bench serve: listening on 127.0.0.1:\(server.port) with \(threads) event-loop threads, \(config.acceptStrategy)")
        fflush(nil)
        while true { sleep(3600) }
    } catch {
        fail("\(error)")
    }
}

/// Receives messages from node 1 and prints frames/s, messages/s and MB/s once traffic stops.
func peerReceive() {
    let port = option("port", default: 7001)
    let maxSeconds = option("seconds", default: 10) + 5
    let frames = Atomic<Int>(0)
    let messages = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    let first = Atomic<UInt64>(0)
    let last = Atomic<UInt64>(0)
    do {
        let group = try EventLoopGroup(threadCount: 1, name: "recv")
        let config = PeerTransportConfiguration(nodeID: 2, listenAddress: SocketAddress(host: "127.0.0.1", port: UInt16(port)), peers: [:])
        let transport = PeerTransport(configuration: config, group: group) { _, batch in
            let now = MonotonicClock.nowNanoseconds()
            _ = first.compareExchange(expected: 0, desired: now, ordering: .relaxed)
            last.store(now, ordering: .relaxed)
            frames.wrappingAdd(1, ordering: .relaxed)
            messages.wrappingAdd(batch.count, ordering: .relaxed)
            var total = 0
            for m in batch { total += m.count }
            bytes.wrappingAdd(total, ordering: .relaxed)
        }
        try transport.start()
        print("peer-recv: listening on \(transport.listenPort)")
        fflush(nil)
        let start = MonotonicClock.nowNanoseconds()
        while true {
            usleep(100_000)
            let now = MonotonicClock.nowNanoseconds()
            let l = last.load(ordering: .relaxed)
            if l != 0 && now > l && now - l > 1_000_000_000 { break }
            if now - start > UInt64(maxSeconds) * 1_000_000_000 { break }
        }
        let span = seconds(last.load(ordering: .relaxed) - first.load(ordering: .relaxed))
        let f = frames.load(ordering: .relaxed), m = messages.load(ordering: .relaxed), b = bytes.load(ordering: .relaxed)
        let mb = Double(b) / 1e6
        print("peer-recv: \(m) messages in \(f) frames, \(fmt(mb)) MB over \(fmt(span, 2)) s: "
              + "\(fmt(Double(m) / span, 0)) messages/s, \(fmt(Double(f) / span, 0)) frames/s, \(fmt(mb / span)) MB/s (payload)")
    } catch {
        fail("\(error)")
    }
}

/// Sends `size`-byte messages to node 2 as fast as its queue accepts for `seconds`.
func peerSend() {
    peerSend(port: option("port", default: 7001), seconds: option("seconds", default: 5), size: option("size", default: 256),
             frameBytes: option("frame-bytes", default: 1 << 20))
}

func peerSend(port: Int, seconds: Int, size: Int, frameBytes: Int) {
    let duration = UInt64(seconds) * 1_000_000_000
    do {
        let group = try EventLoopGroup(threadCount: 1, name: "send")
        var config = PeerTransportConfiguration(nodeID: 1, listenAddress: SocketAddress(host: "127.0.0.1", port: 0),
                                                peers: [2: SocketAddress(host: "127.0.0.1", port: UInt16(port))])
        config.maxQueuedMessages = 65536
        config.maxFramePayloadBytes = frameBytes
        let transport = PeerTransport(configuration: config, group: group) { _, _ in }
        try transport.start()
        let connectDeadline = MonotonicClock.nowNanoseconds() + 5_000_000_000
        while transport.stats(for: 2)?.connected != true {
            if MonotonicClock.nowNanoseconds() > connectDeadline { fail("peer-send: no receiver on port \(port)") }
            usleep(1000)
        }
        let message = [UInt8](repeating: 0x5A, count: size)
        let batch = [[UInt8]](repeating: message, count: 64)
        let start = MonotonicClock.nowNanoseconds()
        var offered = 0
        var accepted = 0
        while MonotonicClock.nowNanoseconds() - start < duration {
            let n = transport.send(to: 2, messages: batch)
            offered += batch.count
            accepted += n
            if n < batch.count { usleep(50) }   // queue full: let the loop drain
        }
        while (transport.stats(for: 2)?.queuedMessages ?? 0) > 0 { usleep(1000) }
        let stats = transport.stats(for: 2)!
        print("peer-send: accepted \(accepted) of \(offered) offered messages of \(size) bytes; sent \(stats.sentMessages), refused when full \(stats.droppedMessages)")
        transport.shutdown(gracePeriodNanoseconds: 2_000_000_000)
        group.shutdown()
    } catch {
        fail("\(error)")
    }
}

/// Runs peer-recv as a child process and peer-send here.
func peerPair() {
    let port = option("port", default: 17001)
    let secs = option("seconds", default: 5)
    let size = option("size", default: 256)
    let exe = "/proc/self/exe"
    var pid: pid_t = 0
    let args = ["wire-bench", "peer-recv", "--port", "\(port)", "--seconds", "\(secs)"]
    var cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    let rc = posix_spawn(&pid, exe, nil, nil, &cArgs, environ)
    guard rc == 0 else { fail("posix_spawn: \(rc)") }
    usleep(300_000)
    peerSend(port: port, seconds: secs, size: size, frameBytes: option("frame-bytes", default: 1 << 20))
    var status: Int32 = 0
    waitpid(pid, &status, 0)
}

/// Parser alone: pipelined small requests from one buffer.
func parseBench() {
    let one = Array("GET /v3/kv/range HTTP/1.1\r\nHost: 127.0.0.1:2379\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n".utf8)
    var buffer: [UInt8] = []
    for _ in 0..<1000 { buffer += one }
    var parser = HTTPRequestParser()
    var requests = 0
    let start = MonotonicClock.nowNanoseconds()
    for _ in 0..<500 {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let step = try? parser.next(UnsafeRawBufferPointer(rebasing: raw[offset...])) else { return }
                offset += step.consumed
                if step.event == .end { requests += 1 }
                if step.event == nil && step.consumed == 0 { break }
            }
        }
    }
    let span = seconds(MonotonicClock.nowNanoseconds() - start)
    let rate = Double(requests) / span
    let mbps = Double(requests * one.count) / 1e6 / span
    print("parse: \(requests) requests in \(fmt(span, 2)) s: \(fmt(rate, 0)) requests/s, \(fmt(mbps, 0)) MB/s")
}
