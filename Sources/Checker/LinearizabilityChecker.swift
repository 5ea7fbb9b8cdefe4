/// Wing & Gong's linearizability search with Lowe's memoization, over any ``CheckerModel``.
///
/// The history becomes a doubly linked list of 2n call/return entries in time order
/// (calls before returns on equal times, unknown returns at +infinity). The walk tries
/// to linearize the call under the cursor: if the model accepts it and the pair
/// (linearized set, state) is new, it is pushed, unlinked with its return, and the walk
/// restarts at the head. Reaching a return means that operation has not been placed in
/// time: pop the last choice, restore, and try the next call. An empty list proves
/// linearizability; an empty stack at a return proves a violation.
///
/// Pruning of reads: a read that fits the current state is placed at once and never
/// retried later. This loses nothing: in any valid order that places the read later, the
/// read can move to the current point (it is pending, every operation still pending returned
/// after its call, and a read changes no state), so some valid order starts with it.
public struct LinearizabilityChecker<Model: CheckerModel> {
    /// The specification.
    public var model: Model
    /// The most search steps (entries visited) before answering `unknown`. The memo cache keeps
    /// up to one (bitset, state) pair per step, so this also bounds memory (roughly 1 KB a step
    /// for a 1000-operation history over a few keys).
    public var maxSteps: Int

    /// Creates a checker with a step budget.
    public init(model: Model, maxSteps: Int = 1_000_000) {
        self.model = model
        self.maxSteps = maxSteps
    }

    private struct Entry {
        var operation: Int
        var isCall: Bool
        var prev: Int
        var next: Int
        var partner: Int
    }

    private struct CacheKey: Hashable {
        var linearized: Bitset
        var state: Model.State
    }

