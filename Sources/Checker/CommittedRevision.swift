/// The events one committed revision made, in the order its request made them.
public struct CommittedRevision: Hashable, Sendable {
    /// The revision.
    public var revision: Int64
    /// Its events.
    public var events: [WatchEvent]

    /// Creates a committed revision.
    public init(revision: Int64, events: [WatchEvent]) {
        self.revision = revision
        self.events = events
    }
}
