/// A request as handed to the server's handler.
public struct HTTPServerRequest: Sendable {
    /// The request line and fields.
    public let head: HTTPRequestHead
    /// The whole body, for ordinary requests; empty for streaming ones.
    public let body: [UInt8]
    /// The incremental body, for requests the configuration marks as streaming; nil otherwise.
    public let bodyStream: HTTPRequestBodyStream?
    /// Where the response goes (callable from any thread).
    public let responder: HTTPResponder
}
