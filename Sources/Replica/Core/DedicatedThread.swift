import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A POSIX thread that runs one blocking closure (the Raft loop, a snapshot stream, a waiter),
/// outside Swift concurrency's pool.
public final class DedicatedThread: Sendable {
    private final class Box {
        let body: @Sendable () -> Void
        let done: DispatchGroup
        init(_ body: @escaping @Sendable () -> Void, _ done: DispatchGroup) {
            self.body = body
            self.done = done
        }
    }

    private let done = DispatchGroup()

    public init(name: String, _ body: @escaping @Sendable () -> Void) throws(ReplicaError) {
        done.enter()
        let box = Unmanaged.passRetained(Box(body, done))
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            box.done.leave()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            done.leave()
            throw .configuration("cannot start thread \(name): error \(rc)")
        }
        pthread_detach(t)
    }

    /// Waits for the closure to return; callable any number of times, from any thread.
    public func join() { done.wait() }
}
