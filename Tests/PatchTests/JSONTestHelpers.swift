import JSON
import Testing

/// Parses JSON text written in a test; a typo in a fixture fails the test with the parser's message.
func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
    do {
        return try JSONParser.parse(Array(text.utf8))
    } catch {
        Issue.record("fixture is not JSON: \(error): \(text)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Compact JSON text of a value, for readable expectations.
func text(_ value: JSONValue) -> String {
    String(decoding: value.encoded(), as: UTF8.self)
}
