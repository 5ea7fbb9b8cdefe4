import Dispatch
import APIServer
import JSON
import Objects
import Replica
import Wire
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A one-member store in this process with the Kubernetes API in front of it, on loopback ports.
/// Requests are blocking HTTP calls: run tests off the cooperative pool (`offPool`).
final class APIFixture: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init and itself thread-safe.
    let cluster: MemberCluster
    let resources: StandardResources
    let server: HTTPServer
    let group: EventLoopGroup
    let port: UInt16

    init(tokens: StaticTokens? = nil) throws {
        cluster = try MemberCluster(size: 1)
        let member = cluster.members[0]
        resources = StandardResources(client: member.kv)
        let resources = self.resources
        let api = KubernetesAPI(handlers: resources.handlers, tokens: tokens, serverAddress: "127.0.0.1",
                                now: { StoreEnvironment.wallClock().seconds }, ready: { resources.isReady })
        group = try EventLoopGroup(threadCount: 1, name: "api-test")
        var http = HTTPServerConfiguration(address: member.config.api.socketAddress)
        http.maxBodyBytes = KubernetesAPI.maxBodyBytes
        server = HTTPServer(configuration: http, group: group) { request in api.handle(request) }
        try server.start()
        port = server.port
        let done = DispatchSemaphore(value: 0)
        Task {
            await resources.start(retryMilliseconds: 50) { false }
            done.signal()
        }
        guard done.wait(timeout: .now() + 60) == .success else { throw TestFailure("the watch caches did not load within 60 s") }
    }

    func shutdown() {
        server.shutdown(gracePeriodNanoseconds: 100_000_000)
        resources.stop()
        group.shutdown()
        cluster.shutdown()
    }

    /// One request; the body parsed as JSON when it is JSON.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: String = "", contentType: String = "application/json",
              headers extra: [(String, String)] = []) throws -> (status: Int, json: JSONValue, text: String, headers: HTTPHeaders) {
        let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: 10_000_000_000)
        defer { client.close() }
        var headers: HTTPHeaders = ["Content-Type": contentType]
        for (k, v) in extra { headers.add(name: k, value: v) }
        let r = try client.request(method: method, path: path, headers: headers, body: Array(body.utf8))
        let text = String(decoding: r.body, as: UTF8.self)
        return (r.status, (try? JSONParser.parse(r.body)) ?? .null, text, r.headers)
    }

    /// Opens a watch and returns a reader of its event lines.
    func watch(_ path: String, accept: String = "application/json") throws -> WatchReader {
        let client = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: 10_000_000_000)
        try client.startStreamingRequest(method: "GET", path: path, headers: ["Accept": accept])
        try client.finishBody()
        let head = try client.readResponseHead()
        return WatchReader(client: client, status: head.status)
    }
}

/// The event lines of one watch response.
final class WatchReader {
    let client: HTTPClient
    let status: Int

    init(client: HTTPClient, status: Int) {
        self.client = client
        self.status = status
    }

    /// The next event (type, object), or nil when the stream ended.
    func next() throws -> (type: String, object: JSONValue)? {
        guard let line = try client.readBodyLine() else { return nil }
        let event = try JSONParser.parse(line)
        guard case .string(let type)? = event["type"] else { throw TestFailure("event without type: \(String(decoding: line, as: UTF8.self))") }
        return (type, event["object"] ?? .null)
    }

    func close() { client.close() }
}

extension JSONValue {
    func path(_ keys: String...) -> JSONValue? {
        var v: JSONValue? = self
        for k in keys { v = v?[k] }
        return v
    }
}
