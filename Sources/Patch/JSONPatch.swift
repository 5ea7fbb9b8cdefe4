import JSON

/// RFC 6902 JSON Patch: an ordered list of operations applied atomically to a document.
public struct JSONPatch: Equatable, Sendable {
    /// One operation of a JSON patch.
    public enum Operation: Equatable, Sendable {
        /// Insert into an array, set an object member (creating or replacing it), or replace the root.
        case add(path: JSONPointer, value: JSONValue)
        /// Remove an existing member or element.
        case remove(path: JSONPointer)
        /// Replace an existing value.
        case replace(path: JSONPointer, value: JSONValue)
        /// Remove the value at `from` and add it at `path` (not into its own child).
        case move(from: JSONPointer, path: JSONPointer)
        /// Add a copy of the value at `from` at `path`.
        case copy(from: JSONPointer, path: JSONPointer)
        /// Fail the whole patch unless the value at `path` equals `value` (``JSONEquivalence``).
        case test(path: JSONPointer, value: JSONValue)

        /// The RFC name of the operation (`add`, `remove`, ...).
        public var name: String {
            switch self {
            case .add: return "add"
            case .remove: return "remove"
            case .replace: return "replace"
            case .move: return "move"
            case .copy: return "copy"
            case .test: return "test"
            }
        }

        /// The operation's target path.
        public var path: JSONPointer {
            switch self {
            case .add(let p, _), .remove(let p), .replace(let p, _), .move(_, let p), .copy(_, let p), .test(let p, _):
                return p
            }
        }
    }

    /// The most operations one patch may carry (the Kubernetes API server's limit).
    public static let maxOperations = 10_000

    /// The operations, in the order they are applied.
    public var operations: [Operation]

    /// Creates a patch from operations.
    public init(operations: [Operation]) {
        self.operations = operations
    }

    /// Reads a patch document: a JSON array of operation objects.
    /// - Throws: `PatchError.invalidPatch` if the body is not an array, `.tooManyOperations` past
    ///   ``maxOperations``, `.invalidOperation` or
    ///   `.invalidPointer` (with the operation's index) for a malformed operation.
    public init(parsing document: JSONValue) throws(PatchError) {
        guard case .array(let items) = document else {
            throw .invalidPatch(reason: "a JSON patch must be a JSON array of operations, not a \(document.typeName)")
        }
        guard items.count <= Self.maxOperations else {
            throw .tooManyOperations(count: items.count, limit: Self.maxOperations)
        }
        var operations: [Operation] = []
        operations.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            operations.append(try Self.operation(item, index: index))
        }
        self.operations = operations
    }

    /// Applies the patch to `document` and returns the result. Atomic: on any failure the error
    /// names the operation's index and path, and the caller's document is untouched (it is a value).
    public func apply(to document: JSONValue) throws(PatchError) -> JSONValue {
        var working = document
        var copiedBytes = 0
        for (index, operation) in operations.enumerated() {
            try Self.apply(operation, index: index, to: &working, copiedBytes: &copiedBytes)
        }
        return working
    }

    /// The most JSON (in approximate encoded bytes) all `copy` operations of one patch may
    /// duplicate: without it, a few dozen copies of the root would double the document each time
    /// (Kubernetes bounds copies the same way).
    public static let maxCopiedBytes = 3 * 1024 * 1024

    /// Parses `patch` (a JSON array) and applies it to `document`.
    public static func apply(_ patch: JSONValue, to document: JSONValue) throws(PatchError) -> JSONValue {
        try JSONPatch(parsing: patch).apply(to: document)
    }

    private static func apply(_ operation: Operation, index: Int, to doc: inout JSONValue,
                              copiedBytes: inout Int) throws(PatchError) {
        let op = operation.name
        func fail(_ path: JSONPointer, _ failure: PointerFailure) -> PatchError {
            switch failure {
            case .missing(let reason):
                return .pathNotFound(index: index, op: op, path: path.description, reason: reason)
            }
        }
        switch operation {
        case .add(let path, let value):
            do { try doc.add(value, at: path) } catch { throw fail(path, error) }
        case .remove(let path):
            do { try doc.remove(at: path) } catch { throw fail(path, error) }
        case .replace(let path, let value):
            do { try doc.replace(with: value, at: path) } catch { throw fail(path, error) }
        case .move(let from, let path):
            if from == path {
                // Still a failure when `from` does not exist.
                do { _ = try doc.value(at: from) } catch { throw fail(from, error) }
                return
            }
            if from.isProperPrefix(of: path) {
                throw .invalidOperation(index: index, op: op,
                                        reason: "cannot move \"\(from)\" into its own child \"\(path)\"")
            }
            let value: JSONValue
            do { value = try doc.remove(at: from) } catch { throw fail(from, error) }
            do { try doc.add(value, at: path) } catch { throw fail(path, error) }
        case .copy(let from, let path):
            let value: JSONValue
            do { value = try doc.value(at: from) } catch { throw fail(from, error) }
            copiedBytes += JSONEquivalence.approximateSize(value, limit: maxCopiedBytes - copiedBytes + 1)
            if copiedBytes > maxCopiedBytes {
                throw .invalidOperation(index: index, op: op,
                                        reason: "copies would exceed the limit of \(maxCopiedBytes) bytes per patch")
            }
            do { try doc.add(value, at: path) } catch { throw fail(path, error) }
        case .test(let path, let expected):
            let actual: JSONValue
            do { actual = try doc.value(at: path) } catch { throw .testFailed(index: index, path: path.description) }
            if !JSONEquivalence.equal(actual, expected) {
                throw .testFailed(index: index, path: path.description)
            }
        }
    }

    private static func operation(_ item: JSONValue, index: Int) throws(PatchError) -> Operation {
        guard case .object = item else {
            throw .invalidOperation(index: index, op: "", reason: "an operation must be an object, not a \(item.typeName)")
        }
        guard case .string(let op)? = item["op"] else {
            throw .invalidOperation(index: index, op: "", reason: "missing \"op\" string")
        }
        func pointer(_ member: String) throws(PatchError) -> JSONPointer {
            guard let raw = item[member] else {
                throw .invalidOperation(index: index, op: op, reason: "missing \"\(member)\"")
            }
            guard case .string(let text) = raw else {
                throw .invalidOperation(index: index, op: op, reason: "\"\(member)\" must be a string, not a \(raw.typeName)")
            }
            do {
                return try JSONPointer(parsing: text)
            } catch .missingLeadingSlash {
                throw .invalidPointer(index: index, pointer: text, reason: "a non-empty pointer must start with \"/\"")
            } catch {
                throw .invalidPointer(index: index, pointer: text, reason: "\"~\" must be followed by \"0\" or \"1\"")
            }
        }
        func value() throws(PatchError) -> JSONValue {
            guard let v = item["value"] else {
                throw .invalidOperation(index: index, op: op, reason: "missing \"value\"")
            }
            return v
        }
        switch op {
        case "add": return .add(path: try pointer("path"), value: try value())
        case "remove": return .remove(path: try pointer("path"))
        case "replace": return .replace(path: try pointer("path"), value: try value())
        case "move": return .move(from: try pointer("from"), path: try pointer("path"))
        case "copy": return .copy(from: try pointer("from"), path: try pointer("path"))
        case "test": return .test(path: try pointer("path"), value: try value())
        default:
            throw .invalidOperation(index: index, op: op, reason: "unknown operation \"\(op)\"")
        }
    }
}
