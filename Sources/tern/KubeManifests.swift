#if canImport(Glibc)
import Glibc
#endif
import JSON
import Objects
import YAML

/// One object read from a manifest, with where it came from (for messages).
struct KubeManifestObject {
    var value: JSONValue
    var source: String
}

/// Reads `-f FILE|DIR|-` manifests: YAML (several documents), JSON, `List` kinds expanded; a
/// directory contributes its `.yaml`, `.yml` and `.json` files in name order (not recursively).
enum KubeManifests {
    /// Every object of every `-f` argument, in order.
    /// - Throws: ``KubeError/manifest(source:reason:)`` for an unreadable path or a parse error
    ///   (nothing is sent when any manifest is bad).
    static func read(_ paths: [String]) throws(KubeError) -> [KubeManifestObject] {
        var out: [KubeManifestObject] = []
        for path in paths {
            if path == "-" {
                out += try parse(readStandardInput(), source: "<stdin>", json: false)
                continue
            }
            if let entries = directoryEntries(path) {
                for name in entries where name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json") {
                    let file = path.hasSuffix("/") ? path + name : path + "/" + name
                    guard let bytes = Console.readFile(file) else { throw .manifest(source: file, reason: "cannot read the file") }
                    out += try parse(bytes, source: file, json: name.hasSuffix(".json"))
                }
                continue
            }
            guard let bytes = Console.readFile(path) else {
                throw .manifest(source: path, reason: "the path does not exist or cannot be read")
            }
            out += try parse(bytes, source: path, json: path.hasSuffix(".json"))
        }
        if out.isEmpty { throw .manifest(source: paths.joined(separator: ","), reason: "no objects passed to the command") }
        return out
    }

    /// The documents of YAML (or JSON) text, as values.
    /// - Throws: ``KubeError/manifest(source:reason:)`` with the reader's error.
    static func parseValues(_ bytes: [UInt8], source: String) throws(KubeError) -> [JSONValue] {
        do { return try YAMLReader.parseDocuments(bytes) } catch {
            throw .manifest(source: source, reason: "\(error)")
        }
    }

    /// The objects of one file's text: documents in order, empty documents skipped, Lists expanded.
    static func parse(_ bytes: [UInt8], source: String, json: Bool) throws(KubeError) -> [KubeManifestObject] {
        var documents: [JSONValue]
        if json {
            do { documents = [try JSONParser.parse(bytes)] } catch {
                throw .manifest(source: source, reason: "\(error)")
            }
        } else {
            documents = try parseValues(bytes, source: source)
        }
        var out: [KubeManifestObject] = []
        for document in documents {
            if document == .null { continue }
            try expand(document, source: source, into: &out)
        }
        return out
    }

    private static func expand(_ value: JSONValue, source: String, into out: inout [KubeManifestObject]) throws(KubeError) {
        guard case .object = value else {
            throw .manifest(source: source, reason: "a document is not an object (it is of type \(value.typeName))")
        }
        guard case .string(let kind)? = value["kind"], !kind.isEmpty else {
            throw .manifest(source: source, reason: "an object has no kind")
        }
        if kind.hasSuffix("List"), let items = value["items"]?.arrayValue {
            for item in items { try expand(item, source: source, into: &out) }
            return
        }
        out.append(KubeManifestObject(value: value, source: source))
    }

    /// The file names of a directory, sorted, or nil when `path` is not a directory.
    static func directoryEntries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Everything on standard input, up to its end.
    static func readStandardInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += buffer[..<n]
        }
        return bytes
    }

    /// The kind, namespace and name a manifest object is sent to.
    /// - Throws: ``KubeError/manifest(source:reason:)`` for an unknown kind or a missing name.
    static func locate(_ object: KubeManifestObject, options: KubeOptions, needName: Bool,
                       registry: KindRegistry = .standard) throws(KubeError) -> (kind: ResourceKind, namespace: String?, name: String) {
        let apiVersion = object.value["apiVersion"]?.stringValue ?? ""
        let kindName = object.value["kind"]?.stringValue ?? ""
        guard let codec = registry.codec(apiVersion: apiVersion, kind: kindName) else {
            throw .manifest(source: object.source, reason: "no matches for kind \"\(kindName)\" in version \"\(apiVersion)\"")
        }
        let kind = codec.resourceKind
        let name = object.value["metadata"]?["name"]?.stringValue ?? ""
        if needName && name.isEmpty {
            throw .manifest(source: object.source, reason: "a \(kindName) has no metadata.name")
        }
        var namespace: String?
        if kind.namespaced {
            let own = object.value["metadata"]?["namespace"]?.stringValue ?? ""
            if let flag = options.namespace, !own.isEmpty, own != flag {
                throw .manifest(source: object.source, reason: "the namespace from the provided object \"\(own)\" does not match the namespace \"\(flag)\". You must pass '--namespace=\(own)' to perform this operation.")
            }
            namespace = own.isEmpty ? options.effectiveNamespace : own
        }
        return (kind, namespace, name)
    }
}
