import Testing
@testable import WAL

@Suite struct SimulatedDiskTests {
    func makeFile(_ disk: SimulatedDisk, _ path: String = "/d/f") throws -> any StorageFile {
        try disk.createDirectory(atPath: "/d")
        let file = try disk.openFile(atPath: path, create: true)
        try disk.syncDirectory(atPath: "/d")
        return file
    }

    @Test func syncedWritesSurviveAndUnsyncedOnesAreLost() throws {
        let disk = SimulatedDisk()
        let file = try makeFile(disk)
        try file.write([1, 2, 3], at: 0)
        try file.sync()
        try file.write([4, 5], at: 3)
        #expect(disk.contents(atPath: "/d/f") == [1, 2, 3, 4, 5])
        disk.crashLosingUnsyncedWrites()
        #expect(disk.contents(atPath: "/d/f") == [1, 2, 3])
        #expect(throws: FileSystemError.simulatedCrash(path: "/d/f")) { try file.read(at: 0, count: 1) }
    }

    @Test func tornWriteKeepsAPrefixAndOptionallyZeroFills() throws {
        let disk = SimulatedDisk()
        let file = try makeFile(disk)
        try file.write([9, 9, 9, 9, 9, 9], at: 0)
        try file.sync()
        try file.write([1, 2, 3, 4], at: 1)
        let torn = disk.copy()
        torn.crash(keepingUnsyncedOperations: 1, tearLastTo: 2)
        #expect(torn.contents(atPath: "/d/f") == [9, 1, 2, 9, 9, 9])
        let zeroed = disk.copy()
        zeroed.crash(keepingUnsyncedOperations: 1, tearLastTo: 2, zeroFillTornRest: true)
        #expect(zeroed.contents(atPath: "/d/f") == [9, 1, 2, 0, 0, 9])
    }

    @Test func namesNeedADirectorySync() throws {
        let disk = SimulatedDisk()
        let file = try makeFile(disk, "/d/kept")
        try file.write([7], at: 0)
        try file.sync()
        let unsyncedName = try disk.openFile(atPath: "/d/lost", create: true)
        try unsyncedName.write([8], at: 0)
        try unsyncedName.sync()
        try disk.rename(from: "/d/kept", to: "/d/renamed")
        disk.crashLosingUnsyncedWrites()
        #expect(try disk.contentsOfDirectory(atPath: "/d") == ["kept"])
        #expect(disk.contents(atPath: "/d/kept") == [7])
    }

    @Test func goesDownAfterItsOperationBudget() throws {
        let disk = SimulatedDisk()
        let file = try makeFile(disk)
        disk.failAfter(operations: 1)
        try file.write([1], at: 0)
        #expect(throws: FileSystemError.simulatedCrash(path: "/d/f")) { try file.sync() }
        #expect(throws: FileSystemError.simulatedCrash(path: "/d/f")) { try file.write([2], at: 1) }
        disk.crash(keepingUnsyncedOperations: 1)
        #expect(disk.contents(atPath: "/d/f") == [1])
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomCrashIsAPrefixOfTheWritesAndReplaysFromItsSeed(seed: UInt64) throws {
        func run() throws -> [UInt8] {
            let disk = SimulatedDisk(seed: seed)
            let file = try makeFile(disk)
            for chunk in 0..<6 { try file.write([UInt8](repeating: UInt8(chunk + 1), count: 5), at: chunk * 5) }
            disk.crash()
            return disk.contents(atPath: "/d/f") ?? []
        }
        let bytes = try run()
        #expect(try run() == bytes, "seed \(seed)")
        // Chunks are written in order: surviving bytes are whole chunks, then at most one torn chunk, then nothing.
        let expected = (0..<30).map { UInt8($0 / 5 + 1) }
        var index = 0
        while index < bytes.count && bytes[index] == expected[index] { index += 1 }
        #expect(bytes[index...].allSatisfy { $0 == 0 }, "seed \(seed): \(bytes)")
    }

    @Test func randomCrashKeepsOrLosesEachRenameAsAWhole() throws {
        var outcomes: Set<[String]> = []
        for seed in 1...(16 as UInt64) {
            let disk = SimulatedDisk(seed: seed)
            let file = try makeFile(disk, "/d/old")
            try file.write([1], at: 0)
            try file.sync()
            try disk.rename(from: "/d/old", to: "/d/new")
            disk.crash()
            let names = try disk.contentsOfDirectory(atPath: "/d")
            #expect(names == ["old"] || names == ["new"], "seed \(seed): \(names)")
            #expect(names.first.flatMap { disk.contents(atPath: "/d/" + $0) } == [1], "seed \(seed)")
            outcomes.insert(names)
        }
        #expect(outcomes.count == 2)
    }
}
