import TestSupport
import Testing
import Checker
import Synchronization
import WAL
import Wire
#if canImport(Glibc)
import Glibc
#endif

/// Collects every byte a test upstream receives.
private final class Sink: Sendable {
    let port = freePort()
    let bytes = Mutex<[UInt8]>([])
    private let fd: Int32
    private let stopping = Atomic<Bool>(false)
    private let thread = Mutex<TestThread?>(nil)

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0, listen(fd, 4) == 0 else { throw TestFailure("sink cannot listen") }
        let t = try TestThread { [self] in
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !stopping.load(ordering: .relaxed) && poll(&p, 1, 50) == 0 {}
            let c = accept(fd, nil, nil)
            guard c >= 0 else { return }
            defer { close(c) }
            var chunk = [UInt8](repeating: 0, count: 4096)
            while !stopping.load(ordering: .relaxed) {
                var q = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
                if poll(&q, 1, 50) == 0 { continue }
                let n = chunk.withUnsafeMutableBytes { read(c, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                bytes.withLock { $0 += chunk[..<n] }
            }
        }
        thread.withLock { $0 = t }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        thread.withLock { $0 }?.join()
        close(fd)
    }
}

private func messagesFrame(_ messages: [[UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    PeerFrameEncoder.appendMessages(messages, to: &out)
    return out
}

/// A Raft envelope header: tag 1 (Raft), version 1, then the kind byte (9 = propose, 0 = append).
private let proposal: [UInt8] = [1, 1, 9, 5, 5, 5]
private let append: [UInt8] = [1, 1, 0, 5, 5, 5]

/// Sends `frames` through a proxy with `fault` and returns what reached the other side.
private func throughProxy(_ fault: LinkFault, _ frames: [[UInt8]]) throws -> [UInt8] {
    let sink = try Sink()
    defer { sink.stop() }
    let proxy = try PeerProxy(from: "a", to: "b", listenPort: freePort(), targetPort: sink.port, seed: 1)
    defer { proxy.stop() }
    try proxy.start()
    proxy.set(fault)
    let socket = try BlockingSocket(connectingTo: SocketAddress(host: "127.0.0.1", port: proxy.listenPort), timeoutNanoseconds: 2_000_000_000)
    defer { socket.close() }
    for frame in frames { try socket.write(frame) }
    pause(0.4)
    return sink.bytes.withLock { $0 }
}

private func writeBytes(_ file: any StorageFile, _ bytes: [UInt8], at offset: Int) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
    defer { buffer.deallocate() }
    buffer.copyBytes(from: bytes)
    try file.write(UnsafeRawBufferPointer(buffer), at: offset)
}

extension FaultSuites {
    @Suite("fault harness: proxy, lossy file system, self-test", .serialized, .timeLimit(.minutes(1)))
    struct HarnessTests {
        @Test("the proxy finds forwarded proposals inside message frames")
        func proposalDetection() {
            #expect(PeerProxy.carriesProposal(messagesFrame([append, proposal])))
            #expect(!PeerProxy.carriesProposal(messagesFrame([append, append])))
            var hello: [UInt8] = []
            PeerFrameEncoder.appendHello(nodeID: 1, clusterID: 2, to: &hello)
            #expect(!PeerProxy.carriesProposal(hello))
        }

        @Test("pass forwards every frame; drop 100% keeps the hello; duplicate doubles messages but not proposals; blackhole swallows all")
        func faultsApplyToWholeFrames() throws {
            var hello: [UInt8] = []
            PeerFrameEncoder.appendHello(nodeID: 1, clusterID: 2, to: &hello)
            let m1 = messagesFrame([append])
            let p1 = messagesFrame([proposal])
            // Split a frame across writes: the proxy must reassemble it.
            let frames = [hello, Array(m1[..<5]), Array(m1[5...]), p1]
            #expect(try throughProxy(.pass, frames) == hello + m1 + p1)
            #expect(try throughProxy(.drop(percent: 100), frames) == hello)
            #expect(try throughProxy(.duplicate(percent: 100), frames) == hello + m1 + m1 + p1)
            #expect(try throughProxy(.duplicate(percent: 100, proposals: true), frames) == hello + m1 + m1 + p1 + p1)
            #expect(try throughProxy(.blackhole, frames) == [])
            #expect(try throughProxy(.reorder(percent: 100), [hello, m1, p1]) == hello + p1 + m1)
        }

        @Test("lose-unsynced: unsynced writes vanish with the process, synced ones stay, a tear keeps half")
        func loseUnsynced() throws {
            let dir = temporaryDirectory("tern-lossy")
            defer { removeTree(dir) }
            let fs = LoseUnsyncedFileSystem()
            let file = try fs.openFile(atPath: dir + "/f", create: true)
            try writeBytes(file, [1, 2, 3, 4], at: 0)
            try file.sync()
            try writeBytes(file, [5, 6, 7, 8], at: 4)
            #expect(try file.read(at: 0, count: 8) == [1, 2, 3, 4, 5, 6, 7, 8], "reads see unsynced writes")
            // Another opener sees only what reached the OS: the synced part ("after the crash").
            let after = try POSIXFileSystem().openFile(atPath: dir + "/f", create: false)
            #expect(try after.read(at: 0, count: 8) == [1, 2, 3, 4])
            LoseUnsyncedFileSystem.tearNewestWrite()
            #expect(try after.read(at: 0, count: 8) == [1, 2, 3, 4, 5, 6], "the tear writes the first half of the newest write")
            after.close()
            file.close()
        }

        @Test("the harness goes red: an acknowledged write that the cluster never committed is reported as lost (C2)")
        func harnessCatchesALostWrite() throws {
            let run = try FaultRun(scenario: "self-test", seed: 1)
            try run.begin(clients: 2, watchers: 1)
            pause(1.5)
            run.tamper = { recorded in
                let last = recorded.history.compactMap(\.returnNanoseconds).max() ?? 0
                let revision = (recorded.committedLog.last?.revision ?? 1) + 1
                recorded.history.append(KVOperation(client: 999_999, input: .put(key: "k1", value: "never-written", lease: 0, prevKV: false),
                                                    callNanoseconds: last + 1, output: .put(revision: revision, prev: nil), returnNanoseconds: last + 2))
            }
            let outcome = run.finish()
            #expect(!outcome.passed)
            #expect(outcome.lostWrites >= 1, "\(outcome.problems)")
            if let path = outcome.historyPath { removeTree(String(path.dropLast("/history.txt".count))) }
        }

        @Test("the restore check goes red: a member at the wrong revision, a wrong record, a member that never answered")
        func restoreCheckCatchesDifferences() throws {
            func kv(_ k: String, _ v: String, _ create: Int64, _ mod: Int64, _ version: Int64) -> KeyValue {
                KeyValue(key: k, value: v, createRevision: create, modRevision: mod, version: version)
            }
            let log = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: kv("a", "1", 2, 2, 1))]),
                       CommittedRevision(revision: 3, events: [WatchEvent(kind: .put, kv: kv("b", "2", 3, 3, 1))]),
                       CommittedRevision(revision: 4, events: [WatchEvent(kind: .put, kv: kv("a", "3", 2, 4, 2))])]
            guard case .success(let replay) = KeyspaceReplay.replay(log) else { Issue.record("the fabricated log does not replay"); return }
            let atThree = [kv("a", "1", 2, 2, 1), kv("b", "2", 3, 3, 1)]
            let good = RestoreCheck.MemberView(member: "n1", revision: 3, kvs: atThree)
            #expect(RestoreCheck.check(replay: replay, snapshotRevision: 3, views: [good], expectedMembers: ["n1"]).isEmpty)
            let newer = RestoreCheck.MemberView(member: "n2", revision: 3, kvs: [kv("a", "3", 2, 4, 2), kv("b", "2", 3, 3, 1)])
            let ahead = RestoreCheck.MemberView(member: "n3", revision: 4, kvs: atThree)
            let problems = RestoreCheck.check(replay: replay, snapshotRevision: 3, views: [good, newer, ahead], expectedMembers: ["n1", "n2", "n3", "n4"])
            #expect(problems.count == 3, "\(problems)")
            #expect(problems.contains { $0.contains("n4 never answered") })
            #expect(problems.contains { $0.contains("n3 starts at revision 4") })
            #expect(problems.contains { $0.contains("from n2") })
        }

        @Test("the monotonic status check goes red when a restarted member answers below its recorded revision")
        func monotonicStatusCatchesARegression() throws {
            let cluster = try FaultCluster(size: 1, seed: 1)
            defer { cluster.shutdown(keep: false) }
            try cluster.start("n1")
            _ = try cluster.waitForLeader(seconds: 20)
            let monotonic = MonotonicStatus(cluster: cluster)
            monotonic.record("n1")
            monotonic.expectNotBelow("n1")
            #expect(monotonic.finish().isEmpty, "an unchanged member is not below itself")
            monotonic.raise("n1", to: MonotonicStatus.Sample(revision: 1_000_000, compactRevision: 0))
            monotonic.expectNotBelow("n1")
            let problems = monotonic.finish()
            #expect(problems.count == 1 && problems[0].contains("n1 reported revision 1000000"), "\(problems)")
            #expect(monotonic.checked.load(ordering: .relaxed) == 2)
        }

        @Test("snapshot installs are read from a member's log, distinct, in order")
        func installedSnapshotsFromLog() {
            let log = """
                info installed snapshot at index 96 from the leader
                tern: crash point before-snapshot-install reached (hit 2); exiting with 137
                info installed snapshot at index 96 from the leader
                info installed snapshot at index 144 from the leader
                """
            #expect(ScenarioRunner.installedSnapshots(log) == [96, 144])
        }
    }
}
