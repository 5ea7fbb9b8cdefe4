extension APIObject {
    /// Checks a `kind` or `apiVersion` member read while decoding: it must name this type (an
    /// empty or missing one is accepted, as list items carry none).
    static func checkTypeMember(_ key: String, _ value: String) throws(ObjectCodecError) {
        if value.isEmpty { return }
        if key == "kind" {
            if value != resourceKind.kind { throw .wrongKind(expected: resourceKind.kind, found: value) }
        } else if value != resourceKind.apiVersion {
            throw .wrongKind(expected: resourceKind.apiVersion, found: value)
        }
    }
}
