/// How `resourceVersion` of a list is to be read (Kubernetes' `resourceVersionMatch`).
public enum ResourceVersionMatch: String, Equatable, Sendable {
    /// At least as new as the given version (the default when a version is given).
    case notOlderThan = "NotOlderThan"
    /// Exactly at the given version (fails with 410 once it is compacted).
    case exact = "Exact"
}

/// The options of a list (query parameters `resourceVersion`, `resourceVersionMatch`, `limit`,
/// `continue`); selectors are given separately as a predicate.
public struct ListOptions: Equatable, Sendable {
    /// "" = the most recent state (a consistent read); "0" = any state (a cache is fine); "N" = see
    /// ``resourceVersionMatch``.
    public var resourceVersion: String
    /// How a numeric ``resourceVersion`` is matched (nil = NotOlderThan).
    public var resourceVersionMatch: ResourceVersionMatch?
    /// At most this many items per page (0 = all).
    public var limit: Int
    /// The token of the previous page.
    public var continueToken: String?

    /// Options; the defaults list everything, most recent.
    public init(resourceVersion: String = "", resourceVersionMatch: ResourceVersionMatch? = nil, limit: Int = 0,
                continueToken: String? = nil) {
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.limit = limit
        self.continueToken = continueToken
    }
}

/// One page of a list.
public struct ObjectList<T: APIObject>: Equatable, Sendable {
    /// The matching objects in key order (namespace, then name).
    public var items: [T]
    /// The store revision the list was read at.
    public var resourceVersion: String
    /// The token for the next page; nil on the last page.
    public var continueToken: String?
    /// How many objects remain after this page, when known (only for unfiltered lists).
    public var remainingItemCount: Int64?

    /// A page.
    public init(items: [T], resourceVersion: String, continueToken: String? = nil, remainingItemCount: Int64? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }
}
