/// The command line of `tern-bench`.
struct BenchOptions {
    /// A command-line problem, with the message to print.
    struct UsageError: Error { let message: String }

    var scenario = ""
    var endpoints: [Endpoint] = []
    var connections = 1
    var requests = 0
    var durationSeconds = 10.0
    var keySize = 16
    var valueSize = 256
    var keySpace = 100_000
    var rate = 0.0
    var serializable = false
    var watchers = 1
    var watchConnections = 0
    var prefix = "bench/"
    var catchupKeys = 10_000
    var drainSeconds = 10.0
    var pids: [Int32] = []
    var json = false
    var label = ""
    /// The 4-byte tag stamped after each put value's timestamp (`gwld` lets the C gwload's watch
    /// mode, an independent consumer, measure this client's puts).
    var valueTag: [UInt8] = Array("tbch".utf8)

    static let usage = """
    usage: tern-bench SCENARIO --endpoints URL[,URL...] [options]
      scenarios: put | range | txn | lease | watch | watch-latency | watch-catchup
      --conns N           connections for requests (closed loop: one request in flight each) [1]
      --requests N        stop after N requests (0: only the time bound)                    [0]
      --duration S        time bound in seconds                                             [10]
      --rate R            open loop: R requests/s in total (latency from the scheduled time) [0]
      --key-size N        key length in bytes (prefix + zero-padded number, >= prefix+10)   [16]
      --value-size N      value length in bytes (>= 36; starts with a timestamp)             [256]
      --key-space N       distinct keys, used in rotation                                    [100000]
      --serializable      range: serializable reads (default linearizable)
      --watchers W        watch*: watchers on the prefix                                     [1]
      --watch-conns N     watch*: HTTP streams carrying the watchers                         [min(W,1000)]
      --prefix P          key prefix                                                         [bench/]
      --catchup-keys K    watch-catchup: keys written before the watchers start              [10000]
      --drain S           watch*: seconds to wait for outstanding events after the writers   [10]
      --pids P[,P...]     server processes whose CPU time is reported
      --json              one JSON object per run instead of the text line
      --label L           a label copied into the output
      --value-tag T       4 ASCII bytes after each value's timestamp (gwld: gwload can decode) [tbch]
    """

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(UsageError) -> BenchOptions {
        var o = BenchOptions()
        var i = 0
        func value(_ name: String) throws(UsageError) -> String {
            i += 1
            guard i < arguments.count else { throw UsageError(message: "\(name) needs a value") }
            return arguments[i]
        }
        func int(_ name: String) throws(UsageError) -> Int {
            let v = try value(name)
            guard let n = Int(v), n >= 0 else { throw UsageError(message: "\(name): not a count: \(v)") }
            return n
        }
        func double(_ name: String) throws(UsageError) -> Double {
            let v = try value(name)
            guard let n = Double(v), n >= 0 else { throw UsageError(message: "\(name): not a number: \(v)") }
            return n
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--endpoints", "-e":
                for text in try value(a).split(separator: ",") {
                    guard let e = Endpoint(String(text)) else { throw UsageError(message: "bad endpoint \(text)") }
                    o.endpoints.append(e)
                }
            case "--conns", "-c": o.connections = max(1, try int(a))
            case "--requests", "-n": o.requests = try int(a)
            case "--duration", "-d": o.durationSeconds = try double(a)
            case "--rate": o.rate = try double(a)
            case "--key-size": o.keySize = try int(a)
            case "--value-size": o.valueSize = try int(a)
            case "--key-space", "-k": o.keySpace = max(1, try int(a))
            case "--serializable", "-s": o.serializable = true
            case "--watchers", "-w": o.watchers = max(1, try int(a))
            case "--watch-conns": o.watchConnections = try int(a)
            case "--prefix", "-p": o.prefix = try value(a)
            case "--catchup-keys": o.catchupKeys = max(1, try int(a))
            case "--drain": o.drainSeconds = try double(a)
            case "--pids":
                for p in try value(a).split(whereSeparator: { $0 == "," || $0 == " " }) {
                    guard let pid = Int32(p) else { throw UsageError(message: "bad pid \(p)") }
                    o.pids.append(pid)
                }
            case "--json": o.json = true
            case "--label": o.label = try value(a)
            case "--value-tag":
                let tag = Array(try value(a).utf8)
                guard tag.count == 4 else { throw UsageError(message: "--value-tag needs 4 ASCII bytes") }
                o.valueTag = tag
            case "--help", "-h": throw UsageError(message: usage)
            default:
                if a.hasPrefix("-") || !o.scenario.isEmpty { throw UsageError(message: "unknown argument \(a)\n\(usage)") }
                o.scenario = a
            }
            i += 1
        }
        let scenarios = ["put", "range", "txn", "lease", "watch", "watch-latency", "watch-catchup"]
        guard scenarios.contains(o.scenario) else { throw UsageError(message: usage) }
        guard !o.endpoints.isEmpty else { throw UsageError(message: "--endpoints is required\n\(usage)") }
        guard o.valueSize >= 36 else { throw UsageError(message: "--value-size must be >= 36") }
        if o.watchConnections == 0 { o.watchConnections = min(o.watchers, 1000) }
        o.watchConnections = min(o.watchConnections, o.watchers)
        if o.scenario == "watch-latency" && o.rate == 0 { o.rate = 1000 }
        return o
    }
}
