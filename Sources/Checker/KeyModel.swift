/// What one key holds in the revision-free per-key model: absent, or a value with its version and lease.
public struct KeySlot: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Whether the key exists.
    public var exists: Bool
    /// The value ("" when absent).
    public var value: String
    /// The version (0 when absent).
    public var version: Int64
    /// The lease (0 for none or absent).
    public var lease: Int64

    /// The absent key.
    public static let absent = KeySlot(exists: false, value: "", version: 0, lease: 0)

    /// Creates a slot.
    public init(exists: Bool, value: String, version: Int64, lease: Int64) {
        self.exists = exists
        self.value = value
        self.version = version
        self.lease = lease
    }

    /// The slot a record describes (revisions dropped).
    public init(_ kv: KeyValue?) {
        if let kv { self.init(exists: true, value: kv.value, version: kv.version, lease: kv.lease) } else { self = .absent }
    }

    /// Orders slots so sets of them have one canonical array form.
    public static func < (lhs: KeySlot, rhs: KeySlot) -> Bool {
        (lhs.exists ? 1 : 0, lhs.version, lhs.lease) < (rhs.exists ? 1 : 0, rhs.version, rhs.lease)
            || ((lhs.exists ? 1 : 0, lhs.version, lhs.lease) == (rhs.exists ? 1 : 0, rhs.version, rhs.lease) && keyLess(lhs.value, rhs.value))
    }

    /// `"v" ver=2` or `(absent)`.
    public var description: String {
        exists ? "\(quoted(value)) ver=\(version)" + (lease == 0 ? "" : " lease=\(lease)") : "(absent)"
    }

    func applying(_ write: TxnWrite?) -> KeySlot {
        switch write {
        case nil: self
        case .put(_, let value, let lease): KeySlot(exists: true, value: value, version: version + 1, lease: lease)
        case .delete: .absent
        }
    }
}

/// One operation of the history projected onto one key: what it observed of the key and what it did to it.
public struct KeyStep: Hashable, Sendable, CustomStringConvertible {
    /// The projection.
    public enum Action: Hashable, Sendable {
        /// The operation saw the key in this state (get, range, prev_kv, a single-key delete's count).
        case read(KeySlot)
        /// A put, with the previous slot when the response carried it.
        case put(value: String, lease: Int64, observedPrevious: KeySlot?)
        /// A delete; `observedExisting` is known for a single-key delete's count, or when a prefix delete deleted nothing.
        case delete(observedExisting: Bool?)
        /// A transaction: its comparisons on this key, whether every comparison is on this key
        /// and evaluable here, the branch writes on this key, and the branch taken when known.
        case txn(compares: [TxnCompare], decidedHere: Bool, success: TxnWrite?, failure: TxnWrite?, succeeded: Bool?)
        /// A lease revoke: deletes the key when it is attached to this lease.
        case revoke(lease: Int64)
    }

    /// Index of the operation in the full history.
    public var source: Int
    /// The projected action.
    public var action: Action
    /// The full request, for reports.
    public var original: String

    /// The request and, when it observed the key, what it saw.
    public var description: String {
        switch action {
        case .read(let slot): "\(original), saw \(slot)"
        case .put(_, _, let previous?): "\(original), previous \(previous)"
        case .delete(let existed?): "\(original), key \(existed ? "existed" : "absent")"
        case .txn(_, _, _, _, let succeeded?): "\(original), \(succeeded ? "succeeded" : "failed")"
        default: original
        }
    }
}

extension KeyStep: SourceIndexed {
    /// The operation's index in the full history.
    public var sourceIndex: Int { source }
}

/// The per-key response placeholder: observations live in ``KeyStep``, so the response only says "answered".
public struct KeyStepAnswered: Hashable, Sendable, CustomStringConvertible {
    /// The only value.
    public init() {}

    /// "answered".
    public var description: String { "answered" }
}

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
