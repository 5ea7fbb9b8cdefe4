import MVCC
import JSON

/// An error answer of the etcd JSON gateway: an HTTP status, a gRPC code and a message, sent as
/// `{"error":msg,"message":msg,"code":n}` exactly as etcd 3.4 does.
public struct GatewayError: Error, Equatable, Sendable, CustomStringConvertible {
    public var httpStatus: Int
    public var grpcCode: Int
    public var message: String

    public init(httpStatus: Int, grpcCode: Int, message: String) {
        self.httpStatus = httpStatus
        self.grpcCode = grpcCode
        self.message = message
    }

    public var description: String { message }

    /// A malformed request (gRPC InvalidArgument).
    static func invalid(_ message: String) -> GatewayError { GatewayError(httpStatus: 400, grpcCode: 3, message: message) }

    /// An error of a streaming RPC's request decoding (gRPC Unknown, HTTP 500), as etcd's gateway answers.
    static func unknown(_ message: String) -> GatewayError { GatewayError(httpStatus: 500, grpcCode: 2, message: message) }

    static let keyNotProvided = invalid("etcdserver: key is not provided")
    static let requestTooLarge = invalid("etcdserver: request is too large")
    static let timedOut = GatewayError(httpStatus: 503, grpcCode: 14, message: "etcdserver: request timed out")
    static let noLeader = GatewayError(httpStatus: 503, grpcCode: 14, message: "etcdserver: no leader")
    static let stopping = GatewayError(httpStatus: 503, grpcCode: 14, message: "etcdserver: server stopped")
    static let notFound = GatewayError(httpStatus: 404, grpcCode: 5, message: "Not Found")

    /// The gateway's answer for a keyspace error, with etcd's status, code and text.
    init(_ error: MVCCError) {
        switch error {
        case .compacted, .futureRevision, .leaseTTLTooLarge:
            self.init(httpStatus: 400, grpcCode: 11, message: error.description)  // OutOfRange
        case .leaseNotFound:
            self.init(httpStatus: 404, grpcCode: 5, message: error.description)  // NotFound
        case .leaseExists:
            self.init(httpStatus: 412, grpcCode: 9, message: error.description)  // FailedPrecondition
        case .unknownWatcher:
            self.init(httpStatus: 500, grpcCode: 13, message: error.description)  // Internal
        case .emptyKey, .invalidRange, .keyNotFound, .valueProvided, .leaseProvided, .duplicateKeyInTxn,
             .tooManyTxnOperations:
            self.init(httpStatus: 400, grpcCode: 3, message: error.description)  // InvalidArgument
        }
    }

    /// The error chunk that ends a failed stream (grpc-gateway's shape, no trailing newline):
    /// `{"error":{"grpc_code":N,"http_code":H,"message":..,"http_status":"Service Unavailable"}}`.
    public var streamChunk: [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"error":{"grpc_code":\#(grpcCode),"http_code":\#(httpStatus),"message":"#.utf8)
        JSONText.appendString(message, to: &out)
        out.append(contentsOf: #","http_status":"#.utf8)
        JSONText.appendString(Self.statusText(httpStatus), to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
    }

    /// Go's `http.StatusText` for the statuses the gateway answers with.
    static func statusText(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 408: return "Request Timeout"
        case 412: return "Precondition Failed"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }

    /// The JSON body.
    public var body: [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"error":"#.utf8)
        JSONText.appendString(message, to: &out)
        out.append(contentsOf: #","message":"#.utf8)
        JSONText.appendString(message, to: &out)
        out.append(contentsOf: #","code":\#(grpcCode)}"#.utf8)
        return out
    }
}
