import Synchronization

/// Counters of the Kubernetes API for `/metrics` (Prometheus text format): requests by verb,
/// resource and status code, and the watch streams open now.
final class APIMetrics: Sendable {
    private struct Key: Hashable {
        var verb: String
        var resource: String
        var code: Int
    }

    private let requests = Mutex<[Key: Int]>([:])
    private let openWatches = Atomic<Int>(0)

    func count(verb: String, resource: String, code: Int) {
        requests.withLock { $0[Key(verb: verb, resource: resource, code: code), default: 0] += 1 }
    }

    func watchOpened() { openWatches.add(1, ordering: .relaxed) }
    func watchClosed() { openWatches.subtract(1, ordering: .relaxed) }

    /// The page, series sorted so that scrapes compare line by line.
    func render() -> String {
        let snapshot = requests.withLock { $0 }
        var out = "# HELP apiserver_request_total Kubernetes API requests by verb, resource and HTTP code.\n"
        out += "# TYPE apiserver_request_total counter\n"
        for (key, value) in snapshot.sorted(by: { ($0.key.verb, $0.key.resource, $0.key.code) < ($1.key.verb, $1.key.resource, $1.key.code) }) {
            out += "apiserver_request_total{verb=\"\(key.verb)\",resource=\"\(key.resource)\",code=\"\(key.code)\"} \(value)\n"
        }
        out += "# HELP apiserver_watch_streams Watch streams open now.\n# TYPE apiserver_watch_streams gauge\n"
        out += "apiserver_watch_streams \(openWatches.load(ordering: .relaxed))\n"
        return out
    }
}
