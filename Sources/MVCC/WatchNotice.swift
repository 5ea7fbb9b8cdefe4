/// The watch responses that carry no events: created, client cancel, and progress, in the exact shape
/// of etcd 3.4's gateway (events and compaction cancels are ``WatchBatch``).
public enum WatchNotice: Sendable, Equatable {
    /// `{"result":{"header":..,"watch_id":"N","created":true}}` (watch_id omitted when 0).
    case created(watchID: Int64)
    /// `{"result":{"header":..,"watch_id":"N","canceled":true}}` after a client's cancel_request.
    case canceled(watchID: Int64)
    /// A progress notification: `{"result":{"header":..}}` for a periodic one (watchID nil), or with
    /// `"watch_id":"-1"` in answer to a progress_request. Use ``Keyspace/progressRevision(_:)`` for the
    /// header revision.
    case progress(watchID: Int64?)
    /// A create request refused (watch_id in use, or an empty key range): etcd sends one message,
    /// `{"result":{"header":..,"watch_id":"-1","created":true,"canceled":true,"cancel_reason":..}}`.
    case rejected(reason: String)

    /// etcd's reason for a create whose watch_id is already used on the stream.
    public static let duplicateIDReason = "mvcc: duplicate watch ID provided on the WatchStream"
    /// etcd's reason for a create whose range end is not after its key.
    public static let emptyRangeReason = "mvcc: watcher range is empty"

    /// Appends the response (no trailing newline) with `header` as given.
    public func appendJSON(header: ResponseHeader, to output: inout [UInt8]) {
        output.append(contentsOf: Array("{\"result\":{\"header\":".utf8))
        GatewayJSON.appendHeader(header, to: &output)
        var first = false
        switch self {
        case .created(let watchID):
            GatewayJSON.appendInt64Field("watch_id", watchID, to: &output, first: &first)
            GatewayJSON.appendTrueField("created", true, to: &output, first: &first)
        case .canceled(let watchID):
            GatewayJSON.appendInt64Field("watch_id", watchID, to: &output, first: &first)
            GatewayJSON.appendTrueField("canceled", true, to: &output, first: &first)
        case .progress(let watchID):
            if let watchID { GatewayJSON.appendInt64Field("watch_id", watchID, to: &output, first: &first) }
        case .rejected(let reason):
            GatewayJSON.appendInt64Field("watch_id", -1, to: &output, first: &first)
            GatewayJSON.appendTrueField("created", true, to: &output, first: &first)
            GatewayJSON.appendTrueField("canceled", true, to: &output, first: &first)
            GatewayJSON.appendName("cancel_reason", to: &output, first: &first)
            GatewayJSON.appendString(reason, to: &output)
        }
        output.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "}")])
    }
}
