import JSON
import Objects

extension TablePrinter {
    /// Pods: the Status column follows kubectl's rules in short: a waiting or terminated container's
    /// reason wins over the phase, and a pod being deleted shows `Terminating`.
    static let pods = TablePrinter(columns: [
        .name, TableColumn("Ready"), TableColumn("Status"), TableColumn("Restarts", type: "string"), .age,
        TableColumn("IP", priority: 1), TableColumn("Node", priority: 1),
        TableColumn("Nominated Node", priority: 1), TableColumn("Readiness Gates", priority: 1),
    ]) { o, now in
        let statuses = o.at("status", "containerStatuses")?.items ?? []
        let total = o.at("spec", "containers")?.items.count ?? 0
        let ready = statuses.filter { $0["ready"] == .bool(true) }.count
        let restarts = statuses.reduce(Int64(0)) { $0 + ($1["restartCount"]?.int ?? 0) }
        var reason = o.at("status", "reason")?.text ?? o.at("status", "phase")?.text ?? "Pending"
        for s in statuses.reversed() {
            if let r = s.at("state", "waiting", "reason")?.text, !r.isEmpty {
                reason = r
            } else if let t = s.at("state", "terminated") {
                if let r = t["reason"]?.text, !r.isEmpty { reason = r } else if let code = t["exitCode"]?.int { reason = "ExitCode:\(code)" }
            }
        }
        if o.at("metadata", "deletionTimestamp")?.text != nil { reason = "Terminating" }
        return [Cells.string(o.at("metadata", "name")), .string("\(ready)/\(total)"), .string(reason), .string(String(restarts)),
                Cells.age(o, now: now), Cells.string(o.at("status", "podIP")), Cells.string(o.at("spec", "nodeName")),
                Cells.string(o.at("status", "nominatedNodeName")), .string("<none>")]
    }

    static let nodes = TablePrinter(columns: [
        .name, TableColumn("Status"), TableColumn("Roles"), .age, TableColumn("Version"),
        TableColumn("Internal-IP", priority: 1), TableColumn("External-IP", priority: 1), TableColumn("OS-Image", priority: 1),
        TableColumn("Kernel-Version", priority: 1), TableColumn("Container-Runtime", priority: 1),
    ]) { o, now in
        var status = "Unknown"
        if let ready = (o.at("status", "conditions")?.items ?? []).first(where: { $0["type"]?.text == "Ready" }) {
            switch ready["status"]?.text {
            case "True": status = "Ready"
            case "False": status = "NotReady"
            default: status = "Unknown"
            }
        }
        if o.at("spec", "unschedulable") == .bool(true) { status += ",SchedulingDisabled" }
        let prefix = "node-role.kubernetes.io/"
        let roles = (o.at("metadata", "labels")?.members ?? []).compactMap { m -> String? in
            m.key.hasPrefix(prefix) ? String(m.key.dropFirst(prefix.count)) : nil
        }.sorted()
        let addresses = o.at("status", "addresses")?.items ?? []
        func address(_ type: String) -> JSONValue {
            Cells.string(addresses.first(where: { $0["type"]?.text == type })?["address"])
        }
        let info = o.at("status", "nodeInfo")
        return [Cells.string(o.at("metadata", "name")), .string(status), .string(roles.isEmpty ? "<none>" : roles.joined(separator: ",")),
                Cells.age(o, now: now), Cells.string(info?["kubeletVersion"], empty: ""), address("InternalIP"), address("ExternalIP"),
                Cells.string(info?["osImage"], empty: "<unknown>"), Cells.string(info?["kernelVersion"], empty: "<unknown>"),
                Cells.string(info?["containerRuntimeVersion"], empty: "<unknown>")]
    }

