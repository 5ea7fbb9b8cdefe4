import JSON

/// The columns `kubectl get` shows for a resource and how to fill them from an object's JSON, as
/// Kubernetes' own table printers do (simplified where noted). Unknown resources get Name and Age.
public struct TablePrinter: Sendable {
    public let columns: [TableColumn]
    let cells: @Sendable (JSONValue, Int64) -> [JSONValue]

    /// The printer for a plural resource name (`pods`, `deployments`, ...).
    public static func forResource(_ resource: String) -> TablePrinter {
        switch resource {
        case "pods": return pods
        case "nodes": return nodes
        case "namespaces":
            return TablePrinter(columns: [.name, TableColumn("Status"), .age]) { o, now in
                [Cells.string(o.at("metadata", "name")), Cells.string(o.at("status", "phase"), empty: "Active"), Cells.age(o, now: now)]
            }
        case "deployments":
            return TablePrinter(columns: [.name, TableColumn("Ready"), TableColumn("Up-to-date", type: "integer"),
                                          TableColumn("Available", type: "integer"), .age, .containers, .images, .selector]) { o, now in
                let spec = o.at("spec", "template", "spec")
                return [Cells.string(o.at("metadata", "name")),
                        .string("\(o.at("status", "readyReplicas")?.int ?? 0)/\(o.at("spec", "replicas")?.int ?? 1)"),
                        Cells.int(o.at("status", "updatedReplicas")), Cells.int(o.at("status", "availableReplicas")),
                        Cells.age(o, now: now), Cells.containerNames(spec), Cells.images(spec), Cells.selector(o.at("spec", "selector"))]
            }
        case "replicasets":
            return TablePrinter(columns: [.name, TableColumn("Desired", type: "integer"), TableColumn("Current", type: "integer"),
                                          TableColumn("Ready", type: "integer"), .age, .containers, .images, .selector]) { o, now in
                let spec = o.at("spec", "template", "spec")
                return [Cells.string(o.at("metadata", "name")), .number(String(o.at("spec", "replicas")?.int ?? 1)),
                        Cells.int(o.at("status", "replicas")), Cells.int(o.at("status", "readyReplicas")), Cells.age(o, now: now),
                        Cells.containerNames(spec), Cells.images(spec), Cells.selector(o.at("spec", "selector"))]
            }
        case "statefulsets":
            return TablePrinter(columns: [.name, TableColumn("Ready"), .age, .containers, .images]) { o, now in
                let spec = o.at("spec", "template", "spec")
                return [Cells.string(o.at("metadata", "name")),
                        .string("\(o.at("status", "readyReplicas")?.int ?? 0)/\(o.at("spec", "replicas")?.int ?? 1)"),
                        Cells.age(o, now: now), Cells.containerNames(spec), Cells.images(spec)]
            }
        case "daemonsets":
            return TablePrinter(columns: [.name, TableColumn("Desired", type: "integer"), TableColumn("Current", type: "integer"),
                                          TableColumn("Ready", type: "integer"), TableColumn("Up-to-date", type: "integer"),
                                          TableColumn("Available", type: "integer"), TableColumn("Node Selector"), .age,
                                          .containers, .images, .selector]) { o, now in
                let spec = o.at("spec", "template", "spec")
                return [Cells.string(o.at("metadata", "name")), Cells.int(o.at("status", "desiredNumberScheduled")),
                        Cells.int(o.at("status", "currentNumberScheduled")), Cells.int(o.at("status", "numberReady")),
                        Cells.int(o.at("status", "updatedNumberScheduled")), Cells.int(o.at("status", "numberAvailable")),
                        Cells.labelMap(spec?["nodeSelector"]), Cells.age(o, now: now),
                        Cells.containerNames(spec), Cells.images(spec), Cells.selector(o.at("spec", "selector"))]
            }
        case "jobs": return jobs
        case "cronjobs":
            return TablePrinter(columns: [.name, TableColumn("Schedule"), TableColumn("Timezone"), TableColumn("Suspend"),
                                          TableColumn("Active", type: "integer"), TableColumn("Last Schedule"), .age,
                                          .containers, .images, .selector]) { o, now in
                let spec = o.at("spec", "jobTemplate", "spec", "template", "spec")
                let last = o.at("status", "lastScheduleTime").map { Cells.since($0, now: now) } ?? "<none>"
                return [Cells.string(o.at("metadata", "name")), Cells.string(o.at("spec", "schedule")),
                        Cells.string(o.at("spec", "timeZone")),
                        .string(o.at("spec", "suspend") == .bool(true) ? "True" : "False"),
                        .number(String(o.at("status", "active")?.items.count ?? 0)), .string(last), Cells.age(o, now: now),
                        Cells.containerNames(spec), Cells.images(spec), Cells.selector(o.at("spec", "jobTemplate", "spec", "selector"))]
            }
        case "services": return services
        case "endpoints":
            return TablePrinter(columns: [.name, TableColumn("Endpoints"), .age]) { o, now in
                var addresses: [String] = []
                for subset in o["subsets"]?.items ?? [] {
                    let ports = (subset["ports"]?.items ?? []).compactMap { $0["port"]?.int }
                    for a in subset["addresses"]?.items ?? [] {
                        guard let ip = a["ip"]?.text else { continue }
                        if ports.isEmpty { addresses.append(ip) } else { addresses += ports.map { "\(ip):\($0)" } }
                    }
                }
                let shown = addresses.count > 3 ? addresses.prefix(3).joined(separator: ",") + " + \(addresses.count - 3) more..." : addresses.joined(separator: ",")
                return [Cells.string(o.at("metadata", "name")), .string(shown.isEmpty ? "<none>" : shown), Cells.age(o, now: now)]
            }
        case "configmaps":
            return TablePrinter(columns: [.name, TableColumn("Data", type: "integer"), .age]) { o, now in
                [Cells.string(o.at("metadata", "name")),
                 .number(String((o["data"]?.members.count ?? 0) + (o["binaryData"]?.members.count ?? 0))), Cells.age(o, now: now)]
            }
        case "secrets":
            return TablePrinter(columns: [.name, TableColumn("Type"), TableColumn("Data", type: "integer"), .age]) { o, now in
                [Cells.string(o.at("metadata", "name")), Cells.string(o["type"], empty: "Opaque"),
                 .number(String(o["data"]?.members.count ?? 0)), Cells.age(o, now: now)]
            }
        case "serviceaccounts":
            return TablePrinter(columns: [.name, TableColumn("Secrets", type: "integer"), .age]) { o, now in
                [Cells.string(o.at("metadata", "name")), .number(String(o["secrets"]?.items.count ?? 0)), Cells.age(o, now: now)]
            }
        case "leases":
            return TablePrinter(columns: [.name, TableColumn("Holder"), .age]) { o, now in
                [Cells.string(o.at("metadata", "name")), Cells.string(o.at("spec", "holderIdentity"), empty: ""), Cells.age(o, now: now)]
            }
        case "events": return events
        default:
            return TablePrinter(columns: [.name, .age]) { o, now in [Cells.string(o.at("metadata", "name")), Cells.age(o, now: now)] }
        }
    }

    /// The row cells of one object.
    public func cells(of object: JSONValue, nowSeconds: Int64) -> [JSONValue] { cells(object, nowSeconds) }
}
