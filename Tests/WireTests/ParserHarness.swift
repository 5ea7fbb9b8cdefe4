@testable import Wire

/// What a parser produced from a byte stream: heads, bodies, ends, and the error if any.
struct ParsedStream: Equatable {
    var heads: [HTTPRequestHead] = []
    var bodies: [[UInt8]] = []
    var error: HTTPParseError?
}

/// Feeds `input` to a fresh parser in pieces cut at `cuts` (offsets), the way a connection's read
/// buffer would grow, and collects everything the parser produced.
func parseStream(_ input: [UInt8], cuts: [Int] = [], bodyLimit: Int = 1_572_864, maxHeaderBytes: Int = 16 * 1024) -> ParsedStream {
    var parser = HTTPRequestParser(maxHeaderBytes: maxHeaderBytes, bodyLimitBytes: bodyLimit)
    var result = ParsedStream()
    var buffer: [UInt8] = []
    var start = 0
    var currentBody: [UInt8] = []
    for piece in pieces(of: input, cutAt: cuts) {
        buffer.append(contentsOf: piece)
        while true {
            var step: (event: HTTPRequestParser.Event?, consumed: Int) = (nil, 0)
            var failure: HTTPParseError?
            buffer.withUnsafeBytes { raw in
                do throws(HTTPParseError) {
                    step = try parser.next(UnsafeRawBufferPointer(rebasing: raw[start...]))
                } catch {
                    failure = error
                }
            }
            if let failure {
                result.error = failure
                return result
            }
            let base = start
            start += step.consumed
            guard let event = step.event else {
                if step.consumed == 0 { break }
                continue
            }
            switch event {
            case .head(let head): result.heads.append(head)
            case .body(let range): currentBody.append(contentsOf: buffer[(base + range.lowerBound)..<(base + range.upperBound)])
            case .end:
                result.bodies.append(currentBody)
                currentBody = []
            }
        }
    }
    return result
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `input` split at the given offsets (out-of-range and repeated cuts ignored), in order.
func pieces(of input: [UInt8], cutAt cuts: [Int]) -> [ArraySlice<UInt8>] {
    var result: [ArraySlice<UInt8>] = []
    var previous = 0
    for cut in cuts.sorted() where cut > previous && cut < input.count {
        result.append(input[previous..<cut])
        previous = cut
    }
    result.append(input[previous...])
    return result
}
