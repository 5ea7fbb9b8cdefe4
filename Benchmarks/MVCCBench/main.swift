// mvcc-bench: throughput of the MVCC keyspace in process (release build).
//   swift run -c release mvcc-bench [keys] [nodeSize]
// Prints puts/s, point reads/s, bytes of resident memory per key, snapshot encode/decode time, and
// watch fan-out (watcher-events delivered per second) with 1, 100 and 10,000 watchers on one prefix.
import Glibc
import MVCC

/// CPU time of this thread: the machine is shared with other builds, so wall time would mostly
/// measure the scheduler; single-threaded work is timed by the CPU it actually used.
func nowSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Resident memory in bytes, from /proc/self/statm (second field, in pages).
func residentBytes() -> Int {
    let descriptor = open("/proc/self/statm", O_RDONLY)
    if descriptor < 0 { return 0 }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 255) }
    if count <= 0 { return 0 }
    let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// `value` with `decimals` digits after the point (no Foundation).
func fmt(_ value: Double, _ decimals: Int = 0) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if decimals == 0 { return String(Int(rounded)) }
    let whole = Int(rounded.rounded(.towardZero))
    var fraction = String(Int(((abs(rounded) - Double(abs(whole))) * scale).rounded()))
    while fraction.count < decimals { fraction = "0" + fraction }
    return "\(whole).\(fraction)"
}

struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A 16-byte key "k/" + 14 decimal digits of `index`.
func makeKey(_ index: Int) -> [UInt8] {
    var key: [UInt8] = [UInt8(ascii: "k"), UInt8(ascii: "/")]
    var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 14)
    var value = index
    var position = 13
    while value > 0 && position >= 0 {
        digits[position] = UInt8(ascii: "0") + UInt8(value % 10)
        value /= 10
        position -= 1
    }
    key.append(contentsOf: digits)
    return key
}

let arguments = CommandLine.arguments
let keyCount = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let nodeSize = arguments.count > 2 ? Int(arguments[2]) ?? 64 : 64
let valueSize = 32
/// A third argument `kv` skips the watch fan-out section, `watch` skips the key/value sections, `mem`
/// measures only the resident cost with arrays owned by the keyspace.
let section = arguments.count > 3 ? arguments[3] : "all"
print("mvcc-bench: \(keyCount) keys of 16 bytes, values of \(valueSize) bytes, B-tree node size \(nodeSize)")

if section == "mem" {
    // Total resident cost: key and value arrays created per put and owned by the keyspace alone, so
    // their headers and allocator rounding count too.
    let before = residentBytes()
    let owned = Keyspace(maxKeysPerNode: nodeSize)
    for index in 0..<keyCount {
        _ = try owned.put(PutRequest(key: makeKey(index &* 7919 % keyCount), value: [UInt8](repeating: 1, count: valueSize)))
    }
    let total = Double(residentBytes() - before) / Double(keyCount)
    print("resident memory with keyspace-owned arrays: \(fmt(total)) bytes/key in all, \(fmt(total - Double(16 + valueSize))) beyond the key and value bytes")
    exit(0)
}

// Keys in a random order, built before measuring.
var generator = Generator(state: 42)
var order = Array(0..<keyCount)
for index in stride(from: order.count - 1, to: 0, by: -1) {
    let other = Int(generator.next() % UInt64(index + 1))
    order.swapAt(index, other)
}
let keys = order.map(makeKey)
let values = (0..<keyCount).map { index in [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: valueSize) }
let requests = (0..<keyCount).map { PutRequest(key: keys[$0], value: values[$0]) }

