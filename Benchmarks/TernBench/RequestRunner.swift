import Wire

/// The kinds of unary request load.
enum RequestKind {
    /// Puts on keys in rotation over the key space.
    case put
    /// Single-key ranges in rotation over the key space.
    case range(serializable: Bool)
    /// Compare-and-set transactions, one key per connection.
    case txn
    /// grant → keepalive → revoke, per connection, over and over.
    case lease
}

/// Drives unary requests over many connections on a ``ClientLoop``: closed loop (one request in
/// flight per connection) or open loop at a fixed total rate (latency counted from the scheduled
/// time, so queueing behind a slow server is not hidden).
/// - Warning: used only on the client loop's thread.
final class RequestRunner: ConnectionDelegate {
    let kind: RequestKind
    let options: BenchOptions
    private(set) var connections: [ClientConnection] = []
    private var factory: RequestFactory
    private(set) var histogram = LatencyHistogram()
    /// Per-operation histograms for `lease` (grant, keepalive, revoke).
    private(set) var leaseHistograms = [LatencyHistogram(), LatencyHistogram(), LatencyHistogram()]
    private(set) var ok = 0
    private(set) var errors = 0
    private(set) var failures = 0  // txn compare failures
    private(set) var firstError = ""
    private(set) var issued = 0
    private(set) var startedAt: UInt64 = 0
    private(set) var finishedAt: UInt64 = 0
    private var connectedCount = 0
    private var failedCount = 0
    private var inFlight = 0
    private var stopIssuing = false
    private var bodies: [[UInt8]]
    private var statuses: [Int]
    private var sequences: [Int]
    private var liveCount = 0
    private var idle: [Int] = []
    private var nextScheduled: UInt64 = 0
    private var scheduledCount = 0
    /// Called after each put is acknowledged: (sequence, response time ns). For watch-latency.
    var onPutAcknowledged: ((Int, UInt64) -> Void)?
    /// When set, the request count bound (overrides options.requests).
    var requestLimit: Int
    /// Keys are numbered from this offset (distinct key sets per phase).
    var keyOffset = 0
    private let needsBody: Bool

    init(kind: RequestKind, options: BenchOptions, connections count: Int, loop: ClientLoop, prefix: String) {
        self.kind = kind
        self.options = options
        requestLimit = options.requests
        factory = RequestFactory(prefix: prefix, keySize: options.keySize, valueSize: options.valueSize, tag: options.valueTag)
        bodies = Array(repeating: [], count: count)
        statuses = Array(repeating: 0, count: count)
        sequences = Array(repeating: 0, count: count)
        switch kind {
        case .txn, .lease: needsBody = true
        default: needsBody = false
        }
        for i in 0..<count {
            let e = options.endpoints[i % options.endpoints.count]
            connections.append(ClientConnection(index: i, endpoint: e, loop: loop, delegate: self))
        }
    }

    /// Opens every connection.
    func open() { for c in connections { c.open() } }

    /// True once every connection is connected or failed.
    var allConnected: Bool { connectedCount + failedCount == connections.count }

    /// Starts issuing (closed loop: one request per connection; open loop: by `tick()`).
    func start(now: UInt64) {
        startedAt = now
        nextScheduled = now
        for c in connections where c.isConnected {
            if options.rate > 0 { idle.append(c.index) } else { issue(on: c, scheduled: now) }
        }
        if options.rate > 0 { tick(now: now) }
    }

    private var deadline: UInt64 { startedAt + UInt64(options.durationSeconds * 1e9) }

    private func mayIssue(now: UInt64) -> Bool {
        if stopIssuing { return false }
        if requestLimit > 0 && issued >= requestLimit { stopIssuing = true; return false }
        if now >= deadline { stopIssuing = true; return false }
        return true
    }

    /// Open loop: issues what is due; closed loop: checks the time bound. Call often.
    func tick(now: UInt64) {
        guard startedAt > 0 else { return }
        if options.rate > 0 {
            let interval = UInt64(1e9 / options.rate)
            while nextScheduled <= now, mayIssue(now: nextScheduled), let i = idle.popLast() {
                issue(on: connections[i], scheduled: nextScheduled)
                nextScheduled += interval
            }
            _ = mayIssue(now: now)
        } else {
            _ = mayIssue(now: now)
        }
        if stopIssuing && inFlight == 0 && finishedAt == 0 { finishedAt = now }
    }

    /// Open loop: requests that were due before the time bound but never sent because every
    /// connection was busy (the server could not keep up with the rate).
    var unsent: Int {
        guard options.rate > 0, startedAt > 0 else { return 0 }
        let due = Int(min(Double(requestLimit > 0 ? requestLimit : Int.max), options.rate * options.durationSeconds))
        return max(0, due - issued)
    }

