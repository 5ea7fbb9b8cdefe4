import Synchronization
import KVClient

/// Collects what a watch delivers, and checks the handler is never called concurrently.
final class WatchRecorder: Sendable {
    private let updates = Mutex<[WatchUpdate]>([])
    private let inHandler = Atomic<Bool>(false)
    private let overlapped = Atomic<Bool>(false)

    /// The handler to pass to `watch`.
    var handler: @Sendable (WatchUpdate) -> Void {
        { [self] update in
            if inHandler.exchange(true, ordering: .acquiringAndReleasing) { overlapped.store(true, ordering: .relaxed) }
            updates.withLock { $0.append(update) }
            inHandler.store(false, ordering: .releasing)
        }
    }

    var all: [WatchUpdate] { updates.withLock { $0 } }
    var handlerOverlapped: Bool { overlapped.load(ordering: .relaxed) }

    /// Every event delivered so far, in order.
    var events: [KVEvent] {
        all.flatMap { update -> [KVEvent] in
            if case .events(let e) = update { return e }
            return []
        }
    }

    var cancellation: (compactRevision: Int64, reason: String)? {
        for update in all { if case .canceled(let r, let reason) = update { return (r, reason) } }
        return nil
    }

    /// Waits (bounded) until `condition` holds for the updates so far; returns whether it did.
    @discardableResult
    func wait(seconds: Double = 10, until condition: ([WatchUpdate]) -> Bool) async -> Bool {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if condition(all) { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return condition(all)
    }

    /// Waits until at least `count` events arrived.
    @discardableResult
    func waitForEvents(_ count: Int, seconds: Double = 10) async -> Bool {
        await wait(seconds: seconds) { updates in
            updates.reduce(0) { n, u in if case .events(let e) = u { return n + e.count } else { return n } } >= count
        }
    }
}
