import JSON
import Objects
import Patch

extension TypedResourceHandler {
    /// PATCH in its four flavours. The patch is applied to the stored object's JSON and written with
    /// the read version as precondition, so a concurrent change makes it re-read and re-apply (a
    /// `metadata.resourceVersion` inside the patch is a precondition of its own: stale → 409).
    /// A server-side apply of a missing object creates it.
    public func patch(namespace: String, name: String, subresource: String, type: PatchType, body: [UInt8],
                      options: WriteParameters) async throws(APIStatus) -> ObjectBytes {
        let patch = try Self.parsePatch(body, type: type)
        let explicitVersion = patch.at("metadata", "resourceVersion")?.text
        for _ in 0..<Self.maxPatchAttempts {
            let current: T?
            do {
                current = try await store.get(namespace: namespace, name: name)
            } catch .notFound(_, _) where type == .applyPatch && subresource.isEmpty {
                current = nil
            } catch {
                throw APIStatus.from(error, kind: kind)
            }
            var next = try apply(patch, type: type, to: current, name: name, options: options)
            if kind.namespaced { next.metadata.namespace = namespace }
            next.metadata.name = name
            applyDefaults(&next)
            guard let current else {
                try await requireNamespace(namespace)
                if options.dryRun { return ObjectBytes(json: next.encodeJSON(), created: true) }
                do { return ObjectBytes(json: try await store.create(next).encodeJSON(), created: true) } catch .alreadyExists {
                    continue
                } catch {
                    throw APIStatus.from(error, kind: kind)
                }
            }
            if let explicitVersion, explicitVersion != current.metadata.resourceVersion {
                throw APIStatus.conflict(kind.resource, group: kind.group, name: name)
            }
            next.metadata.resourceVersion = current.metadata.resourceVersion
            if options.dryRun { return ObjectBytes(json: next.encodeJSON()) }
            do {
                let written = subresource == "status" ? try await store.updateStatus(next) : try await store.update(next)
                return ObjectBytes(json: written.encodeJSON())
            } catch .conflict where explicitVersion == nil {
                continue
            } catch {
                throw APIStatus.from(error, kind: kind)
            }
        }
        throw APIStatus.conflict(kind.resource, group: kind.group, name: name, why: "the object kept changing while the patch was applied; try again")
    }

    /// The patch document: JSON for three types, one YAML document (of which JSON is a subset) for apply.
    static func parsePatch(_ body: [UInt8], type: PatchType) throws(APIStatus) -> JSONValue {
        do { return try ManifestText.parse(body, yaml: type == .applyPatch) } catch {
            throw APIStatus.badRequest("the patch is not valid \(type == .applyPatch ? "YAML" : "JSON"): \(error)")
        }
    }

    func apply(_ patch: JSONValue, type: PatchType, to current: T?, name: String, options: WriteParameters) throws(APIStatus) -> T {
        let live: JSONValue?
        do { live = try current.map { c throws(JSONError) in try JSONParser.parse(c.encodeJSON()) } } catch {
            throw APIStatus.internalError("stored \(kind.kind) is not JSON: \(error)")
        }
        let result: JSONValue
        do {
            switch type {
            case .jsonPatch: result = try JSONPatch.apply(patch, to: live ?? .object([]))
            case .mergePatch: result = MergePatch.apply(patch, to: live ?? .object([]))
            case .strategicMergePatch: result = try StrategicMergePatch.apply(patch, to: live ?? .object([]), schema: schema)
            case .applyPatch:
                result = try ServerSideApply.apply(patch, to: live, manager: options.fieldManager, apiVersion: kind.apiVersion,
                                                   force: options.force, schema: schema, time: nowText()).object
            }
        } catch {
            throw APIStatus.from(error, kind: kind, name: name)
        }
        guard case .object = result else { throw APIStatus.badRequest("the patched document is not an object") }
        var next = try decode(result)
        // Only what the patch itself brought in is checked: fields stored earlier are not the client's doing now.
        if options.fieldValidation == .strict, let before = current {
            let old = Set(UnknownFieldFinder.paths(in: before))
            let added = UnknownFieldFinder.paths(in: next).filter { !old.contains($0) }
            if !added.isEmpty {
                throw APIStatus.badRequest("\(kind.kind) in version \"\(kind.version)\" cannot be handled as a \(kind.kind): strict decoding error: "
                                           + added.map { "unknown field \"\($0)\"" }.joined(separator: ", "))
            }
        } else if current == nil {
            _ = try checkUnknownFields(next, options)
        }
        if type != .applyPatch, !options.fieldManager.isEmpty, let recorded = try? record(from: current, to: next, manager: options.fieldManager) {
            next = recorded
        }
        return next
    }
}