    static let jobs = TablePrinter(columns: [
        .name, TableColumn("Status"), TableColumn("Completions"), TableColumn("Duration"), .age, .containers, .images, .selector,
    ]) { o, now in
        let conditions = (o.at("status", "conditions")?.items ?? []).filter { $0["status"]?.text == "True" }.compactMap { $0["type"]?.text }
        var status = "Running"
        if conditions.contains("Complete") { status = "Complete" } else if conditions.contains("Failed") { status = "Failed" }
        else if o.at("spec", "suspend") == .bool(true) { status = "Suspended" }
        let completions = o.at("spec", "completions")?.int.map { "\(o.at("status", "succeeded")?.int ?? 0)/\($0)" }
            ?? "\(o.at("status", "succeeded")?.int ?? 0)/1"
        var duration = ""
        if let start = o.at("status", "startTime")?.text.flatMap(Timestamp.init(rfc3339:)) {
            let end = o.at("status", "completionTime")?.text.flatMap(Timestamp.init(rfc3339:))?.seconds ?? now
            duration = HumanDuration.format(seconds: end - start.seconds)
        }
        let spec = o.at("spec", "template", "spec")
        return [Cells.string(o.at("metadata", "name")), .string(status), .string(completions), .string(duration), Cells.age(o, now: now),
                Cells.containerNames(spec), Cells.images(spec), Cells.selector(o.at("spec", "selector"))]
    }

    static let services = TablePrinter(columns: [
        .name, TableColumn("Type"), TableColumn("Cluster-IP"), TableColumn("External-IP"), TableColumn("Port(s)"), .age,
        TableColumn("Selector", priority: 1),
    ]) { o, now in
        let type = o.at("spec", "type")?.text ?? "ClusterIP"
        var external = "<none>"
        if type == "LoadBalancer" {
            let ingress = (o.at("status", "loadBalancer", "ingress")?.items ?? []).compactMap { $0["ip"]?.text ?? $0["hostname"]?.text }
            external = ingress.isEmpty ? "<pending>" : ingress.joined(separator: ",")
        } else if type == "ExternalName" {
            external = o.at("spec", "externalName")?.text ?? "<none>"
        } else if let ips = o.at("spec", "externalIPs")?.items.compactMap(\.text), !ips.isEmpty {
            external = ips.joined(separator: ",")
        }
        let ports = (o.at("spec", "ports")?.items ?? []).map { p -> String in
            let port = p["port"]?.int ?? 0
            let proto = p["protocol"]?.text ?? "TCP"
            if let node = p["nodePort"]?.int, node != 0 { return "\(port):\(node)/\(proto)" }
            return "\(port)/\(proto)"
        }
        return [Cells.string(o.at("metadata", "name")), .string(type), Cells.string(o.at("spec", "clusterIP")), .string(external),
                .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), Cells.age(o, now: now), Cells.labelMap(o.at("spec", "selector"))]
    }

    static let events = TablePrinter(columns: [
        TableColumn("Last Seen"), TableColumn("Type"), TableColumn("Reason"), TableColumn("Object"),
        TableColumn("Subobject", priority: 1), TableColumn("Source", priority: 1), TableColumn("Message"),
        TableColumn("First Seen", priority: 1), TableColumn("Count", type: "integer", priority: 1), TableColumn("Name", format: "name", priority: 1),
    ]) { o, now in
        let last = o["lastTimestamp"]?.text != nil ? o["lastTimestamp"] : o["eventTime"]
        let first = o["firstTimestamp"]?.text != nil ? o["firstTimestamp"] : o["eventTime"]
        let involved = o["involvedObject"]
        let object = "\((involved?["kind"]?.text ?? "").lowercased())/\(involved?["name"]?.text ?? "")"
        let source = o.at("source", "component")?.text ?? o["reportingComponent"]?.text ?? ""
        return [.string(Cells.since(last, now: now)), Cells.string(o["type"], empty: ""), Cells.string(o["reason"], empty: ""),
                .string(object), Cells.string(involved?["fieldPath"], empty: ""), .string(source), Cells.string(o["message"], empty: ""),
                .string(Cells.since(first, now: now)), .number(String(o["count"]?.int ?? 1)), Cells.string(o.at("metadata", "name"))]
    }
}