    /// Microseconds until the next scheduled request (open loop), for the poll timeout.
    func waitMicroseconds(now: UInt64) -> Int64 {
        guard options.rate > 0, !stopIssuing else { return 20_000 }
        if nextScheduled <= now { return idle.isEmpty ? 20_000 : 0 }
        return Int64(min(20_000, (nextScheduled - now) / 1_000))
    }

    /// True when issuing has stopped and nothing is in flight.
    var isDone: Bool { finishedAt > 0 }

    private func issue(on c: ClientConnection, scheduled: UInt64) {
        let n = issued
        issued += 1
        inFlight += 1
        c.busy = true
        c.sentAt = scheduled
        sequences[c.index] = n
        let keyNumber = keyOffset + (options.keySpace > 0 ? n % options.keySpace : n)
        let path: StaticString
        let body: [UInt8]
        switch kind {
        case .put:
            path = "/v3/kv/put"
            body = factory.putBody(keyNumber: keyNumber, sequence: n)
        case .range(let serializable):
            path = "/v3/kv/range"
            body = factory.rangeBody(keyNumber: keyNumber, serializable: serializable)
        case .txn:
            path = "/v3/kv/txn"
            body = factory.casBody(keyNumber: keyOffset + c.index, modRevision: c.state, sequence: n)
        case .lease:
            switch c.auxiliary % 3 {
            case 0: path = "/v3/lease/grant"; body = Array(#"{"TTL":60}"#.utf8)
            case 1: path = "/v3/lease/keepalive"; body = Array(#"{"ID":"\#(c.state)"}"#.utf8)
            default: path = "/v3/lease/revoke"; body = Array(#"{"ID":"\#(c.state)"}"#.utf8)
            }
        }
        c.send { RequestFactory.appendRequest(path, host: c.endpoint, body: body, to: &$0) }
    }

    // MARK: ConnectionDelegate

    func connected(_ c: ClientConnection) { connectedCount += 1; liveCount += 1 }

    func responseHead(_ c: ClientConnection, status: Int) {
        statuses[c.index] = status
        bodies[c.index].removeAll(keepingCapacity: true)
    }

    func responseBody(_ c: ClientConnection, _ bytes: UnsafePointer<UInt8>, _ count: Int) {
        if needsBody || statuses[c.index] != 200 {
            if bodies[c.index].count < 1 << 20 { bodies[c.index].append(contentsOf: UnsafeBufferPointer(start: bytes, count: count)) }
        }
    }

    func responseEnd(_ c: ClientConnection) {
        let now = MonotonicClock.nowNanoseconds()
        inFlight -= 1
        c.busy = false
        let latency = now >= c.sentAt ? now - c.sentAt : 0
        let status = statuses[c.index]
        var good = status == 200
        let body = bodies[c.index]
        if good {
            switch kind {
            case .txn:
                if ByteSearch.contains(#""succeeded":true"#, in: body) {
                    c.state = ByteSearch.intField(#""revision""#, in: body) ?? 0
                } else {
                    failures += 1
                    c.state = ByteSearch.intField(#""mod_revision""#, in: body) ?? 0
                }
            case .lease:
                let op = Int(c.auxiliary % 3)
                if op == 0 {
                    guard let id = ByteSearch.intField(#""ID""#, in: body) else { good = false; break }
                    c.state = id
                } else if op == 1 && ByteSearch.intField(#""TTL""#, in: body) == nil {
                    good = false
                }
                leaseHistograms[op].record(latency)
                c.auxiliary = good ? c.auxiliary + 1 : 0
            case .put:
                if let callback = onPutAcknowledged { callback(sequences[c.index], now) }
            default: break
            }
        }
        if good {
            ok += 1
            histogram.record(latency)
        } else {
            errors += 1
            // A 200 counted as an error is a lease the server did not know (no ID, or a keep-alive without TTL).
            let what = status == 200 ? "lease unknown, HTTP 200: " : "HTTP \(status): "
            if firstError.isEmpty { firstError = what + String(decoding: body.prefix(300), as: UTF8.self) }
        }
        if options.rate > 0 {
            idle.append(c.index)
            tick(now: now)
        } else if mayIssue(now: now) {
            issue(on: c, scheduled: now)
        }
        if stopIssuing && inFlight == 0 && finishedAt == 0 { finishedAt = now }
    }

    func failed(_ c: ClientConnection, reason: String) {
        if c.busy { inFlight -= 1; errors += 1; c.busy = false }
        if firstError.isEmpty { firstError = reason }
        if c.wasConnected { liveCount -= 1 } else { failedCount += 1; errors += 1 }
        if liveCount == 0 && startedAt > 0 { stopIssuing = true }
        if stopIssuing && inFlight == 0 && finishedAt == 0 { finishedAt = MonotonicClock.nowNanoseconds() }
    }
}
