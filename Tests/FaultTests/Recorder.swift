import TestSupport
import Checker
import Synchronization

/// The one recorder of a run: every client's operations (one monotonic clock), pinned reads, watch
/// streams and leader sightings. Thread-safe.
final class Recorder: Sendable {
    private let operations = Mutex<[KVOperation]>([])
    private let pinned = Mutex<[PinnedRead]>([])
    private let watches = Mutex<[WatchRecord]>([])
    private let leaders = Mutex<[LeaderObservation]>([])
    private let nextClient = Atomic<Int>(1)
    /// Unknown outcomes (writes with return time +∞, reads dropped).
    let unknownWrites = Atomic<Int>(0)
    let droppedReads = Atomic<Int>(0)
    /// Requests that never left (connection refused): not recorded, they did nothing.
    let notSent = Atomic<Int>(0)

    /// A fresh logical client id.
    func newClient() -> Int { nextClient.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// Performs `input` for `client` and records it. Returns the output (nil when unknown or not sent) and
    /// whether the request left at all. A caller whose write came back unknown must continue under
    /// ``newClient()``; one whose request was not sent keeps its id (nothing is in flight).
    @discardableResult
    func call(_ client: Int, _ input: KVInput, on calls: KVCalls) -> (output: KVOutput?, sent: Bool) {
        let start = monotonicNanoseconds()
        let outcome = calls.perform(input)
        let end = monotonicNanoseconds()
        switch outcome {
        case .answered(let output):
            operations.withLock { $0.append(KVOperation(client: client, input: input, callNanoseconds: start, output: output, returnNanoseconds: end)) }
            return (output, true)
        case .unknown:
            if input.isWrite {
                unknownWrites.add(1, ordering: .relaxed)
                operations.withLock { $0.append(KVOperation(client: client, input: input, callNanoseconds: start, output: nil, returnNanoseconds: nil)) }
            } else {
                droppedReads.add(1, ordering: .relaxed)
            }
            return (nil, true)
        case .notSent:
            notSent.add(1, ordering: .relaxed)
            return (nil, false)
        }
    }

    func addPinned(_ read: PinnedRead) { pinned.withLock { $0.append(read) } }
    func addWatch(_ record: WatchRecord) { watches.withLock { $0.append(record) } }
    func addLeader(_ observation: LeaderObservation) { leaders.withLock { $0.append(observation) } }

    var history: [KVOperation] { operations.withLock { $0 } }
    var pinnedReads: [PinnedRead] { pinned.withLock { $0 } }
    var watchRecords: [WatchRecord] { watches.withLock { $0 } }
    var leaderObservations: [LeaderObservation] { leaders.withLock { $0 } }
}
