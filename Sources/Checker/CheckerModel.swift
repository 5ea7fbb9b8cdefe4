/// A sequential specification the linearizability checker replays operations against.
///
/// `step` must be pure and deterministic in what it accepts: the same state, input and
/// output always give the same answer. A nil `output` means the outcome is unknown: the
/// step must then accept whatever the operation would have answered.
public protocol CheckerModel: Sendable {
    /// The specification's state; hashed into the checker's memo cache.
    associatedtype State: Hashable
    /// A request.
    associatedtype Input: Hashable & Sendable
    /// A response.
    associatedtype Output: Hashable & Sendable

    /// The state before the first operation.
    var initialState: State { get }

    /// The state after applying `input` to `state`, or nil when `output` is not what the specification answers.
    func step(_ state: State, input: Input, output: Output?) -> State?

    /// One line saying what the specification would answer to `input` in `state` (for violation reports).
    func explain(_ state: State, input: Input) -> String

    /// True when `input` never changes any state (a read). The search then places it as soon as
    /// it fits and never tries it later, which prunes without losing completeness.
    func isReadOnly(_ input: Input) -> Bool
}

extension CheckerModel {
    /// By default no input is treated as read-only (no pruning).
    public func isReadOnly(_ input: Input) -> Bool { false }
}

/// A projected input that remembers which operation of the full history it came from (reports show that index).
public protocol SourceIndexed {
    /// The index of the originating operation in the full history.
    var sourceIndex: Int { get }
}
