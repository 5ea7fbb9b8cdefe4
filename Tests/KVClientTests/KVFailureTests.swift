import Testing
import Synchronization
import KVClient
import Replica
import Wire

/// Members stopping under a client: requests end in bounded time with `.unavailable`/`.transport`
/// or succeed; watches keep going or end with `.canceled`; the HTTP client fails over.
@Suite("KVClient when members stop", .serialized, .timeLimit(.minutes(1)))
struct KVFailureTests {
    enum Kind: String, CaseIterable, Sendable { case local, http }

    private static func client(_ kind: Kind, _ cluster: MemberCluster, _ name: String) -> any KVClient {
        switch kind {
        case .local: return cluster.member(name).kv
        case .http: return HTTPKVClient(addresses: [cluster.address(name)])
        }
    }

    @Test("the leader stops while a client writes and watches through a follower", arguments: Kind.allCases)
    func leaderStops(_ kind: Kind) async throws {
        // A write caught in the hand-over can wait out the request timeout: keep it short here.
        var options = MemberCluster.options
        options.requestTimeoutNanoseconds = 3_000_000_000
        let fastTimeout = options
        let cluster = try await offPool { try MemberCluster(size: 3, options: fastTimeout) }
        defer { cluster.shutdown() }
        let kv = Self.client(kind, cluster, cluster.follower)
        defer { (kv as? HTTPKVClient)?.close() }
        let key = b("leader-stop")
        let start = try await kv.put(PutCommand(key: key, value: b("0"))).revision
        let recorder = WatchRecorder()
        let handle = try kv.watch(WatchQuery(KeyRange(key: key), startRevision: start), handler: recorder.handler)
        defer { handle.cancel() }
        #expect(await recorder.waitForEvents(1))

        let leader = cluster.member(cluster.leader)
        let stopped = Atomic<Bool>(false)
        let stopBegan = monotonicSeconds()
        let stopping = Task {
            await offPool { leader.stop() }
            stopped.store(true, ordering: .releasing)
        }
        var succeeded: [Int64] = [start]
        var failures: [KVError] = []
        var longest = 0.0
        let deadline = monotonicSeconds() + 20
        // Write until the cluster has answered 10 writes after the stop finished (or time runs out).
        var afterStop = 0
        var i = 1
        while afterStop < 10 && monotonicSeconds() < deadline {
            let began = monotonicSeconds()
            do {
                succeeded.append(try await kv.put(PutCommand(key: key, value: b("\(i)"))).revision)
                if stopped.load(ordering: .acquiring) { afterStop += 1 }
            } catch {
                failures.append(error)
                await pause(milliseconds: 50)
            }
            longest = max(longest, monotonicSeconds() - began)
            i += 1
        }
        await stopping.value
        print("\(kind): \(succeeded.count) writes succeeded, failed: \(failures), longest \(longest) s, stop and recovery in \(monotonicSeconds() - stopBegan) s")
        #expect(afterStop == 10, "writes did not recover after the leader stopped: \(failures)")
        // Bounded, not timed: a write must end (either way) instead of hanging; the generous bound
        // (request timeout 3 s) leaves room for a busy two-core machine.
        #expect(longest < 20, "a write took \(longest) s (the request timeout is 3 s)")
        for error in failures {
            switch error {
            case .unavailable, .transport: break
            default: Issue.record("unexpected error \(error)")
            }
        }
        // The watch either saw every successful write, in order, or ended with a cancellation.
        let sawAll = await recorder.wait(seconds: 10) { _ in
            recorder.cancellation != nil || Set(recorder.events.map(\.pair.modRevision)).isSuperset(of: succeeded)
        }
        #expect(sawAll)
        let revisions = recorder.events.map(\.pair.modRevision)
        #expect(revisions == revisions.sorted())
        if let canceled = recorder.cancellation { #expect(canceled.compactRevision == 0) }
    }

    @Test("a stopped member answers at once: requests fail with .unavailable, its watches end with .canceled")
    func stoppedMember() async throws {
        let cluster = try await offPool { try MemberCluster(size: 1) }
        defer { cluster.shutdown() }
        let member = cluster.member(cluster.leader)
        let kv = member.kv
        let revision = try await kv.put(PutCommand(key: b("s"), value: b("1"))).revision
        let recorder = WatchRecorder()
        let handle = try kv.watch(WatchQuery(KeyRange(key: b("s")), startRevision: revision), handler: recorder.handler)
        defer { handle.cancel() }
        #expect(await recorder.waitForEvents(1))
        await offPool { member.stop() }
        #expect(await recorder.wait { _ in recorder.cancellation != nil })
        #expect(recorder.cancellation?.compactRevision == 0)
        let stopped = KVError.unavailable("etcdserver: server stopped")
        await #expect(throws: stopped) { _ = try await kv.put(PutCommand(key: b("s"), value: b("2"))) }
        await #expect(throws: stopped) { _ = try await kv.range(RangeQuery(KeyRange(key: b("s")))) }
        await #expect(throws: stopped) { _ = try await kv.range(RangeQuery(KeyRange(key: b("s")), serializable: true)) }
        await #expect(throws: stopped) { _ = try await kv.leaseKeepAlive(id: 1) }
        let late = WatchRecorder()
        let lateHandle = try kv.watch(WatchQuery(KeyRange(key: b("s"))), handler: late.handler)
        defer { lateHandle.cancel() }
        #expect(await late.wait { _ in late.cancellation != nil })

        let http = HTTPKVClient(addresses: [cluster.address(cluster.leader)])
        defer { http.close() }
        await #expect(throws: KVError.self) { _ = try await http.range(RangeQuery(KeyRange(key: b("s")))) }
        let broken = WatchRecorder()
        let brokenHandle = try http.watch(WatchQuery(KeyRange(key: b("s"))), handler: broken.handler)
        defer { brokenHandle.cancel() }
        #expect(await broken.wait { _ in broken.cancellation != nil })
    }

    @Test("a closed HTTP client, or one without addresses, fails requests at once")
    func closedClient() async throws {
        let closed = HTTPKVClient(addresses: [SocketAddress(host: "127.0.0.1", port: 9)])
        closed.close()
        closed.close()
        await #expect(throws: KVError.unavailable("the client is closed")) { _ = try await closed.range(RangeQuery(KeyRange(key: b("k")))) }
        let empty = HTTPKVClient(addresses: [])
        defer { empty.close() }
        await #expect(throws: KVError.unavailable("no member addresses")) { _ = try await empty.put(PutCommand(key: b("k"), value: [])) }
        let recorder = WatchRecorder()
        let handle = try empty.watch(WatchQuery(KeyRange(key: b("k"))), handler: recorder.handler)
        defer { handle.cancel() }
        #expect(await recorder.wait { _ in recorder.cancellation != nil })
    }

    @Test("the HTTP client fails over to the next member when one cannot be reached")
    func failover() async throws {
        let cluster = try await offPool { try MemberCluster(size: 3) }
        defer { cluster.shutdown() }
        let down = cluster.follower
        let up = cluster.config.members.map(\.name).first { $0 != down }!
        await offPool { cluster.member(down).stop() }
        let http = HTTPKVClient(addresses: [cluster.address(down), cluster.address(up)])
        defer { http.close() }
        let written = try await http.put(PutCommand(key: b("f"), value: b("1"))).revision
        #expect(try await http.range(RangeQuery(KeyRange(key: b("f")))).pairs.first?.modRevision == written)
        let recorder = WatchRecorder()
        let handle = try http.watch(WatchQuery(KeyRange(key: b("f")), startRevision: written), handler: recorder.handler)
        defer { handle.cancel() }
        #expect(await recorder.waitForEvents(1))
    }
}
