#if canImport(Glibc)
import Glibc
#endif
import JSON
import Objects
import Wire

/// `tern get -w` / `--watch-only`: lists one type (printing it unless `--watch-only`), then
/// watches from the list's resourceVersion and prints each change as it arrives: a Table row
/// (default, `-o wide`), `kind.group/name` (`-o name`) or the object (`-o json|yaml`). When the
/// server ends the stream or the member goes away, it watches again from the last resourceVersion
/// seen (bookmarks included), on the next member if need be, as kubectl and client-go do.
enum KubeWatch {
    /// Watches until interrupted, until an ERROR event (exit 1, e.g. 410 Expired), or until no
    /// member accepts the watch for about 10 s (exit 1).
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
        var headerPrinted = false
        if !options.watchOnly {
            if table {
                let lines = KubeOutput.tableLines(list, wide: format == "wide", namespaceColumn: namespaceColumn, namePrefix: "",
                                                  showLabels: options.showLabels, labelColumns: options.labelColumns)
                if lines.count > 1 {
                    print(KubeOutput.alignColumns(lines), terminator: "")
                    headerPrinted = true
                } else {
                    KubeCommand.noResources(targets, options)
                }
            } else {
                for item in list["items"]?.arrayValue ?? [] {
                    printObject(KubeOutput.withType(item, apiVersion: target.kind.apiVersion, kind: target.kind.kind), target.kind, options, format: format)
                }
            }
            fflush(nil)
        }
        var lastVersion = resourceVersion
        var stream: HTTPClient?
        var failures = 0
        defer { stream?.close() }
        while true {
            if stream == nil {
                // (Re)open from the last version seen: after the server ended the stream or the
                // member went away, nothing in between is lost (a 410 ERROR says when it would be).
                let watchQuery = (query.isEmpty ? "?" : query + "&") + "watch=true&allowWatchBookmarks=true&resourceVersion="
                    + KubeResources.percentEncode(lastVersion)
                do throws(KubeError) {
                    stream = try client.openStream(collection + watchQuery, accept: accept)
                } catch {
                    failures += 1
                    if failures >= maxReopenAttempts || !isTransient(error) { throw error }
                    usleep(reopenDelayMicroseconds)
                    continue
                }
            }
            guard let open = stream else { continue }
            let line: [UInt8]?
            do { line = try open.readBodyLine() } catch {
                line = nil
            }
            guard let line else {
                open.close()
                stream = nil
                usleep(reopenDelayMicroseconds)
                continue
            }
            failures = 0
            guard !line.isEmpty, let event = try? JSONParser.parse(line), let object = event["object"] else { continue }
            switch event["type"]?.stringValue ?? "" {
            case "ERROR":
                KubeCommand.report(.server(code: Int(object["code"]?.stringValue ?? "") ?? 0, reason: object["reason"]?.stringValue ?? "",
                                           message: object["message"]?.stringValue ?? "the watch ended with an error"))
                return 1
            case "BOOKMARK":
                if let version = object["metadata"]?["resourceVersion"]?.stringValue { lastVersion = version }
                continue
            default:
                break
            }
            if table {
                let rows = object["rows"]?.arrayValue ?? []
                if let version = rows.last?["object"]?["metadata"]?["resourceVersion"]?.stringValue { lastVersion = version }
                var withColumns = object
                if case .object(var members) = object, (object["columnDefinitions"]?.arrayValue ?? []).isEmpty {
                    members.removeAll { $0.key == "columnDefinitions" }
                    members.append((key: "columnDefinitions", value: columns))
                    withColumns = .object(members)
                }
                let lines = KubeOutput.tableLines(withColumns, wide: format == "wide", namespaceColumn: namespaceColumn, namePrefix: "",
                                                  showLabels: options.showLabels, labelColumns: options.labelColumns)
                // Aligned with the header's widths, as the rows printed so far were; the header
                // itself comes before the first row when the list had none.
                let text = KubeOutput.alignColumns([header] + lines.dropFirst())
                print(text.split(separator: "\n").dropFirst(headerPrinted ? 1 : 0).joined(separator: "\n"))
                headerPrinted = true
            } else {
                if let version = object["metadata"]?["resourceVersion"]?.stringValue { lastVersion = version }
                printObject(object, target.kind, options, format: format)
            }
            fflush(nil)
        }
    }

    /// Consecutive failed attempts to reopen a watch before giving up (about 10 s in all).
    static let maxReopenAttempts = 50
    static let reopenDelayMicroseconds: UInt32 = 200_000

    /// Whether reopening may help: no member answered (yet), or one is briefly unavailable.
    private static func isTransient(_ error: KubeError) -> Bool {
        switch error {
        case .unreachable: return true
        case .server(let code, _, _): return code == 503 || code == 500 || code == 504
        default: return false
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
