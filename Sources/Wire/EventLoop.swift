#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// Something an event loop calls when its file descriptor is ready.
/// - Warning: called only on the owning loop's thread.
protocol EventHandler: AnyObject {
    /// `events` is the epoll mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP...).
    func handleEvents(_ events: UInt32)
}

/// A cancellable timer handle.
public struct TimerID: Hashable, Sendable {
    let value: UInt64
}

/// One epoll loop on its own thread: file-descriptor readiness, timers, and work handed over
/// from other threads through a `Mutex`-guarded queue plus an eventfd wake-up.
///
/// Level-triggered. Handlers, timers and every socket registered with the loop belong to the
/// loop's thread; other threads only call ``execute(_:)``.
/// - Warning: everything except ``execute(_:)``, ``inEventLoop`` and ``stop()`` must be called
///   on the loop's thread.
public final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: `handlers`, `timerHeap`, `timerCallbacks` and `nextTimerID` are touched
    // only on the loop thread (checked with `assertInLoop`); `pending` is a Mutex; `epollFD` and
    // `wakeFD` are immutable after init; `threadID` and `running` are atomics.
    let epollFD: Int32
    private let wakeFD: Int32
    private let pending = Mutex<[@Sendable () -> Void]>([])
    private let wakePending = Atomic<Bool>(false)
    private let threadID = Atomic<UInt>(0)
    private let running = Atomic<Bool>(true)
    private var handlers: [EventHandler?] = []
    private var timerHeap = TimerHeap()
    private var timerCallbacks: [UInt64: () -> Void] = [:]
    private var nextTimerID: UInt64 = 1
    /// A human-readable name, used in thread names.
    public let name: String

    /// Creates the loop's epoll and eventfd descriptors; call ``run()`` on a dedicated thread.
    /// - Throws: ``WireError/system(operation:errno:)`` if the kernel refuses.
    public init(name: String) throws(WireError) {
        _ = Socket.ignoreSIGPIPE
        self.name = name
        let ep = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard ep >= 0 else { throw .lastErrno("epoll_create1") }
        let wake = eventfd(0, csystem_EFD_NONBLOCK | csystem_EFD_CLOEXEC)
        guard wake >= 0 else {
            close(ep)
            throw .lastErrno("eventfd")
        }
        epollFD = ep
        wakeFD = wake
        guard csystem_epoll_ctl(ep, EPOLL_CTL_ADD, wake, UInt32(csystem_EPOLLIN)) == 0 else {
            close(ep); close(wake)
            throw .lastErrno("epoll_ctl wake")
        }
    }

    deinit {
        close(epollFD)
        close(wakeFD)
    }

    /// True when called on this loop's thread.
    public var inEventLoop: Bool {
        threadID.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// True once ``run()`` has begun on some thread.
    var hasStarted: Bool { threadID.load(ordering: .acquiring) != 0 }

    @inline(__always)
    func assertInLoop() {
        assert(inEventLoop, "EventLoop \(name): called off its thread")
    }

    /// Runs `work` on the loop's thread, soon; callable from any thread. Work items run in the
    /// order they were handed over.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append(work) }
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Asks the loop to return from ``run()`` after the current iteration; callable from any thread.
    public func stop() {
        running.store(false, ordering: .releasing)
        execute {}
    }

    // MARK: registration (loop thread)

    func register(fd: Int32, events: UInt32, handler: EventHandler) throws(WireError) {
        assertInLoop()
        guard csystem_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, events) == 0 else {
            throw .lastErrno("epoll_ctl add")
        }
        let index = Int(fd)
        if index >= handlers.count {
            handlers.append(contentsOf: repeatElement(nil, count: index - handlers.count + 1))
        }
        handlers[index] = handler
    }

    func modify(fd: Int32, events: UInt32) {
        assertInLoop()
        _ = csystem_epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, events)
    }

    /// Removes the fd from epoll (the caller closes it afterwards).
    func deregister(fd: Int32) {
        assertInLoop()
        _ = csystem_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0)
        if Int(fd) < handlers.count { handlers[Int(fd)] = nil }
    }

    // MARK: timers (loop thread)

    /// Calls `callback` on the loop thread once the monotonic clock passes `deadlineNanoseconds`.
    @discardableResult
    func scheduleTimer(deadlineNanoseconds: UInt64, _ callback: @escaping () -> Void) -> TimerID {
        assertInLoop()
        let id = nextTimerID
        nextTimerID += 1
        timerCallbacks[id] = callback
        timerHeap.push(deadline: deadlineNanoseconds, id: id)
        return TimerID(value: id)
    }

    /// Cancels a timer that has not fired yet; no effect otherwise.
    func cancelTimer(_ id: TimerID) {
        assertInLoop()
        timerCallbacks[id.value] = nil
    }

    /// Schedules a timer from any thread (hops to the loop).
    public func scheduleTimer(afterNanoseconds delay: UInt64, _ callback: @escaping @Sendable () -> Void) {
        let deadline = MonotonicClock.nowNanoseconds() &+ delay
        execute { [self] in _ = scheduleTimer(deadlineNanoseconds: deadline, callback) }
    }

    private func fireTimers(now: UInt64) {
        while let top = timerHeap.peek(), top.deadline <= now {
            timerHeap.pop()
            if let callback = timerCallbacks.removeValue(forKey: top.id) {
                callback()
            }
        }
    }

    private func timeoutMilliseconds(now: UInt64) -> Int32 {
        while let top = timerHeap.peek(), timerCallbacks[top.id] == nil { timerHeap.pop() }
        guard let top = timerHeap.peek() else { return 1000 }
        if top.deadline <= now { return 0 }
        let ms = (top.deadline - now + 999_999) / 1_000_000
        return Int32(min(ms, 1000))
    }

    // MARK: the loop

    /// Runs the loop on the calling thread until ``stop()``; the thread becomes the loop's thread.
    public func run() {
        threadID.store(UInt(pthread_self()),
                       ordering: .releasing)
        let maxEvents = 256
        let fds = UnsafeMutablePointer<Int32>.allocate(capacity: maxEvents)
        let masks = UnsafeMutablePointer<UInt32>.allocate(capacity: maxEvents)
        defer {
            fds.deallocate()
            masks.deallocate()
        }
        while running.load(ordering: .acquiring) {
            let timeout = timeoutMilliseconds(now: MonotonicClock.nowNanoseconds())
            let n = csystem_epoll_wait(epollFD, fds, masks, Int32(maxEvents), timeout)
            if n < 0 && errno != EINTR { break }
            var index = 0
            while index < Int(n) {
                let fd = fds[index]
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if Int(fd) < handlers.count, let handler = handlers[Int(fd)] {
                    handler.handleEvents(masks[index])
                }
                index += 1
            }
            runPending()
            fireTimers(now: MonotonicClock.nowNanoseconds())
        }
        runPending()
    }

    private func runPending() {
        wakePending.store(false, ordering: .releasing)
        // Bounded rounds so a stream of self-rescheduling work cannot starve I/O.
        for _ in 0..<4 {
            let work = pending.withLock { queue -> [@Sendable () -> Void] in
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            if work.isEmpty { return }
            for item in work { item() }
        }
        if pending.withLock({ !$0.isEmpty }) && !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }
}

/// A binary min-heap of (deadline, id), ties broken by id so firing order is deterministic.
struct TimerHeap {
    private var items: [(deadline: UInt64, id: UInt64)] = []

    func peek() -> (deadline: UInt64, id: UInt64)? { items.first }

    private static func less(_ a: (deadline: UInt64, id: UInt64), _ b: (deadline: UInt64, id: UInt64)) -> Bool {
        a.deadline != b.deadline ? a.deadline < b.deadline : a.id < b.id
    }

    mutating func push(deadline: UInt64, id: UInt64) {
        items.append((deadline, id))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && Self.less(items[left], items[smallest]) { smallest = left }
            if right < items.count && Self.less(items[right], items[smallest]) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
