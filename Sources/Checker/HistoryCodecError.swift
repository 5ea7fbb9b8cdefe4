/// Why a saved history line could not be read back.
public enum HistoryCodecError: Error, Hashable, Sendable {
    /// The line (1-based) ended early or had an unexpected token.
    case malformed(line: Int, token: String, reason: String)
}
