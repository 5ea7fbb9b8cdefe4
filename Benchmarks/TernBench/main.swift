#if canImport(Glibc)
import Glibc
#endif

// tern-bench: load generator for servers speaking the etcd v3 JSON gateway (Tern, etcd).
// One thread, one epoll loop, many keep-alive connections. See `tern-bench --help`.

signal(SIGPIPE, SIG_IGN)
let options: BenchOptions
do {
    options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    print(error.message)
    exit(2)
}
let scenarios = Scenarios(options: options)
let report: RunReport
switch options.scenario {
case "put": report = scenarios.requests(.put)
case "range": report = scenarios.requests(.range(serializable: options.serializable))
case "txn": report = scenarios.requests(.txn)
case "lease": report = scenarios.requests(.lease)
case "watch": report = scenarios.watch(latencyFromResponse: false)
case "watch-latency": report = scenarios.watch(latencyFromResponse: true)
default: report = scenarios.watchCatchup()
}
print(options.json ? report.json : report.line)
