import JSON

extension KubernetesAPI {
    static func listParameters(_ q: QueryParameters) -> ListParameters {
        var o = ListParameters()
        o.labelSelector = q["labelSelector"] ?? ""
        o.fieldSelector = q["fieldSelector"] ?? ""
        o.limit = max(0, Int64(q["limit"] ?? "") ?? 0)
        o.continueToken = q["continue"] ?? ""
        o.resourceVersion = q["resourceVersion"] ?? ""
        o.resourceVersionMatch = q["resourceVersionMatch"] ?? ""
        return o
    }

    static func watchParameters(_ q: QueryParameters) -> WatchParameters {
        var o = WatchParameters()
        o.labelSelector = q["labelSelector"] ?? ""
        o.fieldSelector = q["fieldSelector"] ?? ""
        o.resourceVersion = q["resourceVersion"] ?? ""
        o.allowBookmarks = q.flag("allowWatchBookmarks")
        o.timeoutSeconds = max(0, Int64(q["timeoutSeconds"] ?? "") ?? 0)
        return o
    }

    static func writeParameters(_ q: QueryParameters) -> WriteParameters {
        var o = WriteParameters()
        o.fieldManager = q["fieldManager"] ?? ""
        o.fieldValidation = FieldValidation(rawValue: q["fieldValidation"] ?? "") ?? .ignore
        o.dryRun = q["dryRun"] == "All"
        return o
    }

    /// Delete options from the query and from a `DeleteParameters` body (kubectl sends
    /// `{"propagationPolicy":"Background"}`; the Python client sends nothing).
    static func deleteParameters(_ q: QueryParameters, body: [UInt8]) throws(APIStatus) -> DeleteParameters {
        var o = DeleteParameters()
        o.propagationPolicy = q["propagationPolicy"] ?? ""
        o.gracePeriodSeconds = q["gracePeriodSeconds"].flatMap { Int64($0) }
        o.dryRun = q["dryRun"] == "All"
        if body.contains(where: { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 }) {
            let value: JSONValue
            do { value = try JSONParser.parse(body) } catch { throw APIStatus.badRequest("the DeleteParameters body is not valid JSON: \(error)") }
            if let p = value["propagationPolicy"]?.text { o.propagationPolicy = p }
            if let g = value["gracePeriodSeconds"]?.int { o.gracePeriodSeconds = g }
            if let uid = value.at("preconditions", "uid")?.text { o.preconditionUID = uid }
            if let rv = value.at("preconditions", "resourceVersion")?.text { o.preconditionResourceVersion = rv }
            if case .array(let modes)? = value["dryRun"], modes.contains(.string("All")) { o.dryRun = true }
        }
        guard ["", "Background", "Foreground", "Orphan"].contains(o.propagationPolicy) else {
            throw APIStatus(code: 422, reason: "Invalid", message: "propagationPolicy: Unsupported value: \"\(o.propagationPolicy)\": supported values: \"Foreground\", \"Background\", \"Orphan\"")
        }
        if let g = o.gracePeriodSeconds, g < 0 {
            throw APIStatus(code: 422, reason: "Invalid", message: "gracePeriodSeconds: Invalid value: \(g): must be >= 0")
        }
        return o
    }
}
