// wal-bench: WAL group-commit throughput and latency beside a raw write+fdatasync loop on the same disk,
// recovery time for a million small entries, and CRC-32C speed.
// Usage: swift run -c release wal-bench [directory] [--zero-fill] [--ahead]   (default /tmp/tern-wal-bench)
#if canImport(Glibc)
import Checksum
import Glibc
#endif
import Raft
import WAL

func nowNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func removeTree(_ path: String) {
    let fileSystem = POSIXFileSystem()
    if let names = try? fileSystem.contentsOfDirectory(atPath: path) {
        for name in names { unlink(path + "/" + name) }
    }
    rmdir(path)
}

func percentile(_ sorted: [UInt64], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) / 1000
}

func fail(_ message: String) -> Never {
    print("wal-bench: \(message)")
    exit(1)
}

let base = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("--") } ?? "/tmp/tern-wal-bench"
let entryBytes = 256
let payload = [UInt8](repeating: 0xAB, count: entryBytes)
removeTree(base + "/wal")
removeTree(base + "/raw")
removeTree(base + "/recovery")
try? POSIXFileSystem().createDirectory(atPath: base + "/raw")

/// Appends `batches` batches of `batchSize` entries through the WAL; returns per-batch latencies (ns).
func runWAL(batchSize: Int, batches: Int, wal: WriteAheadLog) -> [UInt64] {
    var latencies: [UInt64] = []
    latencies.reserveCapacity(batches)
    var index = wal.lastIndex
    for _ in 0..<batches {
        let entries = (0..<batchSize).map { offset in Entry(term: 1, index: index + 1 + UInt64(offset), data: payload) }
        index += UInt64(batchSize)
        let start = nowNanoseconds()
        do { try wal.save(hardState: nil, entries: entries) } catch { fail("WAL save failed: \(error)") }
        latencies.append(nowNanoseconds() - start)
    }
    return latencies
}

/// Writes the same bytes with a plain write + fdatasync loop; per-batch latencies (ns). With `overwriteSize`
/// the loop overwrites, sequentially and wrapping around, a file already written and synced to that size (no
/// metadata to commit: the disk's floor); without it, it appends to a growing file.
func runRaw(batchSize: Int, batches: Int, descriptor: Int32, overwriteSize: Int? = nil, position: inout Int) -> [UInt64] {
    let buffer = [UInt8](repeating: 0xAB, count: batchSize * entryBytes)
    var latencies: [UInt64] = []
    latencies.reserveCapacity(batches)
    for _ in 0..<batches {
        if let overwriteSize, position + buffer.count > overwriteSize { position = 0 }
        let start = nowNanoseconds()
        let written = buffer.withUnsafeBytes { bytes in
            overwriteSize == nil ? write(descriptor, bytes.baseAddress, bytes.count)
                : pwrite(descriptor, bytes.baseAddress, bytes.count, off_t(position))
        }
        position += buffer.count
        if written != buffer.count { fail("raw write failed") }
        if fdatasync(descriptor) != 0 { fail("raw fdatasync failed") }
        latencies.append(nowNanoseconds() - start)
    }
    return latencies
}

print("wal-bench: directory \(base) (ext4 on /dev/vda here), entries of \(entryBytes) bytes, every batch fdatasync'ed")
print("")
print("raw = write + fdatasync appending to a plain file; floor = pwrite + fdatasync over an already written file")
print("batch   WAL appends/s   WAL MB/s   raw appends/s   raw MB/s   WAL/raw   floor MB/s   WAL/floor")
let zeroFill = CommandLine.arguments.contains("--zero-fill")
let ahead = CommandLine.arguments.contains("--ahead")
let walOptions = WALOptions(preallocation: zeroFill ? .zeroFill : .allocate, prepareSegmentsAhead: ahead)
print("WAL segments (64 MiB) preallocated with " + (zeroFill ? "zero fill" : "posix_fallocate")
      + (ahead ? ", prepared ahead in the background" : ", created when needed"))
