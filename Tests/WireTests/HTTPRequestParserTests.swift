import Testing
@testable import Wire

@Suite struct HTTPRequestParserTests {
    static let getRequest = "GET /health?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n"
    static let postRequest = "POST /v3/kv/put HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world"
    static let chunkedRequest = "POST /v3/watch HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-X: y\r\n\r\n"

    @Test func simpleGet() throws {
        let parsed = parseStream(bytes(Self.getRequest))
        #expect(parsed.error == nil)
        let head = try #require(parsed.heads.first)
        #expect(head.method == "GET")
        #expect(head.target == "/health?x=1")
        #expect(head.path == "/health")
        #expect(head.versionMinor == 1)
        #expect(head.keepAlive)
        #expect(head.headers["user-agent"] == "t")
        #expect(head.bodyFraming == .none)
        #expect(parsed.bodies == [[]])
    }

    @Test func contentLengthBody() {
        let parsed = parseStream(bytes(Self.postRequest))
        #expect(parsed.error == nil)
        #expect(parsed.heads.first?.bodyFraming == .contentLength(11))
        #expect(parsed.bodies == [bytes("hello world")])
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() {
        let parsed = parseStream(bytes(Self.chunkedRequest))
        #expect(parsed.error == nil)
        #expect(parsed.heads.first?.bodyFraming == .chunked)
        #expect(parsed.bodies == [bytes("hello world")])
    }

    @Test func pipelinedRequestsInOneBuffer() {
        let all = Self.getRequest + Self.postRequest + Self.chunkedRequest + Self.getRequest
        let parsed = parseStream(bytes(all))
        #expect(parsed.error == nil)
        #expect(parsed.heads.map(\.method) == ["GET", "POST", "POST", "GET"])
        #expect(parsed.bodies == [[], bytes("hello world"), bytes("hello world"), []])
    }

    @Test func splitAtEveryOffsetGivesTheSameResult() {
        let all = bytes(Self.getRequest + Self.postRequest + Self.chunkedRequest)
        let whole = parseStream(all)
        #expect(whole.error == nil)
        for cut in 1..<all.count {
            #expect(parseStream(all, cuts: [cut]) == whole, "cut at \(cut)")
        }
        // Byte by byte.
        #expect(parseStream(all, cuts: Array(1..<all.count)) == whole)
    }

    @Test func truncatedInputNeverCompletesNorFails() {
        let all = bytes(Self.postRequest)
        for length in 0..<all.count {
            let parsed = parseStream(Array(all[0..<length]))
            #expect(parsed.error == nil, "prefix \(length)")
            #expect(parsed.bodies.isEmpty, "prefix \(length)")
        }
    }

    @Test func http10DefaultsToClose() {
        let parsed = parseStream(bytes("GET / HTTP/1.0\r\n\r\n"))
        #expect(parsed.heads.first?.keepAlive == false)
        let keep = parseStream(bytes("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
        #expect(keep.heads.first?.keepAlive == true)
        let close = parseStream(bytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n"))
        #expect(close.heads.first?.keepAlive == false)
    }

    @Test func leadingEmptyLinesAreTolerated() {
        let parsed = parseStream(bytes("\r\n\r\n" + Self.getRequest))
        #expect(parsed.error == nil)
        #expect(parsed.heads.count == 1)
    }

    static let hostile: [(String, HTTPParseError)] = [
        ("GET / HTTP/1.1\nHost: a\n\n", .badLineEnding),
        ("GET / HTTP/1.1\r\nHost: a\n\r\n", .badLineEnding),
        ("GET / HTTP/1.1\r\nHost: a\rX\r\n\r\n", .badLineEnding),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET /\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion("HTTP/2.0")),
        ("GET / JUNK/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("G@T / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .invalidHeader(line: 1)),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", .invalidHeader(line: 2)),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", .invalidHeader(line: 2)),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{01}b\r\n\r\n", .invalidHeader(line: 2)),
        ("GET / HTTP/1.1\r\n\r\n", .missingOrDuplicateHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .missingOrDuplicateHost),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .conflictingFraming),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", .conflictingFraming),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", .duplicateContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello", .badLineEnding),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX", .invalidChunkTerminator),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n", .bodyTooLarge(limitBytes: 1_572_864)),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n180001\r\n", .bodyTooLarge(limitBytes: 1_572_864)),
    ]

    @Test(arguments: 0..<hostile.count)
    func hostileInputIsRejected(index: Int) {
        let (text, expected) = Self.hostile[index]
        let input = bytes(text)
        #expect(parseStream(input).error == expected, "whole: \(text.debugDescription)")
        // The same verdict however the bytes are split.
        #expect(parseStream(input, cuts: Array(1..<input.count)).error == expected, "byte by byte: \(text.debugDescription)")
        #expect(expected.statusCode >= 400 && expected.statusCode < 600)
    }

    @Test func oversizeHeadIsRejectedWithoutEnd() {
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 20_000)
        #expect(parseStream(bytes(big)).error == .headerTooLarge(limitBytes: 16 * 1024))
        #expect(parseStream(bytes(big), cuts: stride(from: 100, to: 20_000, by: 997).map { $0 }).error
                == .headerTooLarge(limitBytes: 16 * 1024))
    }

    @Test func tooManyHeaders() {
        var text = "GET / HTTP/1.1\r\nHost: a\r\n"
        for i in 0..<120 { text += "X-\(i): v\r\n" }
        text += "\r\n"
        #expect(parseStream(bytes(text)).error == .tooManyHeaders(limit: 100))
    }

    @Test func chunkedBodyOverTheLimitAcrossChunks() {
        var text = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<3 { text += "10\r\n0123456789abcdef\r\n" }
        text += "0\r\n\r\n"
        #expect(parseStream(bytes(text), bodyLimit: 40).error == .bodyTooLarge(limitBytes: 40))
        #expect(parseStream(bytes(text), bodyLimit: 48).error == nil)
    }
}
