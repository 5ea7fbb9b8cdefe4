#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// N event loops, each on its own dedicated thread (never Swift concurrency's pool).
/// Servers bind one listening socket per loop (SO_REUSEPORT) and clients pick loops round robin.
public final class EventLoopGroup: Sendable {
    /// The loops, in creation order.
    public let loops: [EventLoop]
    private let nextIndex = Atomic<Int>(0)
    private let threads: Mutex<[pthread_t]>

    /// Starts `threadCount` loops (at least one), each running on a new thread.
    /// - Throws: ``WireError`` if an epoll or eventfd descriptor cannot be created.
    public init(threadCount: Int, name: String = "wire") throws(WireError) {
        var loops: [EventLoop] = []
        for index in 0..<max(1, threadCount) {
            loops.append(try EventLoop(name: "\(name)-\(index)"))
        }
        self.loops = loops
        var started: [pthread_t] = []
        for loop in loops {
            let box = Unmanaged.passRetained(LoopBox(loop))
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                let box = Unmanaged<LoopBox>.fromOpaque(raw!).takeRetainedValue()
                box.loop.run()
                return nil
            }, box.toOpaque())
            if rc != 0 {
                box.release()
            } else {
                started.append(thread)
            }
        }
        threads = Mutex(started)
        // Wait until every loop has recorded its thread id, so `inEventLoop` is exact from now on.
        for loop in loops {
            while !loop.hasStarted { sched_yield() }
        }
    }

    /// The next loop, round robin.
    public func next() -> EventLoop {
        let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }

    /// Stops every loop and joins their threads; callable once, from a thread that is not a loop.
    /// - Warning: never call from one of the group's own loop threads (it would join itself).
    public func shutdown() {
        for loop in loops { loop.stop() }
        let joined = threads.withLock { list -> [pthread_t] in
            let taken = list
            list.removeAll()
            return taken
        }
        for thread in joined { pthread_join(thread, nil) }
    }
}

/// Carries a loop into a pthread entry point.
private final class LoopBox {
    let loop: EventLoop
    init(_ loop: EventLoop) { self.loop = loop }
}