let walOpened: (WriteAheadLog, RecoveredState)
do { walOpened = try WriteAheadLog.open(directory: base + "/wal", options: walOptions) } catch { fail("open: \(error)") }
let wal = walOpened.0
let rawDescriptor = open(base + "/raw/raw.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
if rawDescriptor < 0 { fail("cannot open the raw file") }
let floorSize = 64 << 20
let floorDescriptor = open(base + "/raw/floor.log", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
if floorDescriptor < 0 { fail("cannot open the floor file") }
let zeros = [UInt8](repeating: 0, count: 1 << 20)
for chunk in 0..<(floorSize >> 20) {
    _ = zeros.withUnsafeBytes { pwrite(floorDescriptor, $0.baseAddress, $0.count, off_t(chunk << 20)) }
}
if fsync(floorDescriptor) != 0 { fail("cannot sync the floor file") }
var rawPosition = 0, floorPosition = 0
var singleWAL: [UInt64] = []
var singleRaw: [UInt64] = []
var singleFloor: [UInt64] = []
for batchSize in [1, 16, 256, 4096] {
    let batches = batchSize >= 4096 ? 60 : batchSize >= 256 ? 300 : 1000
    var walTotal: UInt64 = 0, rawTotal: UInt64 = 0, floorTotal: UInt64 = 0
    // Alternate rounds so both loops see the same background noise.
    for _ in 0..<4 {
        let walLatencies = runWAL(batchSize: batchSize, batches: batches / 4, wal: wal)
        let rawLatencies = runRaw(batchSize: batchSize, batches: batches / 4, descriptor: rawDescriptor, position: &rawPosition)
        let floorLatencies = runRaw(batchSize: batchSize, batches: batches / 4, descriptor: floorDescriptor,
                                    overwriteSize: floorSize, position: &floorPosition)
        walTotal += walLatencies.reduce(0, +)
        rawTotal += rawLatencies.reduce(0, +)
        floorTotal += floorLatencies.reduce(0, +)
        if batchSize == 1 {
            singleWAL += walLatencies
            singleRaw += rawLatencies
            singleFloor += floorLatencies
        }
    }
    let entries = Double(batches / 4 * 4 * batchSize)
    let walRate = entries / (Double(walTotal) / 1e9), rawRate = entries / (Double(rawTotal) / 1e9)
    let floorRate = entries / (Double(floorTotal) / 1e9)
    let megabytes = Double(entryBytes) / 1_000_000
    var line = String(batchSize).leftPadded(5)
    line += String(Int(walRate)).leftPadded(16)
    line += fixed(walRate * megabytes, 1).leftPadded(11)
    line += String(Int(rawRate)).leftPadded(16)
    line += fixed(rawRate * megabytes, 1).leftPadded(11)
    line += fixed(walRate / rawRate, 2).leftPadded(10)
    line += fixed(floorRate * megabytes, 1).leftPadded(13)
    line += fixed(walRate / floorRate, 2).leftPadded(12)
    print(line)
}
singleWAL.sort()
singleRaw.sort()
singleFloor.sort()
print("")
let walMedian = percentile(singleWAL, 0.5), walP99 = percentile(singleWAL, 0.99)
let rawMedian = percentile(singleRaw, 0.5), rawP99 = percentile(singleRaw, 0.99)
var latencyLine = "single-entry latency (µs): WAL median " + fixed(walMedian, 0) + ", p99 " + fixed(walP99, 0)
latencyLine += " | raw write+fdatasync median " + fixed(rawMedian, 0) + ", p99 " + fixed(rawP99, 0)
latencyLine += " | floor median " + fixed(percentile(singleFloor, 0.5), 0) + ", p99 " + fixed(percentile(singleFloor, 0.99), 0)
latencyLine += " | WAL/raw median " + fixed(walMedian / rawMedian, 2)
latencyLine += ", WAL/floor median " + fixed(walMedian / percentile(singleFloor, 0.5), 2)
print(latencyLine)
wal.close()
close(rawDescriptor)
close(floorDescriptor)
removeTree(base + "/wal")
removeTree(base + "/raw")

// Recovery of a million small entries (32-byte payloads, written in batches of 10 000).
let recoveryDirectory = base + "/recovery"
do {
    let (writer, _) = try WriteAheadLog.open(directory: recoveryDirectory)
    let small = [UInt8](repeating: 0x5A, count: 32)
    for batch in 0..<100 {
        let entries = (0..<10_000).map { Entry(term: 1, index: UInt64(batch * 10_000 + $0 + 1), data: small) }
        try writer.save(hardState: HardState(term: 1, vote: 1, commit: UInt64(batch * 10_000)), entries: entries)
    }
    writer.close()
    // Drop the page cache for these files is not possible unprivileged: this measures a warm-cache recovery.
    let start = nowNanoseconds()
    let (reader, recovered) = try WriteAheadLog.open(directory: recoveryDirectory)
    let elapsed = Double(nowNanoseconds() - start) / 1e6
    reader.close()
    if recovered.entries.count != 1_000_000 { fail("recovered \(recovered.entries.count) entries") }
    print("recovery: 1 000 000 entries of 32 bytes in \(fixed(elapsed, 0)) ms (warm page cache)")
} catch {
    fail("recovery benchmark: \(error)")
}
removeTree(recoveryDirectory)
rmdir(base)

// CPU cost of a save without I/O: the WAL on a file system whose writes and syncs do nothing.
final class NullFile: StorageFile {
    let path = "/null/segment"
    func read(at offset: Int, count: Int) throws(FileSystemError) -> [UInt8] { [] }
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {}
    func sync() throws(FileSystemError) {}
    func size() throws(FileSystemError) -> Int { 0 }
    func truncate(to size: Int) throws(FileSystemError) {}
    func preallocate(size: Int) throws(FileSystemError) {}
    func close() {}
}

final class NullLock: DirectoryLock {
    func unlock() {}
}

struct NullFileSystem: FileSystem {
    func lockDirectory(atPath path: String) throws(FileSystemError) -> any DirectoryLock { NullLock() }
    func openFile(atPath path: String, create: Bool) throws(FileSystemError) -> any StorageFile { NullFile() }
    func contentsOfDirectory(atPath path: String) throws(FileSystemError) -> [String] { [] }
    func createDirectory(atPath path: String) throws(FileSystemError) {}
    func rename(from source: String, to destination: String) throws(FileSystemError) {}
    func removeFile(atPath path: String) throws(FileSystemError) {}
    func syncDirectory(atPath path: String) throws(FileSystemError) {}
}

do {
    let (nullWAL, _) = try WriteAheadLog.open(directory: "/null", fileSystem: NullFileSystem(),
                                              options: WALOptions(segmentSizeBytes: 1 << 40))
    for batchSize in [1, 256, 4096] {
        let rounds = max(20, 200_000 / batchSize)
        let latencies = runWAL(batchSize: batchSize, batches: rounds, wal: nullWAL)
        let nanoseconds = Double(latencies.reduce(0, +)) / Double(rounds)
        let line = "WAL CPU per save without I/O, batch " + String(batchSize) + ": " + fixed(nanoseconds / 1000, 1)
            + " µs (" + fixed(Double(batchSize * entryBytes) / nanoseconds * 1000, 0) + " MB/s)"
        print(line)
    }
} catch {
    fail("null file system: \(error)")
}

// CRC-32C: slicing-by-16 against byte-at-a-time, over 16 MiB.
let crcInput = (0..<(16 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
for (name, slicing) in [("slicing-by-16", true), ("byte-at-a-time", false)] {
    var checksum: UInt32 = 0
    let start = nowNanoseconds()
    crcInput.withUnsafeBytes { buffer in
        checksum = slicing ? CRC32C.checksum(buffer) : CRC32C.checksumBytewise(buffer)
    }
    let seconds = Double(nowNanoseconds() - start) / 1e9
    print("crc32c \(name): \(fixed(Double(crcInput.count) / seconds / 1e6, 0)) MB/s (checksum \(String(checksum, radix: 16)))")
}

func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    if digits == 0 { return String(scaled) }
    let whole = scaled / Int(scale), fraction = String(abs(scaled) % Int(scale))
    return "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
