import JSON
import Objects
import Patch

extension TypedResourceHandler {
    /// `scale` (autoscaling/v1 Scale over `spec.replicas`), `binding` (assigns a pod to a node, once)
    /// and `log` (needs node agents, which are not built yet).
    public func subresource(namespace: String, name: String, subresource: String, method: String, body: [UInt8],
                            contentType: String, query: QueryParameters) async throws(APIStatus) -> ObjectBytes {
        switch (subresource, method) {
        case ("scale", "GET"):
            return ObjectBytes(json: Self.scale(of: try json(of: try await stored(namespace: namespace, name: name))).encoded())
        case ("scale", "PUT"), ("scale", "PATCH"):
            return try await changeScale(namespace: namespace, name: name, method: method, body: body, contentType: contentType)
        case ("binding", "POST"):
            return try await bind(namespace: namespace, name: name, body: body)
        case ("log", "GET"):
            throw APIStatus(code: 404, reason: "NotFound",
                            message: "pods \"\(name)\": no container logs: Tern's node agents, which run pods and keep their logs, are not built yet")
        default:
            throw APIStatus.methodNotAllowed(method)
        }
    }

    func json(of object: T) throws(APIStatus) -> JSONValue {
        do { return try JSONParser.parse(object.encodeJSON()) } catch { throw APIStatus.internalError("stored object is not JSON: \(error)") }
    }

    /// The autoscaling/v1 Scale of a workload's JSON.
    static func scale(of object: JSONValue) -> JSONValue {
        var meta: [(key: String, value: JSONValue)] = []
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let v = object.at("metadata", key) { meta.append((key, v)) }
        }
        var status: [(key: String, value: JSONValue)] = [("replicas", object.at("status", "replicas") ?? .number("0"))]
        let selector = Cells.selector(object.at("spec", "selector"))
        if case .string(let s) = selector, s != "<none>" { status.append(("selector", .string(s))) }
        return .object([
            ("kind", .string("Scale")), ("apiVersion", .string("autoscaling/v1")), ("metadata", .object(meta)),
            ("spec", .object([("replicas", object.at("spec", "replicas") ?? .number("1"))])), ("status", .object(status)),
        ])
    }

    func changeScale(namespace: String, name: String, method: String, body: [UInt8], contentType: String) async throws(APIStatus) -> ObjectBytes {
        for _ in 0..<Self.maxPatchAttempts {
            let current = try await stored(namespace: namespace, name: name)
            let currentJSON = try json(of: current)
            let scale = Self.scale(of: currentJSON)
            let wanted: JSONValue
            if method == "PUT" {
                do { wanted = try JSONParser.parse(body) } catch { throw APIStatus.badRequest("the Scale is not valid JSON: \(error)") }
                if let rv = wanted.at("metadata", "resourceVersion")?.text, !rv.isEmpty, rv != current.metadata.resourceVersion {
                    throw APIStatus.conflict(kind.resource, group: kind.group, name: name)
                }
            } else {
                guard let type = PatchType(contentType: contentType) else {
                    throw APIStatus.unsupportedMediaType(contentType, accepted: PatchType.allCases.map(\.rawValue))
                }
                let patch = try Self.parsePatch(body, type: type)
                do {
                    switch type {
                    case .jsonPatch: wanted = try JSONPatch.apply(patch, to: scale)
                    case .strategicMergePatch, .mergePatch, .applyPatch: wanted = MergePatch.apply(patch, to: scale)
                    }
                } catch {
                    throw APIStatus.from(error, kind: kind, name: name)
                }
            }
            guard let replicas = wanted.at("spec", "replicas")?.int, replicas >= 0, replicas <= Int64(Int32.max) else {
                throw APIStatus.invalid(kind: "Scale", group: "autoscaling", name: name,
                                        errors: [FieldError(.invalid(value: wanted.at("spec", "replicas").map { String(decoding: $0.encoded(), as: UTF8.self) } ?? ""),
                                                            FieldPath("spec").child("replicas"), "must be greater than or equal to 0")])
            }
            let updated = MergePatch.apply(.object([("spec", .object([("replicas", .number(String(replicas)))]))]), to: currentJSON)
            var next = try decode(updated)
            next.metadata.resourceVersion = current.metadata.resourceVersion
            let written: T
            do {
                written = try await store.update(next)
            } catch .conflict {
                continue
            } catch {
                throw APIStatus.from(error, kind: kind)
            }
            return ObjectBytes(json: Self.scale(of: try json(of: written)).encoded())
        }
        throw APIStatus.conflict(kind.resource, group: kind.group, name: name)
    }

    /// `POST pods/<name>/binding`: sets `spec.nodeName` if the pod is not bound yet.
    func bind(namespace: String, name: String, body: [UInt8]) async throws(APIStatus) -> ObjectBytes {
        let binding: JSONValue
        do { binding = try JSONParser.parse(body) } catch { throw APIStatus.badRequest("the Binding is not valid JSON: \(error)") }
        guard let node = binding.at("target", "name")?.text, !node.isEmpty else {
            throw APIStatus.invalid(kind: "Binding", group: "", name: name, errors: [FieldError(.required, FieldPath("target").child("name"))])
        }
        for _ in 0..<Self.maxPatchAttempts {
            let current = try await stored(namespace: namespace, name: name)
            let currentJSON = try json(of: current)
            if let bound = currentJSON.at("spec", "nodeName")?.text, !bound.isEmpty {
                throw APIStatus.conflict(kind.resource, group: kind.group, name: name, why: "pod \(name) is already assigned to node \"\(bound)\"")
            }
            var next = try decode(MergePatch.apply(.object([("spec", .object([("nodeName", .string(node))]))]), to: currentJSON))
            next.metadata.resourceVersion = current.metadata.resourceVersion
            // Binding is the one way to set a pod's node: the pod spec is otherwise immutable, so the
            // update validation (which would refuse the change) is not run here.
            var binder = store
            binder.validate = nil
            do {
                _ = try await binder.update(next)
                return ObjectBytes(json: APIStatus.success(name: name, group: "", kind: "pods").encoded(), created: true)
            } catch .conflict {
                continue
            } catch {
                throw APIStatus.from(error, kind: kind)
            }
        }
        throw APIStatus.conflict(kind.resource, group: kind.group, name: name)
    }
}
