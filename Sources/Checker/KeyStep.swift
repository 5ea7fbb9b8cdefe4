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
