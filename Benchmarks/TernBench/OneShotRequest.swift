import Wire

/// One request on its own connection, waited for on a fresh loop (setup steps: the current
/// revision, compaction). Not for measuring.
final class OneShotRequest: ConnectionDelegate {
    private(set) var status = 0
    private(set) var body: [UInt8] = []
    private(set) var done = false
    private(set) var error = ""

    /// Sends `body` to `path` on `endpoint`; returns (status, body) or nil after `timeoutSeconds`.
    static func post(_ path: StaticString, body: [UInt8], endpoint: Endpoint, timeoutSeconds: Double = 30) -> (Int, [UInt8])? {
        let loop = ClientLoop()
        let delegate = OneShotRequest()
        let c = ClientConnection(index: 0, endpoint: endpoint, loop: loop, delegate: delegate)
        c.open()
        c.send(RequestFactory.request(path, host: endpoint, body: body))
        loop.run(deadline: MonotonicClock.nowNanoseconds() + UInt64(timeoutSeconds * 1e9)) { delegate.done }
        c.close()
        return delegate.done && delegate.error.isEmpty ? (delegate.status, delegate.body) : nil
    }

    /// The store's current revision as seen by `endpoint`, or nil.
    static func currentRevision(_ endpoint: Endpoint) -> Int64? {
        guard let (status, body) = post("/v3/kv/range", body: Array(#"{"key":"AA=="}"#.utf8), endpoint: endpoint), status == 200 else { return nil }
        return ByteSearch.intField(#""revision""#, in: body)
    }

    func connected(_ c: ClientConnection) {}
    func responseHead(_ c: ClientConnection, status: Int) { self.status = status }
    func responseBody(_ c: ClientConnection, _ bytes: UnsafePointer<UInt8>, _ count: Int) {
        body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }
    func responseEnd(_ c: ClientConnection) { done = true }
    func failed(_ c: ClientConnection, reason: String) { error = reason; done = true }
}
