import JSON
import Wire

/// W watchers on one prefix spread over N HTTP streams (`POST /v3/watch`, every create request of
/// a stream in one body). Decodes the chunked stream into newline-delimited JSON messages, counts
/// `"created":true` and events (`"kv":{`), and measures each event's latency from the timestamp
/// embedded in its value (put issued → event delivered) or, when `acknowledgedAt` is given, from
/// the put's response (like etcd's `watch-latency`).
/// - Warning: used only on the client loop's thread.
final class WatchStreams: ConnectionDelegate {
    private(set) var connections: [ClientConnection] = []
    private var pending: [[UInt8]]
    private(set) var created = 0
    private(set) var canceled = 0
    private(set) var events = 0
    private(set) var messages = 0
    private(set) var firstEventAt: UInt64 = 0
    private(set) var lastEventAt: UInt64 = 0
    private(set) var histogram = LatencyHistogram()
    /// Events whose put response had not arrived yet (watch-latency mode; counted as 0 ms).
    private(set) var beforeAcknowledgement = 0
    private(set) var undecodable = 0
    private(set) var firstError = ""
    private(set) var failedStreams = 0
    private let watchers: Int
    /// watch-latency mode: put sequence → response time (0: not yet acknowledged).
    var acknowledgedAt: [UInt64]?
    private var statuses: [Int]
    private let createBody: [UInt8]

    init(options: BenchOptions, loop: ClientLoop, startRevision: Int64) {
        watchers = options.watchers
        let streams = options.watchConnections
        let factory = RequestFactory(prefix: options.prefix, keySize: options.keySize, valueSize: options.valueSize)
        createBody = factory.watchCreateBody(startRevision: startRevision)
        pending = Array(repeating: [], count: streams)
        statuses = Array(repeating: 0, count: streams)
        for i in 0..<streams {
            let e = options.endpoints[i % options.endpoints.count]
            connections.append(ClientConnection(index: i, endpoint: e, loop: loop, delegate: self))
        }
    }

    /// Opens every stream and sends its create requests.
    func open() {
        let streams = connections.count
        for c in connections {
            let mine = watchers / streams + (c.index < watchers % streams ? 1 : 0)
            var body: [UInt8] = []
            body.reserveCapacity(createBody.count * mine)
            for _ in 0..<mine { body.append(contentsOf: createBody) }
            c.open()
            c.send(RequestFactory.request("/v3/watch", host: c.endpoint, body: body))
        }
    }

    /// True once every watcher is created (or a stream failed).
    var allCreated: Bool { created >= watchers || failedStreams > 0 }

    /// Closes every stream.
    func close() { for c in connections { c.close() } }

    // MARK: ConnectionDelegate

    func connected(_ c: ClientConnection) {}

    func responseHead(_ c: ClientConnection, status: Int) {
        statuses[c.index] = status
    }

    func responseBody(_ c: ClientConnection, _ bytes: UnsafePointer<UInt8>, _ count: Int) {
        let now = MonotonicClock.nowNanoseconds()
        if statuses[c.index] != 200 {
            if firstError.isEmpty { firstError = "watch HTTP \(statuses[c.index]): " + String(decoding: UnsafeBufferPointer(start: bytes, count: min(count, 300)), as: UTF8.self) }
            return
        }
        // Fast path: whole messages in this piece and nothing pending.
        if pending[c.index].isEmpty {
            var start = 0
            while let nl = ByteSearch.find("\n", in: bytes, from: start, end: count) {
                process(bytes, from: start, end: nl, now: now)
                start = nl + 1
            }
            if start < count { pending[c.index].append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: count - start)) }
            return
        }
        pending[c.index].append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
        let consumed: Int = pending[c.index].withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return 0 }
            var start = 0
            while let nl = ByteSearch.find("\n", in: base, from: start, end: buf.count) {
                process(base, from: start, end: nl, now: now)
                start = nl + 1
            }
            return start
        }
        if consumed == pending[c.index].count {
            pending[c.index].removeAll(keepingCapacity: true)
        } else if consumed > 0 {
            pending[c.index].removeFirst(consumed)
        }
    }

    /// One JSON message `base[from..<end]`.
    private func process(_ base: UnsafePointer<UInt8>, from: Int, end: Int, now: UInt64) {
        messages += 1
        var i = from
        var sawEvent = false
        while let kv = ByteSearch.find(#""kv":{"#, in: base, from: i, end: end) {
            sawEvent = true
            events += 1
            i = kv + 6
            guard let v = ByteSearch.find(#""value":""#, in: base, from: i, end: end), end - v >= 9 + 48 else {
                undecodable += 1
                continue
            }
            i = v + 9
            var raw = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))  // 40 bytes of scratch
            let decoded = withUnsafeMutableBytes(of: &raw) { scratch -> (UInt64, Int)? in
                let dst = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
                guard Base64.decodeGroups(base + i, groups: 12, into: dst) else { return nil }  // 36 bytes
                let tagged = (dst[20] == UInt8(ascii: "t") && dst[21] == UInt8(ascii: "b") && dst[22] == UInt8(ascii: "c") && dst[23] == UInt8(ascii: "h"))
                    || (dst[20] == UInt8(ascii: "g") && dst[21] == UInt8(ascii: "w") && dst[22] == UInt8(ascii: "l") && dst[23] == UInt8(ascii: "d"))
                guard tagged, let ts = ByteSearch.decimal(in: UnsafePointer(dst), at: 0, end: 20) else { return nil }
                let seq = dst[24] == UInt8(ascii: "x") ? -1 : Int(ByteSearch.decimal(in: UnsafePointer(dst), at: 24, end: 36) ?? -1)
                return (UInt64(ts), seq)
            }
            guard let (stamp, sequence) = decoded else { undecodable += 1; continue }
            if let acks = acknowledgedAt {
                if sequence >= 0 && sequence < acks.count && acks[sequence] > 0 {
                    histogram.record(now > acks[sequence] ? now - acks[sequence] : 0)
                } else {
                    beforeAcknowledgement += 1
                    histogram.record(0)
                }
            } else {
                histogram.record(now > stamp ? now - stamp : 0)
            }
        }
        if sawEvent {
            if firstEventAt == 0 { firstEventAt = now }
            lastEventAt = now
            return
        }
        created += ByteSearch.count(#""created":true"#, in: base, from: from, end: end)
        if ByteSearch.find(#""canceled":true"#, in: base, from: from, end: end) != nil {
            canceled += 1
            if firstError.isEmpty { firstError = "watch canceled: " + String(decoding: UnsafeBufferPointer(start: base + from, count: min(end - from, 300)), as: UTF8.self) }
        }
    }

    func responseEnd(_ c: ClientConnection) {
        if firstError.isEmpty { firstError = "watch stream \(c.index) ended" }
    }

    func failed(_ c: ClientConnection, reason: String) {
        failedStreams += 1
        if firstError.isEmpty { firstError = "watch stream \(c.index): \(reason)" }
    }
}
