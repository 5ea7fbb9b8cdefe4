import Dispatch
import Synchronization
import Testing
@testable import Wire

@Suite(.serialized, .timeLimit(.minutes(1)))
struct EventLoopTests {
    @Test func executeRunsOnTheLoopInSubmissionOrder() throws {
        let group = try EventLoopGroup(threadCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let seen = Collector<Int>()
        let onLoop = Atomic<Int>(0)
        #expect(!loop.inEventLoop)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<250 {
                loop.execute {
                    if loop.inEventLoop { onLoop.wrappingAdd(1, ordering: .relaxed) }
                    seen.append(worker * 1000 + i)
                }
            }
        }
        #expect(waitUntil { seen.count == 1000 })
        #expect(onLoop.load(ordering: .relaxed) == 1000)
        // Per submitting thread, order is kept.
        for worker in 0..<4 {
            let mine = seen.all.filter { $0 / 1000 == worker }
            #expect(mine == (0..<250).map { worker * 1000 + $0 })
        }
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesDoNot() throws {
        let group = try EventLoopGroup(threadCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let fired = Collector<Int>()
        let done = Atomic<Bool>(false)
        loop.execute {
            let now = MonotonicClock.nowNanoseconds()
            for (index, delayMs) in [30, 10, 20, 10, 40].enumerated() {
                let id = loop.scheduleTimer(deadlineNanoseconds: now + UInt64(delayMs) * 1_000_000) { fired.append(index) }
                if index == 2 { loop.cancelTimer(id) }
            }
            loop.scheduleTimer(deadlineNanoseconds: now + 60_000_000) { done.store(true, ordering: .relaxed) }
        }
        #expect(waitUntil { done.load(ordering: .relaxed) })
        // Equal deadlines fire in scheduling order; the cancelled timer (index 2) never fires.
        #expect(fired.all == [1, 3, 0, 4])
    }

    @Test func crossThreadTimerScheduling() throws {
        let group = try EventLoopGroup(threadCount: 2)
        defer { group.shutdown() }
        let fired = Atomic<Int>(0)
        let start = MonotonicClock.nowNanoseconds()
        let firedAt = Atomic<UInt64>(0)
        group.next().scheduleTimer(afterNanoseconds: 50_000_000) {
            firedAt.store(MonotonicClock.nowNanoseconds(), ordering: .relaxed)
            fired.wrappingAdd(1, ordering: .relaxed)
        }
        #expect(waitUntil { fired.load(ordering: .relaxed) == 1 })
        #expect(firedAt.load(ordering: .relaxed) - start >= 50_000_000)
    }

    @Test func roundRobinCoversEveryLoop() throws {
        let group = try EventLoopGroup(threadCount: 3)
        defer { group.shutdown() }
        let picked = (0..<6).map { _ in ObjectIdentifier(group.next()) }
        #expect(Set(picked).count == 3)
        #expect(picked[0] == picked[3] && picked[1] == picked[4])
    }
}
