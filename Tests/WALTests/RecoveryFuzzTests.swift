import Raft
import Testing
@testable import WAL

/// Random damage anywhere in the data directory: recovery either refuses with a typed error or returns the
/// full state (or the state before the last operation, when the damage hit the last record and was cut like
/// a torn write). It never traps, never returns anything else.
@Suite struct RecoveryFuzzTests {
    static let options = WALOptions(segmentSizeBytes: 1024, retainedSnapshotCount: 2)

    @Test(arguments: Array(1...40) as [UInt64])
    func randomDamageIsRefusedOrHarmless(seed: UInt64) throws {
        let workload = makeWorkload(seed: seed, count: 25, maxEntryBytes: 40)
        let states = modelStates(workload)
        let disk = SimulatedDisk(seed: seed)
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: Self.options)
        for operation in workload { try operation.apply(to: wal) }
        wal.close()

        var random = SeededRandom(seed: seed ^ 0xDA7A)
        let files = try disk.contentsOfDirectory(atPath: walDirectory)
        let victim = walDirectory + "/" + files[Int(random.next() % UInt64(files.count))]
        let size = disk.contents(atPath: victim)?.count ?? 0
        try #require(size > 0)
        let start = Int(random.next() % UInt64(size))
        let burst = 1 + Int(random.next() % 24)
        for byte in start..<min(start + burst, size) where random.next() % 2 == 0 {
            disk.flipBit(atPath: victim, byteOffset: byte, bit: Int(random.next() % 8))
        }
        let context = "seed \(seed): damage in \(victim) at \(start)+\(burst)"
        do {
            let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: Self.options)
            let state = withoutTornTail(recovered)
            let acceptable = [states[states.count - 1].expectedRecovery, states[states.count - 2].expectedRecovery]
            #expect(acceptable.contains(state), "\(context): recovered \(state.entries.count) entries")
        } catch {
            switch error {
            case .corruptRecord(let file, _, _), .corruptSnapshot(let file, _, _):
                #expect(file == victim, "\(context)")
            case .logGap, .missingSnapshot, .missingSegment:
                break
            default:
                Issue.record("\(context): unexpected \(error)")
            }
        }
    }

    @Test func checksummedGarbageIsRefusedNotDecoded() throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        try wal.save(hardState: HardState(term: 1), entries: [Entry(term: 1, index: 1)])
        wal.close()
        let path = walDirectory + "/0000000000000001-0000000000000001.wal"
        let end = try #require(disk.contents(atPath: path)).withUnsafeBytes { buffer in
            var offset = 0
            while case .record(_, _, let next) = RecordFraming.inspect(buffer, at: offset, sequence: 1) { offset = next }
            return offset
        }
        var garbage = WAL.ByteWriter()
        RecordFraming.append(type: .batch, to: &garbage) { payload in
            payload.append(UInt8(0))  // no marker, no hard state
            payload.append(UInt32(1))  // one entry...
            payload.append(UInt64(2))  // ...cut short after its index
        }
        RecordFraming.seal(&garbage.bytes, recordAt: 0, sequence: 1, offset: end)
        let file = try disk.openFile(atPath: path, create: false)
        try file.write(garbage.bytes, at: end)
        try file.sync()
        #expect(throws: WALError.corruptRecord(file: path, offset: end, reason: "checksummed record of type batch does not decode")) {
            _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        }
    }

    @Test func outOfRangeInputIsRefused() throws {
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: SimulatedDisk())
        #expect(throws: WALError.invalidEntries(reason: "entry index \(UInt64.max) is out of range")) {
            try wal.save(hardState: nil, entries: [Entry(term: 1, index: .max)])
        }
        #expect(throws: WALError.invalidEntries(reason: "entry index 0 is out of range")) {
            try wal.save(hardState: nil, entries: [Entry(term: 1, index: 0)])
        }
        #expect(throws: WALError.invalidHardState(reason: "term \(UInt64.max) or commit 0 is out of range")) {
            try wal.save(hardState: HardState(term: .max), entries: [])
        }
        try wal.save(hardState: HardState(term: 1), entries: [Entry(term: 1, index: 1)])
        #expect(wal.lastIndex == 1)
    }
}
