/// etcd's `WatchCreateRequest`, as the keyspace needs it.
public struct WatchCreateRequest: Sendable, Equatable {
    /// The key watched (may be empty, with rangeEnd `[0]` meaning every key).
    public var key: [UInt8]
    /// Range end as in ``RangeRequest/rangeEnd``.
    public var rangeEnd: [UInt8]
    /// First revision delivered (inclusive); 0 = after the current revision.
    public var startRevision: Int64
    /// Drop PUT events.
    public var noPut: Bool
    /// Drop DELETE events.
    public var noDelete: Bool
    /// Include prev_kv in events.
    public var prevKV: Bool
    /// The replica sends periodic progress notifications to this watcher.
    public var progressNotify: Bool
    /// The stream-level watch_id echoed in responses (chosen by the replica).
    public var watchID: Int64

    /// A create request; options default to off.
    public init(key: [UInt8], rangeEnd: [UInt8] = [], startRevision: Int64 = 0, noPut: Bool = false,
                noDelete: Bool = false, prevKV: Bool = false, progressNotify: Bool = false, watchID: Int64 = 0) {
        self.key = key
        self.rangeEnd = rangeEnd
        self.startRevision = startRevision
        self.noPut = noPut
        self.noDelete = noDelete
        self.prevKV = prevKV
        self.progressNotify = progressNotify
        self.watchID = watchID
    }
}

/// What a consumer takes from a watcher: a batch of whole revisions, or the watcher's cancellation.
public struct WatchBatch: Sendable {
    /// Events or a cancellation.
    public enum Kind: Sendable, Equatable {
        /// `events` holds one or more whole revisions.
        case events
        /// The watcher was cancelled because its start revision was compacted; it is now removed.
        case canceled(compactRevision: Int64)
    }

    /// The watcher's handle.
    public var handle: Int
    /// The stream-level watch_id.
    public var watchID: Int64
    /// Events or a cancellation.
    public var kind: Kind
    /// Header revision: the current revision when the watcher is caught up after this batch, else the
    /// last event's revision.
    public var headerRevision: Int64
    /// Events in revision order (never a partial revision).
    public var events: [SharedEvent]
    /// Whether the watcher asked for prev_kv.
    public var prevKV: Bool

    /// Appends `{"result":{...}}` (no trailing newline) in etcd's watch-response shape; the cluster fields
    /// of `header` come from the replica, its revision is replaced by ``headerRevision`` (omitted for a
    /// compaction cancel, as etcd does).
    public func appendJSON(header: ResponseHeader, to output: inout [UInt8]) {
        var header = header
        output.append(contentsOf: Array("{\"result\":{\"header\":".utf8))
        var first = false
        switch kind {
        case .events:
            header.revision = headerRevision
            GatewayJSON.appendHeader(header, to: &output)
            GatewayJSON.appendInt64Field("watch_id", watchID, to: &output, first: &first)
            if !events.isEmpty {
                GatewayJSON.appendName("events", to: &output, first: &first)
                output.append(UInt8(ascii: "["))
                for (index, event) in events.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    output.append(contentsOf: event.bytes(prevKV: prevKV))
                }
                output.append(UInt8(ascii: "]"))
            }
        case .canceled(let compactRevision):
            header.revision = 0
            GatewayJSON.appendHeader(header, to: &output)
            GatewayJSON.appendInt64Field("watch_id", watchID, to: &output, first: &first)
            GatewayJSON.appendTrueField("canceled", true, to: &output, first: &first)
            GatewayJSON.appendInt64Field("compact_revision", compactRevision, to: &output, first: &first)
        }
        output.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "}")])
    }
}
