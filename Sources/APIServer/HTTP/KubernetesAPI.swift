import JSON
import Objects
import Wire

/// The Kubernetes REST API over HTTP: authentication, discovery, OpenAPI, health and version
/// here; resource verbs in `KubernetesAPI+Resources.swift`, watch streams in `+Watch.swift`.
///
/// `handle` runs on an event-loop thread: it answers cheap requests at once and hands resource
/// requests to a task (which only awaits the store; nothing blocks the cooperative pool). Answers
/// go through the thread-safe responder.
public final class KubernetesAPI: Sendable {
    /// Bodies above this are refused with 413 (Kubernetes' own limit is 3 MiB).
    public static let maxBodyBytes = 3 << 20

    public let discovery: DiscoveryDocuments
    let openAPI: OpenAPIDocuments
    let handlers: [String: any ResourceHandler]
    let tokens: StaticTokens?
    let serverAddress: String
    /// Seconds since the epoch, for ages in Tables (a parameter so tests can fix the clock).
    let now: @Sendable () -> Int64
    /// Whether the store behind the handlers answers (`/readyz`).
    let ready: @Sendable () async -> Bool

    /// - Parameters:
    ///   - tokens: bearer tokens; nil serves anonymous requests (only ever on loopback — the caller checks).
    ///   - serverAddress: `host:port` clients use, reported in `/api`.
    public init(handlers: [any ResourceHandler], tokens: StaticTokens?, serverAddress: String,
                now: @escaping @Sendable () -> Int64, ready: @escaping @Sendable () async -> Bool) {
        let served = handlers.map(\.served)
        discovery = DiscoveryDocuments(resources: served)
        openAPI = OpenAPIDocuments(resources: served)
        var byKey: [String: any ResourceHandler] = [:]
        for h in handlers { byKey[Self.key(h.served.kind.group, h.served.kind.version, h.served.kind.resource)] = h }
        self.handlers = byKey
        self.tokens = tokens
        self.serverAddress = serverAddress
        self.now = now
        self.ready = ready
    }

    static func key(_ group: String, _ version: String, _ resource: String) -> String { "\(group)/\(version)/\(resource)" }

    /// Serves one request (call from the HTTP server's handler).
    public func handle(_ request: HTTPServerRequest) {
        let head = request.head
        let path = APIRequestPath(head.path)
        let responder = request.responder
        switch path {
        case .health, .version: break
        default:
            if let tokens, tokens.authenticate(authorization: head.headers["Authorization"]) == nil {
                return respond(responder, APIStatus.unauthorized)
            }
        }
        let query = QueryParameters(parsing: Self.query(of: head.target))
        switch path {
        case .version: respondJSON(responder, TernVersion.info.encoded())
        case .health(let name):
            if name == "readyz" {
                Task { [self] in
                    let ok = await ready()
                    respondText(responder, ok ? 200 : 503, ok ? "ok" : "[-]store failed: no answer from the store\nreadyz check failed")
                }
            } else {
                respondText(responder, 200, "ok")
            }
        case .metrics: respondText(responder, 200, "# Tern API server: no metrics exported yet\n")
        case .coreVersions:
            if Self.wantsAggregated(head.headers["Accept"]) {
                respondJSON(responder, discovery.aggregated(core: true).encoded(), contentType: DiscoveryDocuments.aggregatedContentType)
            } else {
                respondJSON(responder, discovery.coreVersions(serverAddress: serverAddress).encoded())
            }
        case .groups:
            if Self.wantsAggregated(head.headers["Accept"]) {
                respondJSON(responder, discovery.aggregated(core: false).encoded(), contentType: DiscoveryDocuments.aggregatedContentType)
            } else {
                respondJSON(responder, discovery.groupList().encoded())
            }
        case .group(let name):
            guard let doc = discovery.apiGroup(name) else { return respond(responder, .pathNotFound) }
            respondJSON(responder, doc.encoded())
        case .groupVersion(let group, let version):
            guard let doc = discovery.resourceList(group: group, version: version) else { return respond(responder, .pathNotFound) }
            respondJSON(responder, doc.encoded())
        case .openAPIIndex: respondJSON(responder, openAPI.index)
        case .openAPIDocument(let group, let version):
            guard let doc = openAPI.documents[group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"] else {
                return respond(responder, .pathNotFound)
            }
            respondJSON(responder, doc)
        case .resource(let target):
            guard let handler = handlers[Self.key(target.group, target.version, target.resource)] else {
                return respond(responder, .pathNotFound)
            }
            serveResource(handler, target: target, query: query, request: request)
        case .unknown:
            respond(responder, .pathNotFound)
        }
    }

    // MARK: answers

    func respond(_ responder: HTTPResponder, _ status: APIStatus) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if status.retryAfterSeconds > 0 { headers.add(name: "Retry-After", value: String(status.retryAfterSeconds)) }
        responder.respond(status: status.code, headers: headers, body: status.json.encoded())
    }

    func respondJSON(_ responder: HTTPResponder, _ body: [UInt8], status: Int = 200, contentType: String = "application/json",
                     warnings: [String] = []) {
        var headers: HTTPHeaders = ["Content-Type": contentType]
        for w in warnings { headers.add(name: "Warning", value: "299 - \"\(w.replacingQuotes())\"") }
        responder.respond(status: status, headers: headers, body: body)
    }

    func respondText(_ responder: HTTPResponder, _ status: Int, _ text: String) {
        responder.respond(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    static func query(of target: String) -> Substring {
        guard let q = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: q)...]
    }

    /// kubectl asks for aggregated discovery first in its Accept list; legacy clients do not.
    static func wantsAggregated(_ accept: String?) -> Bool {
        accept?.contains("as=APIGroupDiscoveryList") == true && accept?.contains("g=apidiscovery.k8s.io") == true
    }
}

extension String {
    /// Escapes double quotes and backslashes for a quoted header value.
    func replacingQuotes() -> String {
        var out = ""
        for ch in self {
            if ch == "\"" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
