import JSON
import Objects
import Wire

extension KubernetesAPI {
    /// Dispatches a resource request by method and path shape to the resource's handler.
    func serveResource(_ handler: any ResourceHandler, target: ResourcePath, query: QueryParameters, request: HTTPServerRequest) {
        let responder = request.responder
        let kind = handler.served.kind
        if !kind.namespaced && !target.namespace.isEmpty { return respond(responder, .pathNotFound) }
        if !target.subresource.isEmpty, !handler.served.subresources.contains(where: { $0.name == target.subresource }) {
            return respond(responder, .pathNotFound)
        }
        let method = request.head.method
        let collection = target.name.isEmpty
        if collection, method == "GET", query.flag("watch") {
            return serveWatch(handler, target: target, query: query, request: request)
        }
        // Without a namespace, a namespaced resource can only be listed or watched (across all of them).
        if kind.namespaced, target.namespace.isEmpty, !(collection && method == "GET") {
            return respond(responder, .pathNotFound)
        }
        let table = TableDocument.isRequested(accept: request.head.headers["Accept"])
        Task { [self] in
            do {
                switch (method, collection, target.subresource) {
                case ("GET", true, _):
                    let page = try await handler.list(namespace: target.namespace, options: Self.listParameters(query))
                    answerList(responder, kind: kind, page: page, table: table)
                case ("GET", false, ""), ("GET", false, "status"):
                    let object = try await handler.get(namespace: target.namespace, name: target.name)
                    answerObject(responder, kind: kind, object: object, table: table)
                case ("POST", true, _):
                    var body = try decodeBody(request)
                    if kind.namespaced { try Self.checkNamespace(of: &body, matches: target.namespace) }
                    let created = try await handler.create(namespace: target.namespace, body: body, options: Self.writeParameters(query))
                    answerObject(responder, kind: kind, object: created, status: 201)
                case ("PUT", false, "") , ("PUT", false, "status"):
                    var body = try decodeBody(request)
                    if kind.namespaced { try Self.checkNamespace(of: &body, matches: target.namespace) }
                    guard body.at("metadata", "name")?.text ?? target.name == target.name else {
                        throw APIStatus.badRequest("the name of the object (\(body.at("metadata", "name")?.text ?? "")) does not match the name on the URL (\(target.name))")
                    }
                    let updated = try await handler.update(namespace: target.namespace, name: target.name, subresource: target.subresource,
                                                           body: body, options: Self.writeParameters(query))
                    answerObject(responder, kind: kind, object: updated, status: updated.created ? 201 : 200)
                case ("PATCH", false, "") , ("PATCH", false, "status"):
                    let contentType = Self.mediaType(request.head.headers["Content-Type"])
                    guard let type = PatchType(rawValue: contentType) else {
                        throw APIStatus.unsupportedMediaType(contentType, accepted: PatchType.allCases.map(\.rawValue))
                    }
                    var options = Self.writeParameters(query)
                    options.force = query.flag("force")
                    if type == .apply && options.fieldManager.isEmpty {
                        throw APIStatus(code: 422, reason: "Invalid", message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
                    }
                    let patched = try await handler.patch(namespace: target.namespace, name: target.name, subresource: target.subresource,
                                                          type: type, body: request.body, options: options)
                    answerObject(responder, kind: kind, object: patched, status: patched.created ? 201 : 200)
                case ("DELETE", false, ""):
                    let deleted = try await handler.delete(namespace: target.namespace, name: target.name,
                                                           options: try Self.deleteParameters(query, body: request.body))
                    answerObject(responder, kind: kind, object: deleted)
                case ("DELETE", true, _):
                    let page = try await handler.deleteCollection(namespace: target.namespace, list: Self.listParameters(query),
                                                                  options: try Self.deleteParameters(query, body: request.body))
                    answerList(responder, kind: kind, page: page, table: false)
                case (_, false, let sub) where !sub.isEmpty && sub != "status":
                    let answer = try await handler.subresource(namespace: target.namespace, name: target.name, subresource: sub,
                                                               method: method, body: request.body, query: query)
                    if sub == "log" {
                        responder.respond(status: 200, headers: ["Content-Type": "text/plain"], body: answer.json)
                    } else {
                        answerObject(responder, kind: kind, object: answer, status: answer.created ? 201 : 200)
                    }
                default:
                    respond(responder, .methodNotAllowed(method))
                }
            } catch let status as APIStatus {
                respond(responder, status)
            } catch {
                respond(responder, .internalError("\(error)"))
            }
        }
    }

    func answerObject(_ responder: HTTPResponder, kind: ResourceKind, object: ObjectBytes, status: Int = 200, table: Bool = false) {
        if table, let value = try? JSONParser.parse(object.json) {
            let doc = TableDocument.table(printer: TablePrinter.forResource(kind.resource), objects: [value],
                                          resourceVersion: value.at("metadata", "resourceVersion")?.text ?? "", nowSeconds: now())
            return respondJSON(responder, doc.encoded(), status: status, warnings: object.warnings)
        }
        respondJSON(responder, object.json, status: status, warnings: object.warnings)
    }

    /// A `<Kind>List` built from the items' bytes without re-encoding them, or a Table.
    func answerList(_ responder: HTTPResponder, kind: ResourceKind, page: ListPage, table: Bool) {
        if table {
            let objects = page.items.compactMap { try? JSONParser.parse($0) }
            let doc = TableDocument.table(printer: TablePrinter.forResource(kind.resource), objects: objects,
                                          resourceVersion: page.resourceVersion, continueToken: page.continueToken, nowSeconds: now())
            return respondJSON(responder, doc.encoded())
        }
        var out: [UInt8] = []
        out.reserveCapacity(page.items.reduce(128) { $0 + $1.count + 1 })
        out += Array(#"{"kind":"#.utf8)
        JSONText.appendString(kind.kind + "List", to: &out)
        out += Array(#","apiVersion":"#.utf8)
        JSONText.appendString(kind.apiVersion, to: &out)
        out += Array(#","metadata":{"resourceVersion":"#.utf8)
        JSONText.appendString(page.resourceVersion, to: &out)
        if !page.continueToken.isEmpty {
            out += Array(#","continue":"#.utf8)
            JSONText.appendString(page.continueToken, to: &out)
        }
        if let remaining = page.remainingItemCount {
            out += Array(#","remainingItemCount":"#.utf8)
            JSONText.appendDecimal(remaining, to: &out)
        }
        out += Array(#"},"items":["#.utf8)
        for (i, item) in page.items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += item
        }
        out += Array("]}".utf8)
        respondJSON(responder, out)
    }

    /// The request body as JSON: JSON or YAML text, or kubectl's protobuf for the kinds it sends so.
    func decodeBody(_ request: HTTPServerRequest) throws(APIStatus) -> JSONValue {
        let type = Self.mediaType(request.head.headers["Content-Type"])
        let value: JSONValue
        switch type {
        case KubernetesProtobuf.contentType:
            do { value = try KubernetesProtobuf.decode(request.body) } catch {
                throw APIStatus.unsupportedMediaType(type, accepted: ["application/json", "application/yaml"]).withMessage(
                    "\(error). Send JSON instead, e.g. `kubectl create ... --dry-run=client -o yaml | kubectl apply -f -`")
            }
        case "application/json", "", "application/yaml", "application/apply-patch+yaml":
            do { value = try ManifestText.parse(request.body) } catch {
                throw APIStatus.badRequest("the request body is not valid \(type.contains("yaml") ? "YAML" : "JSON"): \(error)")
            }
        default:
            throw APIStatus.unsupportedMediaType(type, accepted: ["application/json", "application/yaml", KubernetesProtobuf.contentType])
        }
        guard case .object = value else { throw APIStatus.badRequest("the request body must be a JSON object, got \(value.typeName)") }
        return value
    }

    /// Fills in `metadata.namespace` from the URL, or refuses a body that names another one.
    static func checkNamespace(of body: inout JSONValue, matches namespace: String) throws(APIStatus) {
        guard case .object(var members) = body else { return }
        var metadata: [(key: String, value: JSONValue)] = []
        if let i = members.firstIndex(where: { $0.key == "metadata" }), case .object(let m) = members[i].value { metadata = m }
        if let ns = metadata.first(where: { $0.key == "namespace" })?.value.text, !ns.isEmpty {
            guard ns == namespace else {
                throw APIStatus.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            return
        }
        metadata.removeAll { $0.key == "namespace" }
        metadata.append(("namespace", .string(namespace)))
        if let i = members.firstIndex(where: { $0.key == "metadata" }) { members[i].value = .object(metadata) } else { members.append(("metadata", .object(metadata))) }
        body = .object(members)
    }

    /// The media type of a Content-Type header, lower-cased and without parameters.
    static func mediaType(_ header: String?) -> String {
        guard let header else { return "" }
        return String(header.split(separator: ";").first ?? "").trimmingCharacters(in: " ").lowercased()
    }
}

extension APIStatus {
    func withMessage(_ message: String) -> APIStatus {
        var s = self
        s.message = message
        return s
    }
}
