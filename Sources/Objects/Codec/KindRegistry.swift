/// One kind's codec behind a uniform face: what the API server dispatches on when it only knows
/// a resource name or an `apiVersion` + `kind`.
public struct KindCodec: Sendable {
    /// Where the kind lives in the REST API and the store.
    public let resourceKind: ResourceKind
    /// Decodes bytes as this kind.
    public let decode: @Sendable ([UInt8]) throws(ObjectCodecError) -> any APIObject
    /// Encodes an object of this kind; nil if the object is of another kind.
    public let encode: @Sendable (any APIObject) -> [UInt8]?

    /// The codec of the API type `T`.
    public static func of<T: APIObject>(_ type: T.Type) -> KindCodec {
        KindCodec(
            resourceKind: T.resourceKind,
            decode: { (bytes: [UInt8]) throws(ObjectCodecError) -> any APIObject in try T(json: bytes) },
            encode: { object in (object as? T)?.encodeJSON() })
    }
}

/// The kinds the API knows, looked up by plural resource name, short name, or `apiVersion` +
/// `kind`; decodes and encodes any of them to and from JSON bytes.
public struct KindRegistry: Sendable {
    /// The kinds, in registration order.
    public let kinds: [KindCodec]
    private let byResource: [String: Int]
    private let byTypeName: [String: Int]

    /// A registry of `kinds`; a later kind with the same resource or apiVersion+kind replaces an
    /// earlier one.
    public init(kinds: [KindCodec]) {
        self.kinds = kinds
        var byResource: [String: Int] = [:]
        var byTypeName: [String: Int] = [:]
        for (i, codec) in kinds.enumerated() {
            let rk = codec.resourceKind
            byResource[rk.group + "/" + rk.resource] = i
            byTypeName[rk.apiVersion + "/" + rk.kind] = i
        }
        self.byResource = byResource
        self.byTypeName = byTypeName
    }

    /// The kind served at `resource` (plural, e.g. `deployments`) in `group` ("" for core).
    public func codec(group: String, resource: String) -> KindCodec? {
        byResource[group + "/" + resource].map { kinds[$0] }
    }

    /// The kind whose plural, singular or short name is `name` (what kubectl accepts), in any
    /// group; the first registered wins.
    public func codec(named name: String) -> KindCodec? {
        let lower = name.lowercased()
        return kinds.first { c in
            c.resourceKind.resource == lower || c.resourceKind.singular == lower
                || c.resourceKind.shortNames.contains(lower) || c.resourceKind.kind.lowercased() == lower
        }
    }

    /// The kind named by `apiVersion` (`v1`, `apps/v1`) and `kind` (`Deployment`).
    public func codec(apiVersion: String, kind: String) -> KindCodec? {
        byTypeName[apiVersion + "/" + kind].map { kinds[$0] }
    }

    /// Decodes JSON bytes whose own `apiVersion` and `kind` members name a registered kind.
    public func decode(_ bytes: [UInt8]) throws(KindRegistryError) -> any APIObject {
        let header: (apiVersion: String, kind: String)
        do {
            header = try Self.typeMembers(bytes)
        } catch {
            throw .codec(error)
        }
        guard !header.kind.isEmpty, !header.apiVersion.isEmpty else {
            throw .missingTypeMembers
        }
        guard let codec = codec(apiVersion: header.apiVersion, kind: header.kind) else {
            throw .unknownKind(apiVersion: header.apiVersion, kind: header.kind)
        }
        do {
            return try codec.decode(bytes)
        } catch {
            throw .codec(error)
        }
    }

    /// Encodes any registered object.
    public func encode(_ object: any APIObject) -> [UInt8] {
        object.encodeJSON()
    }

    /// The top-level `apiVersion` and `kind` of a JSON object ("" when absent), other members
    /// skipped without being decoded into types.
    public static func typeMembers(_ bytes: [UInt8]) throws(ObjectCodecError) -> (apiVersion: String, kind: String) {
        var r = JSONPullReader(bytes)
        let token = try r.peek()
        guard token == .objectStart else { throw .wrongType(path: "", expected: "object", found: token.name) }
        var apiVersion = ""
        var kind = ""
        try r.readObject { (r, key) throws(ObjectCodecError) in
            switch key {
            case "apiVersion": apiVersion = try r.readString()
            case "kind": kind = try r.readString()
            default: try r.skipValue()
            }
        }
        return (apiVersion, kind)
    }
}

/// Why the registry could not decode bytes as some kind.
public enum KindRegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The object has no `apiVersion` or no `kind`.
    case missingTypeMembers
    /// No registered kind has this `apiVersion` and `kind`.
    case unknownKind(apiVersion: String, kind: String)
    /// The bytes are not a valid object of the kind they name.
    case codec(ObjectCodecError)

    public var description: String {
        switch self {
        case .missingTypeMembers: return "Object 'Kind' or 'apiVersion' is missing"
        case .unknownKind(let apiVersion, let kind): return "no kind \"\(kind)\" is registered for version \"\(apiVersion)\""
        case .codec(let e): return e.description
        }
    }
}