var start = 0.0
var elapsed = 0.0
if section != "watch" {
let residentBefore = residentBytes()
let keyspace = Keyspace(maxKeysPerNode: nodeSize)
start = nowSeconds()
for request in requests { _ = try keyspace.put(request) }
elapsed = nowSeconds() - start
print("put (new keys, random order): \(fmt(Double(keyCount) / elapsed, 0)) puts/s (\(fmt(elapsed, 2)) s)")
let residentAfter = residentBytes()
// Key and value bytes themselves are already resident (held by `requests`) and shared by the keyspace
// (arrays are reference-counted), so the growth is the keyspace's own overhead.
let overhead = Double(residentAfter - residentBefore) / Double(keyCount)
let growthMiB = Double(residentAfter - residentBefore) / 1_048_576
print("resident memory growth: \(fmt(overhead)) bytes/key beyond the key and value bytes (\(fmt(growthMiB, 1)) MiB)")

start = nowSeconds()
for request in requests { _ = try keyspace.put(request) }
elapsed = nowSeconds() - start
print("put (overwrite, random order): \(fmt(Double(keyCount) / elapsed, 0)) puts/s (\(fmt(elapsed, 2)) s)")

let frozen = keyspace.frozen()
var found = 0
start = nowSeconds()
for key in keys where frozen.get(key) != nil { found += 1 }
elapsed = nowSeconds() - start
print("point read get(): \(fmt(Double(keyCount) / elapsed, 0)) reads/s (\(fmt(elapsed, 2)) s, found \(found))")

found = 0
start = nowSeconds()
for key in keys {
    if let response = try? keyspace.range(RangeRequest(key: key)), response.count == 1 { found += 1 }
}
elapsed = nowSeconds() - start
print("point read range(): \(fmt(Double(keyCount) / elapsed, 0)) reads/s (\(fmt(elapsed, 2)) s, found \(found))")

start = nowSeconds()
let scan = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], keysOnly: true))
elapsed = nowSeconds() - start
print("full range of \(scan.kvs.count) keys: \(fmt(elapsed, 2)) s")

start = nowSeconds()
let snapshot = keyspace.frozen().encodeSnapshot(metadata: [1])
elapsed = nowSeconds() - start
print("snapshot encode: \(fmt(elapsed, 2)) s for \(keyCount) keys (\(fmt(Double(snapshot.count) / 1_048_576, 1)) MiB)")
start = nowSeconds()
let decoded = try KeyspaceState.decodeSnapshot(snapshot, maxKeysPerNode: nodeSize)
elapsed = nowSeconds() - start
print("snapshot decode: \(fmt(elapsed, 2)) s (\(decoded.state.keys.count) keys)")

start = nowSeconds()
_ = try keyspace.compact(CompactionRequest(revision: keyspace.currentRevision))
elapsed = nowSeconds() - start
print("compaction of \(keyCount) keys x 2 versions: \(fmt(elapsed, 2)) s")

}

// Watch fan-out: N watchers on one prefix, each put under it delivered to all N; the consumer drains
// every watcher's batch (taking the shared event references) after each put, and also appends the
// encoded response bytes for a second figure.
for watcherCount in [1, 100, 10_000] where section != "kv" {
    for (writeBytes, putsPerDrain) in [(false, 1), (false, 100), (true, 100)] {
        let fanout = Keyspace(maxPendingEventsPerWatcher: 1000)
        let handles = try (0..<watcherCount).map { _ in
            try fanout.createWatcher(WatchCreateRequest(key: Array("w/".utf8), rangeEnd: Array("w0".utf8)))
        }
        let puts = Swift.max(200, 2_000_000 / watcherCount)
        let putRequests = (0..<puts).map { PutRequest(key: Array("w/\($0 % 1000)".utf8), value: values[$0 % values.count]) }
        var delivered = 0
        var output: [UInt8] = []
        output.reserveCapacity(1 << 20)
        let header = ResponseHeader(revision: 0, clusterID: 1, memberID: 2, raftTerm: 3)
        start = nowSeconds()
        for (index, request) in putRequests.enumerated() {
            _ = try fanout.put(request)
            if (index + 1) % putsPerDrain != 0 { continue }
            for handle in fanout.takeReadyWatchers() {
                while let batch = fanout.drain(handle, maxEvents: 1000) {
                    delivered += batch.events.count
                    if writeBytes {
                        output.removeAll(keepingCapacity: true)
                        batch.appendJSON(header: header, to: &output)
                    }
                }
            }
        }
        elapsed = nowSeconds() - start
        _ = handles
        let rate = Double(delivered) / elapsed / 1e6
        let label = (putsPerDrain == 1 ? ", drain after every put" : ", drain after every \(putsPerDrain) puts")
            + (writeBytes ? " + JSON response bytes" : "")
        print("watch fan-out \(watcherCount) watchers\(label): \(fmt(rate, 1)) M watcher-events/s (\(delivered) events, \(fmt(elapsed, 2)) s)")
    }
}
