#if canImport(Glibc)
import Glibc
#endif

/// An ordinary POSIX thread for tests (proxies, clients, watchers, a held WAL write): blocking work must
/// never run on Swift concurrency's pool, nor on Dispatch's global queues (on Linux they run its tasks). ``join()`` waits for it.
public final class TestThread: @unchecked Sendable {
    // Safe: `thread` is written once in init (before any other thread can see self) and read by join().
    private var thread = pthread_t()

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread.
    public init(_ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw TestFailure("pthread_create failed: \(rc)")
        }
    }

    /// Waits for the thread to finish.
    public func join() { pthread_join(thread, nil) }
}
