#if canImport(Glibc)
import Glibc
#endif
import APIServer
import JSON
import Replica
import Wire

/// A blocking client of a member's Kubernetes API for `tern get|apply|...`: sends requests to the
/// first address that accepts a connection (trying the next one only when connecting fails, so a
/// request is never sent twice), with the bearer token when there is one.
/// - Warning: blocking; use from the main thread of the CLI only.
final class KubeClient {
    /// The API addresses to try, in order.
    let addresses: [SocketAddress]
    /// The bearer token, or nil for anonymous requests.
    let token: String?
    private var current = 0
    private var http: HTTPClient?

    /// The media type that makes the server answer a get or list with a `meta.k8s.io/v1` Table.
    static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

    init(addresses: [SocketAddress], token: String?) {
        self.addresses = addresses
        self.token = token
    }

    deinit { http?.close() }

    /// A client for the command line's `--server`, `--token` and `--config` options: `--server`
    /// wins, else every member's `api` address from the cluster file; the token is `--token`, else
    /// the first token of the cluster's `token-file`.
    /// - Throws: ``KubeError/usage(_:)`` for a malformed `--server`, ``KubeError/refused(_:)`` when
    ///   the cluster file or its token file cannot be read.
    static func from(options: KubeOptions) throws(KubeError) -> KubeClient {
        var token = options.token
        if let server = options.server {
            var text = server
            if text.hasPrefix("http://") { text.removeFirst("http://".count) }
            if text.hasSuffix("/") { text.removeLast() }
            if text.hasPrefix("localhost:") { text = "127.0.0.1:" + text.dropFirst("localhost:".count) }
            guard let address = try? SocketAddress(parsing: text) else {
                throw .usage("--server must be http://host:port (an IPv4 address or localhost), not \(server)")
            }
            return KubeClient(addresses: [address], token: token)
        }
        let path = options.config ?? "cluster.conf"
        guard Console.readFile(path) != nil, let cluster = Console.loadCluster(path) else {
            throw .refused("cannot read the cluster file \(path); pass --server http://host:port or --config FILE")
        }
        if token == nil, let file = cluster.tokenFile {
            guard let bytes = Console.readFile(cluster.resolve(file)),
                  let tokens = try? StaticTokens(parsing: String(decoding: bytes, as: UTF8.self)) else {
                throw .refused("cannot read a token from the cluster's token-file \(cluster.resolve(file)); pass --token")
            }
            token = tokens.firstToken
        }
        return KubeClient(addresses: cluster.members.map(\.api.socketAddress), token: token)
    }

    /// Sends one request and reads the whole answer.
    /// - Throws: ``KubeError/unreachable(addresses:reason:)`` when no address accepts a connection
    ///   or the connection fails mid-request.
    func send(_ method: String, _ path: String, body: [UInt8] = [], contentType: String? = nil,
              accept: String = "application/json") throws(KubeError) -> HTTPClientResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: accept)
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        var lastError = ""
        while current < addresses.count {
            let client = http ?? HTTPClient(address: addresses[current], timeoutNanoseconds: 30_000_000_000)
            http = client
            do {
                return try client.request(method: method, path: path, headers: headers, body: body)
            } catch {
                lastError = Self.readable(error)
                client.close()
                http = nil
                guard Self.isConnectFailure(error) else { break }
                current += 1
            }
        }
        throw .unreachable(addresses: addresses.map(\.description), reason: lastError)
    }

    /// Opens a streamed GET (a watch) and returns the client positioned at the start of the body
    /// (read it with `readBodyLine`). Starts at the address that answered last and moves on, round
    /// the list once, while connecting fails (a watch changes nothing, so moving on is safe).
    /// - Throws: ``KubeError/unreachable(addresses:reason:)``, or the `Status` of a non-200 answer.
    func openStream(_ path: String, accept: String) throws(KubeError) -> HTTPClient {
        var lastError = ""
        for _ in 0..<addresses.count {
            let address = addresses[current % addresses.count]
            let stream = HTTPClient(address: address, timeoutNanoseconds: 3600 * 1_000_000_000)
            var headers = HTTPHeaders()
            headers.add(name: "Accept", value: accept)
            if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
            let head: HTTPClientResponse
            do throws(WireError) {
                try stream.startStreamingRequest(method: "GET", path: path, headers: headers)
                try stream.finishBody()
                head = try stream.readResponseHead()
            } catch {
                stream.close()
                lastError = Self.readable(error)
                current = (current + 1) % addresses.count
                continue
            }
            guard head.status == 200 else {
                var answer = head
                answer.body = (try? stream.readWholeBody()) ?? []
                stream.close()
                throw Self.statusError(answer)
            }
            return stream
        }
        throw .unreachable(addresses: addresses.map(\.description), reason: lastError)
    }

    /// Sends a request and returns the answer's JSON when the status is 2xx.
    /// - Throws: ``KubeError/server(code:reason:message:)`` with the `Status` of any other answer.
    func json(_ method: String, _ path: String, body: [UInt8] = [], contentType: String? = nil,
              accept: String = "application/json") throws(KubeError) -> JSONValue {
        let response = try send(method, path, body: body, contentType: contentType, accept: accept)
        guard (200..<300).contains(response.status) else { throw Self.statusError(response) }
        guard let value = try? JSONParser.parse(response.body) else {
            throw .server(code: response.status, reason: "", message: "the answer to \(method) \(path) is not JSON")
        }
        return value
    }

    /// The error a non-2xx answer stands for: its `Status` reason and message when it has one.
    static func statusError(_ response: HTTPClientResponse) -> KubeError {
        let value = try? JSONParser.parse(response.body)
        if let value, case .string(let message)? = value["message"] {
            let reason: String
            if case .string(let r)? = value["reason"] { reason = r } else { reason = "" }
            return .server(code: response.status, reason: reason, message: message)
        }
        let text = String(decoding: response.body.prefix(500), as: UTF8.self)
        return .server(code: response.status, reason: "", message: "HTTP \(response.status): \(text)")
    }

    /// A network error as a short sentence (`connect 127.0.0.1:7443: Connection refused`).
    static func readable(_ error: WireError) -> String {
        switch error {
        case .system(let operation, let code): return "\(operation): \(String(cString: strerror(code)))"
        case .timedOut(let operation): return "\(operation) timed out"
        case .connectionClosed: return "the server closed the connection"
        case .protocolViolation(let what): return "malformed answer (\(what))"
        default: return "\(error)"
        }
    }

    private static func isConnectFailure(_ error: WireError) -> Bool {
        switch error {
        case .system(let operation, _): return operation.hasPrefix("connect")
        case .timedOut(let operation): return operation == "connect"
        default: return false
        }
    }
}
