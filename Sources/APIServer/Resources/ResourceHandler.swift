import JSON
import Objects

/// How the server treats fields it does not know in a request body (`?fieldValidation=`).
public enum FieldValidation: String, Sendable {
    /// Refuse the request with 400 naming the unknown fields.
    case strict = "Strict"
    /// Accept it and return a `Warning` header per unknown field.
    case warn = "Warn"
    /// Accept it silently (unknown fields are still kept, as for any client).
    case ignore = "Ignore"
}

/// Options of a create, update or patch.
public struct WriteParameters: Equatable, Sendable {
    public var fieldManager: String = ""
    public var fieldValidation: FieldValidation = .ignore
    /// `dryRun=All`: validate and answer as if written, without writing.
    public var dryRun: Bool = false
    /// Server-side apply: take over fields owned by other managers.
    public var force: Bool = false

    public init() {}
}

/// Options of a list (`GET` on a collection).
public struct ListParameters: Equatable, Sendable {
    public var labelSelector: String = ""
    public var fieldSelector: String = ""
    public var limit: Int64 = 0
    public var continueToken: String = ""
    /// "" = a consistent read of the newest state; "0" = any state (the cache); N = not older than N.
    public var resourceVersion: String = ""
    /// "", `NotOlderThan` or `Exact`.
    public var resourceVersionMatch: String = ""

    public init() {}
}

/// Options of a watch (`GET ...?watch=true`).
public struct WatchParameters: Equatable, Sendable {
    public var labelSelector: String = ""
    public var fieldSelector: String = ""
    /// "" or "0": synthetic ADDED events for existing objects first, then changes; N: changes after N.
    public var resourceVersion: String = ""
    public var allowBookmarks: Bool = false
    /// End the stream cleanly after this many seconds (0 = the server's default).
    public var timeoutSeconds: Int64 = 0

    public init() {}
}

/// Options of a delete (the `DeleteOptions` body and query).
public struct DeleteParameters: Equatable, Sendable {
    /// `Background` (default), `Foreground` or `Orphan`.
    public var propagationPolicy: String = ""
    public var gracePeriodSeconds: Int64?
    public var preconditionUID: String = ""
    public var preconditionResourceVersion: String = ""
    public var dryRun: Bool = false

    public init() {}
}

/// The four PATCH content types.
public enum PatchType: String, Sendable, CaseIterable {
    case json = "application/json-patch+json"
    case merge = "application/merge-patch+json"
    case strategic = "application/strategic-merge-patch+json"
    case apply = "application/apply-patch+yaml"
}

/// An object as the API serves it: its JSON, encoded once.
public struct ObjectBytes: Equatable, Sendable {
    public var json: [UInt8]
    /// For create-or-apply answers: whether the object was created (201) rather than changed (200).
    public var created: Bool
    /// `Warning` headers to return (unknown fields under `fieldValidation=Warn`, deprecations).
    public var warnings: [String]

    public init(json: [UInt8], created: Bool = false, warnings: [String] = []) {
        self.json = json
        self.created = created
        self.warnings = warnings
    }
}

/// One page of a list: the items' JSON (encoded once), the revision read, the continue token.
public struct ListPage: Equatable, Sendable {
    public var items: [[UInt8]]
    public var resourceVersion: String
    public var continueToken: String
    public var remainingItemCount: Int64?

    public init(items: [[UInt8]], resourceVersion: String, continueToken: String = "", remainingItemCount: Int64? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }
}

/// What a watch stream delivers to the HTTP layer.
public enum WatchStreamEvent: Equatable, Sendable {
    /// `ADDED`, `MODIFIED` or `DELETED` with the object's JSON (shared by every watcher of the event).
    case object(type: String, json: [UInt8])
    /// A bookmark at a resourceVersion.
    case bookmark(resourceVersion: String)
    /// An in-stream error (410 Expired when the resourceVersion is too old); the stream ends after it.
    case error(APIStatus)
}

/// A running watch stream; `cancel` stops delivery (idempotent).
public protocol WatchStreamHandle: Sendable {
    func cancel()
}

/// One served resource, at the level of JSON bytes: what the HTTP layer asks of the typed object
/// store (through a generic adapter per kind that decodes, defaults, validates and stores).
/// Namespaced resources get the namespace from the URL ("" = all namespaces for list and watch).
public protocol ResourceHandler: Sendable {
    var served: ServedResource { get }

    func get(namespace: String, name: String) async throws(APIStatus) -> ObjectBytes
    func list(namespace: String, options: ListParameters) async throws(APIStatus) -> ListPage
    func create(namespace: String, body: JSONValue, options: WriteParameters) async throws(APIStatus) -> ObjectBytes
    /// PUT of the object (`subresource` "") or of its `status`.
    func update(namespace: String, name: String, subresource: String, body: JSONValue, options: WriteParameters) async throws(APIStatus) -> ObjectBytes
    func patch(namespace: String, name: String, subresource: String, type: PatchType, body: [UInt8], options: WriteParameters) async throws(APIStatus) -> ObjectBytes
    /// Deletes (or, with finalizers or a grace period, marks for deletion); answers the object's last state.
    func delete(namespace: String, name: String, options: DeleteParameters) async throws(APIStatus) -> ObjectBytes
    /// Deletes every object of a list query; answers the deleted objects.
    func deleteCollection(namespace: String, list: ListParameters, options: DeleteParameters) async throws(APIStatus) -> ListPage
    /// Starts a watch; `sink` is called in order on a thread the implementation owns and returns
    /// false when the consumer is gone (the stream then stops).
    func watch(namespace: String, options: WatchParameters, sink: @escaping @Sendable (WatchStreamEvent) -> Bool) throws(APIStatus) -> any WatchStreamHandle
    /// Other subresources (`scale` GET/PUT/PATCH, `binding` POST, `log` GET), or 404.
    func subresource(namespace: String, name: String, subresource: String, method: String, body: [UInt8], query: QueryParameters) async throws(APIStatus) -> ObjectBytes
}
