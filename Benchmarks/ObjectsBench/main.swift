import Foundation
import JSON
import Objects

// objects-bench: decode and encode throughput of the hand-written codecs for a realistic Pod and
// Node (fixtures from Tests/ObjectsTests/Fixtures/served), against Foundation's JSONDecoder and
// JSONEncoder on a Codable mirror of the same Pod. Run: swift run -c release objects-bench [seconds-per-run [name filter]]

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Tests/ObjectsTests/Fixtures/served").standardized
let podBytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("pod-running.json")))
let nodeBytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("node.json")))
let firstArgument = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
/// `iterations=N` runs each benchmark exactly N times once (for instruction counts under
/// `valgrind --tool=callgrind`, since the VM has no hardware counters); otherwise the argument is
/// the CPU-seconds of each of the 5 runs.
let fixedIterations = firstArgument.hasPrefix("iterations=") ? Int(firstArgument.dropFirst(11)) : nil
let secondsPerRun = Double(firstArgument) ?? 0.5
let runs = fixedIterations == nil ? 5 : 1

/// This thread's CPU time: on a shared, loaded machine it counts only the time the benchmark
/// actually ran, so figures are objects per CPU-second.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` in batches until `secondsPerRun` passes, `runs` times; returns the median ops/s.
let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2].lowercased() : ""

func measure(_ name: String, bytesPerOp: Int, _ body: () -> Int) {
    if !only.isEmpty, !name.lowercased().contains(only) { return }
    var rates: [Double] = []
    var sink = 0
    if let fixedIterations {
        for _ in 0..<fixedIterations { sink &+= body() }
        print("\(name): \(fixedIterations) iterations (checksum \(sink))")
        return
    }
    for _ in 0..<runs {
        var ops = 0
        let start = now()
        var elapsed = 0.0
        repeat {
            for _ in 0..<200 { sink &+= body() }
            ops += 200
            elapsed = now() - start
        } while elapsed < secondsPerRun
        rates.append(Double(ops) / elapsed)
    }
    rates.sort()
    let median = rates[runs / 2]
    let mbps = median * Double(bytesPerOp) / 1e6
    let line = "\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", median)) objects/s  \(String(format: "%7.1f", mbps)) MB/s  (min \(String(format: "%.0f", rates.first!)), max \(String(format: "%.0f", rates.last!)))"
    print(line)
    if sink == 42 { print("") }
}

let pod = try Pod(json: podBytes)
let node = try Node(json: nodeBytes)
let encodedPod = pod.encodeJSON()
print("objects-bench: Pod fixture \(podBytes.count) bytes (re-encoded \(encodedPod.count)), Node \(nodeBytes.count) bytes; \(runs) runs of \(secondsPerRun) CPU-seconds, median per CPU-second")

measure("Pod decode (hand-written)", bytesPerOp: podBytes.count) {
    (try? Pod(json: podBytes))?.spec.containers.count ?? 0
}
measure("Pod encode (hand-written)", bytesPerOp: encodedPod.count) {
    pod.encodeJSON().count
}
measure("Node decode (hand-written)", bytesPerOp: nodeBytes.count) {
    (try? Node(json: nodeBytes))?.status.conditions.count ?? 0
}
measure("Node encode (hand-written)", bytesPerOp: nodeBytes.count) {
    node.encodeJSON().count
}
measure("Pod JSONParser → JSONValue tree", bytesPerOp: podBytes.count) {
    (try? JSONParser.parse(podBytes)) == nil ? 0 : 1
}

// A Pod as kubectl creates it (spec only, no status), compact: the other common size.
let manifests = fixtures.deletingLastPathComponent().appendingPathComponent("manifests")
let specPod = try Pod(json: Array(try Data(contentsOf: manifests.appendingPathComponent("pods-inject-dapi-envars-pod.json"))))
let specPodBytes = specPod.encodeJSON()
measure("Spec-only Pod decode (hand-written)", bytesPerOp: specPodBytes.count) {
    (try? Pod(json: specPodBytes))?.spec.containers.count ?? 0
}
measure("Spec-only Pod encode (hand-written)", bytesPerOp: specPodBytes.count) {
    specPod.encodeJSON().count
}
if let specCodable = try? JSONDecoder().decode(CPod.self, from: Data(specPodBytes)) {
    measure("Spec-only Pod decode (Foundation)", bytesPerOp: specPodBytes.count) {
        (try? JSONDecoder().decode(CPod.self, from: Data(specPodBytes)))?.spec.containers.count ?? 0
    }
    measure("Spec-only Pod encode (Foundation)", bytesPerOp: specPodBytes.count) {
        (try? JSONEncoder().encode(specCodable))?.count ?? 0
    }
}

let podData = Data(podBytes)
let decoder = JSONDecoder()
let encoder = JSONEncoder()
let codablePod = try decoder.decode(CPod.self, from: podData)
measure("Pod decode (Foundation JSONDecoder)", bytesPerOp: podBytes.count) {
    (try? decoder.decode(CPod.self, from: podData))?.spec.containers.count ?? 0
}
measure("Pod encode (Foundation JSONEncoder)", bytesPerOp: podBytes.count) {
    (try? encoder.encode(codablePod))?.count ?? 0
}
