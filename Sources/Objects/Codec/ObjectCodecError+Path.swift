extension ObjectCodecError {
    /// The same error with a member name in front of its path: `replicas` → `spec.replicas`.
    /// Syntax errors (`malformed`) and `wrongKind` carry no path and are returned unchanged.
    func prefixed(member: String) -> ObjectCodecError {
        withPath { path in
            if path.isEmpty { return member }
            return path.utf8.first == UInt8(ascii: "[") ? member + path : member + "." + path
        }
    }

    /// The same error with a list index in front of its path: `image` → `[0].image`.
    func prefixed(index: Int) -> ObjectCodecError {
        withPath { path in
            if path.isEmpty || path.utf8.first == UInt8(ascii: "[") { return "[\(index)]" + path }
            return "[\(index)]." + path
        }
    }

    private func withPath(_ change: (String) -> String) -> ObjectCodecError {
        switch self {
        case .wrongType(let path, let expected, let found):
            return .wrongType(path: change(path), expected: expected, found: found)
        case .invalidValue(let path, let reason):
            return .invalidValue(path: change(path), reason: reason)
        case .malformed, .wrongKind:
            return self
        }
    }
}
