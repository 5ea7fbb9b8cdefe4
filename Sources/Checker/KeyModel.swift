/// The revision-free sequential model of one key, with a set of possible slots for
/// transactions whose branch cannot be decided from this key alone.
public struct KeyModel: CheckerModel {
    /// Creates the model.
    public init() {}

    /// The possible slots, sorted and unique (one element except after undecidable transactions).
    public var initialState: [KeySlot] { [.absent] }

    /// Keeps the slots consistent with the step's observations and applies its effect; nil when none remain.
    public func step(_ state: [KeySlot], input: KeyStep, output: KeyStepAnswered?) -> [KeySlot]? {
        var next = Set<KeySlot>()
        for slot in state { next.formUnion(Self.successors(of: slot, input.action)) }
        return next.isEmpty ? nil : next.sorted()
    }

    /// Projected reads never change the state.
    public func isReadOnly(_ input: KeyStep) -> Bool {
        if case .read = input.action { return true }
        return false
    }

    /// What the model allows, for reports.
    public func explain(_ state: [KeySlot], input: KeyStep) -> String {
        "the key could only be \(state.map(\.description).joined(separator: " or ")) here"
    }

    static func successors(of slot: KeySlot, _ action: KeyStep.Action) -> [KeySlot] {
        switch action {
        case .read(let observed):
            return observed == slot ? [slot] : []
        case .put(let value, let lease, let observedPrevious):
            if let observedPrevious, observedPrevious != slot { return [] }
            return [slot.applying(.put(key: "", value: value, lease: lease))]
        case .delete(let observedExisting):
            if let observedExisting, observedExisting != slot.exists { return [] }
            return [.absent]
        case .txn(let compares, let decidedHere, let success, let failure, let succeeded):
            var truth: Bool? = true
            for compare in compares {
                switch compare {
                case .valueEquals(_, let value): if !(slot.exists && slot.value == value) { truth = false }
                case .versionEquals(_, let version): if slot.version != version { truth = false }
                case .modRevisionEquals: if truth == true { truth = nil }
                }
                if truth == false { break }
            }
            if truth == true && !decidedHere { truth = nil }
            if let succeeded {
                if let truth, truth != succeeded { return [] }
                return [slot.applying(succeeded ? success : failure)]
            }
            if let truth { return [slot.applying(truth ? success : failure)] }
            return [slot.applying(success), slot.applying(failure)]
        case .revoke(let lease):
            return slot.exists && slot.lease == lease ? [.absent] : [slot]
        }
    }
}