    /// Checks `history` starting from `initialState` (the model's own initial state when nil).
    /// - Parameter shouldStop: polled every 4096 steps; returning true ends the search with `unknown`.
    public func check(
        _ history: [TimedOperation<Model.Input, Model.Output>],
        from initialState: Model.State? = nil,
        shouldStop: () -> Bool = { false }
    ) -> LinearizabilityVerdict {
        let count = history.count
        if count == 0 { return .linearizable(order: []) }
        // Entries: 0 is the head sentinel; then one call and one return per operation.
        var events: [(time: UInt64, isReturn: Bool, infinite: Bool, operation: Int)] = []
        events.reserveCapacity(2 * count)
        for (index, operation) in history.enumerated() {
            if let returned = operation.returnNanoseconds, returned < operation.callNanoseconds {
                return .malformedHistory(operation: index)
            }
            let unknown = operation.isUnknownOutcome
            events.append((operation.callNanoseconds, false, false, index))
            events.append((unknown ? UInt64.max : operation.returnNanoseconds ?? UInt64.max, true, unknown, index))
        }
        events.sort { a, b in
            if a.infinite != b.infinite { return !a.infinite }
            if a.time != b.time { return a.time < b.time }
            if a.isReturn != b.isReturn { return !a.isReturn }
            return a.operation < b.operation
        }
        var entries = [Entry(operation: -1, isCall: false, prev: -1, next: 1, partner: -1)]
        var callEntry = Array(repeating: -1, count: count)
        for (position, event) in events.enumerated() {
            let index = position + 1
            entries.append(Entry(operation: event.operation, isCall: !event.isReturn, prev: index - 1,
                                 next: index == events.count ? -1 : index + 1, partner: -1))
            if event.isReturn {
                let call = callEntry[event.operation]
                precondition(call >= 0, "a return sorted before its call")
                entries[index].partner = call
                entries[call].partner = index
            } else {
                callEntry[event.operation] = index
            }
        }

        func unlink(_ index: Int) {
            let entry = entries[index]
            entries[entry.prev].next = entry.next
            if entry.next >= 0 { entries[entry.next].prev = entry.prev }
        }
        func relink(_ index: Int) {
            let entry = entries[index]
            entries[entry.prev].next = index
            if entry.next >= 0 { entries[entry.next].prev = index }
        }

        var state = initialState ?? model.initialState
        var linearized = Bitset(count: count)
        var cache = Set<CacheKey>()
        // `committed`: a read placed as soon as it fitted; by the argument in the type's comment it
        // never needs to be tried later, so backtracking passes over it.
        var stack: [(call: Int, previous: Model.State, committed: Bool)] = []
        var best: (prefix: [Int], blocked: Int, state: Model.State)? = nil
        var cursor = entries[0].next
        var steps = 0

        search: while entries[0].next >= 0 {
            steps += 1
            if steps > maxSteps || (steps & 4095 == 0 && shouldStop()) { return .unknown(stepsUsed: steps) }
            precondition(cursor >= 0, "walked past the last entry of a non-empty list")
            let entry = entries[cursor]
            let operation = history[entry.operation]
            var mustBacktrack = false
            if entry.isCall {
                let readOnly = model.isReadOnly(operation.input)
                if let next = model.step(state, input: operation.input, output: operation.output) {
                    var bits = linearized
                    bits.insert(entry.operation)
                    if cache.insert(CacheKey(linearized: bits, state: next)).inserted {
                        stack.append((cursor, state, readOnly))
                        state = next
                        linearized = bits
                        unlink(cursor)
                        unlink(entry.partner)
                        cursor = entries[0].next
                        continue
                    }
                    // Already explored with this read placed here, and it failed: so does every order from here.
                    mustBacktrack = readOnly
                }
                if !mustBacktrack {
                    cursor = entry.next
                    continue
                }
            } else if best == nil || stack.count > best!.prefix.count {
                best = (stack.map { entries[$0.call].operation }, entry.operation, state)
            }
            // Backtrack: undo choices, passing over committed reads, until one can be replaced by a later call.
            while true {
                guard let top = stack.popLast() else { break search }
                let call = entries[top.call]
                state = top.previous
                linearized.remove(call.operation)
                relink(call.partner)
                relink(top.call)
                if !top.committed {
                    cursor = call.next
                    continue search
                }
            }
        }
        if entries[0].next < 0 {
            var order: [Int] = []
            order.reserveCapacity(count)
            for item in stack { order.append(entries[item.call].operation) }
            return .linearizable(order: order)
        }
        let found = best ?? ([], entries[entries[0].next].operation, model.initialState)
        return .notLinearizable(report(history, prefix: found.prefix, blocked: found.blocked, state: found.state))
    }

    private func report(
        _ history: [TimedOperation<Model.Input, Model.Output>], prefix: [Int], blocked: Int, state: Model.State
    ) -> LinearizabilityViolation {
        func line(_ index: Int) -> String {
            let op = history[index]
            let output = op.output.map { "\($0)" } ?? "unknown outcome"
            let returned = op.returnNanoseconds.map(String.init) ?? "inf"
            let shown = (op.input as? any SourceIndexed)?.sourceIndex ?? index
            return "#\(shown) client \(op.client) [\(op.callNanoseconds), \(returned)] \(op.input) -> \(output)"
        }
        var text = "  the longest valid order places \(prefix.count) of \(history.count) operations"
        let tail = prefix.suffix(8)
        if !tail.isEmpty {
            text += "; its last \(tail.count):\n" + tail.map { "    " + line($0) }.joined(separator: "\n")
        }
        text += "\n  then no pending operation fits before this one returned:\n    " + line(blocked)
        text += "\n  " + model.explain(state, input: history[blocked].input)
        let blockedCall = history[blocked].callNanoseconds
        let concurrent = history.indices.filter { index in
            index != blocked && !prefix.contains(index) && history[index].callNanoseconds <= (history[blocked].returnNanoseconds ?? .max)
                && (history[index].returnNanoseconds ?? .max) >= blockedCall
        }
        if !concurrent.isEmpty {
            text += "\n  concurrent, not yet placed:\n" + concurrent.prefix(8).map { "    " + line($0) }.joined(separator: "\n")
        }
        return LinearizabilityViolation(blockedOperation: blocked, longestPrefix: prefix, explanation: text)
    }
}
