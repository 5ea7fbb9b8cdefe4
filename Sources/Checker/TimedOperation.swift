/// One client operation as a recorder saw it: what was asked, what came back, and when.
///
/// Times come from one monotonic clock (nanoseconds) and the interval
/// `[callNanoseconds, returnNanoseconds]` is closed. An operation whose outcome is
/// unknown (timeout, dropped connection) has `output == nil` and
/// `returnNanoseconds == nil`, which the checkers read as "returned at +infinity":
/// it may have taken effect at any point after its call, or never. An operation resolved
/// from the committed log (``OutcomeResolution``) has an output but still returns at +infinity.
public struct TimedOperation<Input: Hashable & Sendable, Output: Hashable & Sendable>: Hashable, Sendable {
    /// The logical client that issued the operation (one operation in flight per client).
    public var client: Int
    /// The request.
    public var input: Input
    /// When the request was sent, in nanoseconds of the recorder's monotonic clock.
    public var callNanoseconds: UInt64
    /// The response, or nil when the outcome is unknown (then `returnNanoseconds` must be nil too).
    public var output: Output?
    /// When the response arrived, or nil (+infinity) when the outcome is unknown.
    public var returnNanoseconds: UInt64?

    /// Creates an operation; pass nil for both `output` and `returnNanoseconds` when the outcome is unknown.
    public init(client: Int, input: Input, callNanoseconds: UInt64, output: Output?, returnNanoseconds: UInt64?) {
        self.client = client
        self.input = input
        self.callNanoseconds = callNanoseconds
        self.output = output
        self.returnNanoseconds = returnNanoseconds
    }

    /// True when the response never arrived (or was resolved later): the operation returns at +infinity.
    public var isUnknownOutcome: Bool { output == nil || returnNanoseconds == nil }

    /// True when this operation finished strictly before `other` was sent (real-time order).
    public func precedes<I, O>(_ other: TimedOperation<I, O>) -> Bool {
        guard let returned = returnNanoseconds else { return false }
        return returned < other.callNanoseconds
    }
}

/// A recorded history of the KV API.
public typealias KVOperation = TimedOperation<KVInput, KVOutput>
