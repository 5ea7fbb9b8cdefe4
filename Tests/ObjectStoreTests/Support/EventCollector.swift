import Objects
import Synchronization
import TestSupport

/// Collects watch events from any thread; tests poll it with a bounded wait.
final class EventCollector<T: APIObject>: Sendable {
    let events = Mutex<[ObjectWatchEvent<T>]>([])

    func append(_ event: ObjectWatchEvent<T>) { events.withLock { $0.append(event) } }

    var snapshot: [ObjectWatchEvent<T>] { events.withLock { $0 } }

    /// Waits (at most `seconds`) until `done` holds for the events collected so far.
    @discardableResult
    func wait(seconds: Double = 10, until done: ([ObjectWatchEvent<T>]) -> Bool) async -> [ObjectWatchEvent<T>] {
        let deadline = monotonicSeconds() + seconds
        while true {
            let now = snapshot
            if done(now) || monotonicSeconds() > deadline { return now }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
    }

    func wait(count: Int, seconds: Double = 10) async -> [ObjectWatchEvent<T>] {
        await wait(seconds: seconds) { $0.count >= count }
    }
}

/// `ADDED web 5`-style summaries, for compact expectations.
func summary<T: APIObject>(_ events: [ObjectWatchEvent<T>]) -> [String] {
    events.map { e in
        switch e {
        case .bookmark(let rv): return "BOOKMARK \(rv)"
        case .closed(let error): return "ERROR \(error.reason)"
        default: return "\(e.typeName) \(e.object!.metadata.name)"
        }
    }
}
