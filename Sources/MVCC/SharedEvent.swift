/// One event as delivered to watchers, JSON-encoded once and shared by every watcher receiving it.
///
/// Immutable after creation, so it is `Sendable` and its bytes can be written to many HTTP streams from
/// any thread.
public final class SharedEvent: Sendable {
    /// The event (with prev_kv when it was available).
    public let event: Event
    /// `{"kv":..}` / `{"type":"DELETE","kv":..}` without prev_kv.
    public let json: [UInt8]
    /// The same with `"prev_kv"`, built only when a receiving watcher asked for prev_kv and there is one.
    public let jsonWithPrevKV: [UInt8]?

    /// Encodes `event`; `withPrevKV` also builds the prev_kv variant.
    public init(_ event: Event, withPrevKV: Bool) {
        self.event = event
        var plain: [UInt8] = []
        GatewayJSON.appendEvent(event, includePrevKV: false, to: &plain)
        self.json = plain
        if withPrevKV, event.prevKV != nil {
            var full: [UInt8] = []
            GatewayJSON.appendEvent(event, includePrevKV: true, to: &full)
            self.jsonWithPrevKV = full
        } else {
            self.jsonWithPrevKV = nil
        }
    }

    /// The event's revision.
    public var revision: Revision { event.revision }

    /// The bytes for a watcher that did (or did not) ask for prev_kv.
    @inlinable
    public func bytes(prevKV: Bool) -> [UInt8] {
        prevKV ? (jsonWithPrevKV ?? json) : json
    }
}
