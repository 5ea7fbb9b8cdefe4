#if canImport(Glibc)
import Glibc
#endif
import JSON
import Objects

/// `tern get -w` / `--watch-only`: lists one type (printing it unless `--watch-only`), then
/// watches from the list's resourceVersion and prints each change as it arrives: a Table row
/// (default, `-o wide`), `kind.group/name` (`-o name`) or the object (`-o json|yaml`).
enum KubeWatch {
    /// Watches until the server ends the stream (exit 0) or sends an ERROR event (exit 1).
    static func run(_ client: KubeClient, _ targets: [KubeTarget], _ options: KubeOptions, format: String) throws(KubeError) -> Int32 {
        guard targets.count == 1, targets[0].names.count <= 1 else {
            throw .usage("watch is only supported on one resource type and at most one name")
        }
        let target = targets[0]
        let namespace: String? = options.allNamespaces ? nil : options.effectiveNamespace
        var selectorOptions = options
        if let name = target.names.first {
            let byName = "metadata.name=\(name)"
            selectorOptions.fieldSelector = options.fieldSelector.map { $0 + "," + byName } ?? byName
        }
        let table = format == "" || format == "wide"
        let accept = table ? KubeClient.tableAccept : "application/json"
        let collection = KubeResources.path(target.kind, namespace: namespace)
        let query = KubeCommand.listQuery(selectorOptions)
        let list = try client.json("GET", collection + query, accept: accept)
        let resourceVersion = list["metadata"]?["resourceVersion"]?.stringValue ?? ""
        let columns = list["columnDefinitions"] ?? .array([])
        let namespaceColumn = options.allNamespaces && target.kind.namespaced
        var header: [String] = []
        if table {
            header = KubeOutput.tableLines(list, wide: format == "wide", namespaceColumn: namespaceColumn, namePrefix: "",
                                           showLabels: options.showLabels, labelColumns: options.labelColumns)[0]
        }
        if !options.watchOnly {
            if table {
                let lines = KubeOutput.tableLines(list, wide: format == "wide", namespaceColumn: namespaceColumn, namePrefix: "",
                                                  showLabels: options.showLabels, labelColumns: options.labelColumns)
                print(KubeOutput.alignColumns(lines), terminator: "")
            } else {
                for item in list["items"]?.arrayValue ?? [] {
                    printObject(KubeOutput.withType(item, apiVersion: target.kind.apiVersion, kind: target.kind.kind), target.kind, options, format: format)
                }
            }
            fflush(nil)
        }
        let watchQuery = (query.isEmpty ? "?" : query + "&") + "watch=true&resourceVersion=" + KubeResources.percentEncode(resourceVersion)
        let stream = try client.openStream(collection + watchQuery, accept: accept)
        defer { stream.close() }
        while true {
            let line: [UInt8]?
            do { line = try stream.readBodyLine() } catch {
                throw .unreachable(addresses: [stream.address.description], reason: "the watch stream broke: \(KubeClient.readable(error))")
            }
            guard let line else { return 0 }
            guard !line.isEmpty, let event = try? JSONParser.parse(line), let object = event["object"] else { continue }
            switch event["type"]?.stringValue ?? "" {
            case "ERROR":
                KubeCommand.report(.server(code: Int(object["code"]?.stringValue ?? "") ?? 0, reason: object["reason"]?.stringValue ?? "",
                                           message: object["message"]?.stringValue ?? "the watch ended with an error"))
                return 1
            case "BOOKMARK":
                continue
            default:
                break
            }
            if table {
                var withColumns = object
                if case .object(var members) = object, (object["columnDefinitions"]?.arrayValue ?? []).isEmpty {
                    members.removeAll { $0.key == "columnDefinitions" }
                    members.append((key: "columnDefinitions", value: columns))
                    withColumns = .object(members)
                }
                let lines = KubeOutput.tableLines(withColumns, wide: format == "wide", namespaceColumn: namespaceColumn, namePrefix: "",
                                                  showLabels: options.showLabels, labelColumns: options.labelColumns)
                // Aligned with the header's widths, as the rows printed so far were.
                let text = KubeOutput.alignColumns([header] + lines.dropFirst())
                print(text.split(separator: "\n").dropFirst().joined(separator: "\n"))
            } else {
                printObject(object, target.kind, options, format: format)
            }
            fflush(nil)
        }
    }

    /// One object as `-o name`, `-o json` or `-o yaml` (a `---` line before each YAML document).
    private static func printObject(_ object: JSONValue, _ kind: ResourceKind, _ options: KubeOptions, format: String) {
        switch format {
        case "name":
            print(KubeResources.qualifiedKind(kind) + "/" + (object["metadata"]?["name"]?.stringValue ?? ""))
        default:
            let shown = options.showManagedFields ? object : KubeOutput.withoutManagedFields(object)
            if format == "yaml" { print("---") }
            print(KubeOutput.document([shown], asList: false, yaml: format == "yaml"), terminator: "")
        }
    }
}
