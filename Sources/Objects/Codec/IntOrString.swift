/// A field that holds either an integer or a string (`targetPort: 8080` or `targetPort: http`,
/// `maxSurge: 1` or `maxSurge: "25%"`), as Kubernetes' `intstr.IntOrString`.
public enum IntOrString: Hashable, Sendable, CustomStringConvertible {
    case int(Int32)
    case string(String)

    public var description: String {
        switch self {
        case .int(let n): return String(n)
        case .string(let s): return s
        }
    }
}

extension JSONPullReader {
    /// An int-or-string, or nil for `null`.
    public mutating func readIntOrString() throws(ObjectCodecError) -> IntOrString? {
        switch try peek() {
        case .null: _ = try readNullIfPresent(); return nil
        case .string: return .string(try readString())
        case .number: return .int(try readInt32())
        case let token: throw .wrongType(path: "", expected: "integer or string", found: token.name)
        }
    }
}

extension JSONWriter {
    /// `"name":8080` or `"name":"http"` when set.
    public mutating func member(_ name: StaticString, _ field: IntOrString?) {
        guard let field else { return }
        key(name)
        switch field {
        case .int(let n): value(n)
        case .string(let s): value(s)
        }
    }
}
