import JSON
import Objects
import YAML

/// `tern describe`: a readable multi-line view of objects and their events.
enum KubeDescribe {
    /// Describes every named object (or every object of the type when no name is given).
    static func run(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        let targets = try KubeResources.targets(options.positional)
        var failed = false
        var printed = 0
        for target in targets {
            let namespace = target.kind.namespaced ? options.effectiveNamespace : nil
            var objects: [JSONValue] = []
            if target.names.isEmpty {
                let list = try client.json("GET", KubeResources.path(target.kind, namespace: namespace) + KubeCommand.listQuery(options))
                objects = list["items"]?.arrayValue ?? []
            } else {
                for name in target.names {
                    do throws(KubeError) {
                        objects.append(try client.json("GET", KubeResources.path(target.kind, namespace: namespace, name: name)))
                    } catch {
                        KubeCommand.report(error)
                        failed = true
                    }
                }
            }
            for object in objects {
                if printed > 0 { print("\n") }
                var events: [JSONValue] = []
                do throws(KubeError) {
                    events = try self.events(client, of: object)
                } catch {
                    // The object is still worth showing; the events' failure is reported and counts.
                    KubeCommand.report(error)
                    failed = true
                }
                print(text(object, events: events), terminator: "")
                printed += 1
            }
        }
        if printed == 0 && !failed {
            KubeCommand.noResources(targets, options)
        }
        return failed ? 1 : 0
    }

    /// The Events whose involvedObject is `object`, oldest first: the server selects by name and
    /// namespace, the kind (and the uid when both carry one) are checked here.
    static func events(_ client: KubeClient, of object: JSONValue) throws(KubeError) -> [JSONValue] {
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        let namespace = object["metadata"]?["namespace"]?.stringValue ?? "default"
        let selector = "involvedObject.name=\(name),involvedObject.namespace=\(namespace)"
        let path = "/api/v1/namespaces/\(KubeResources.percentEncode(namespace))/events?fieldSelector=" + KubeResources.percentEncode(selector)
        let list = try client.json("GET", path)
        let kind = object["kind"]?.stringValue ?? ""
        let uid = object["metadata"]?["uid"]?.stringValue ?? ""
        let events = (list["items"]?.arrayValue ?? []).filter { e in
            let involved = e["involvedObject"]
            let eventKind = involved?["kind"]?.stringValue ?? ""
            let eventUID = involved?["uid"]?.stringValue ?? ""
            return (eventKind.isEmpty || kind.isEmpty || eventKind == kind) && (eventUID.isEmpty || uid.isEmpty || eventUID == uid)
        }
        func time(_ e: JSONValue) -> String {
            e["lastTimestamp"]?.stringValue ?? e["eventTime"]?.stringValue ?? e["metadata"]?["creationTimestamp"]?.stringValue ?? ""
        }
        return events.enumerated().sorted { a, b in
            time(a.element) == time(b.element) ? a.offset < b.offset : time(a.element) < time(b.element)
        }.map(\.element)
    }

    /// The description: name, namespace, labels, annotations, creation time, spec and status as
    /// indented YAML, then the events.
    static func text(_ object: JSONValue, events: [JSONValue]) -> String {
        let metadata = object["metadata"] ?? .object([])
        var out = ""
        func field(_ name: String, _ value: String) {
            let label = name + ":"
            out += label + String(repeating: " ", count: max(1, 20 - label.count)) + value + "\n"
        }
        func pairs(_ name: String, _ value: JSONValue?) {
            guard case .object(let members)? = value, !members.isEmpty else {
                field(name, "<none>")
                return
            }
            let lines = members.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
            field(name, lines[0])
            for line in lines.dropFirst() { out += String(repeating: " ", count: 20) + line + "\n" }
        }
        field("Name", metadata["name"]?.stringValue ?? "")
        if let namespace = metadata["namespace"]?.stringValue { field("Namespace", namespace) }
        pairs("Labels", metadata["labels"])
        pairs("Annotations", metadata["annotations"])
        field("CreationTimestamp", metadata["creationTimestamp"]?.stringValue ?? "<unknown>")
        if let deletion = metadata["deletionTimestamp"]?.stringValue { field("DeletionTimestamp", deletion) }
        for (key, title) in [("spec", "Spec"), ("data", "Data"), ("status", "Status")] {
            guard let value = object[key], value != .object([]), value != .null else { continue }
            out += title + ":\n"
            for line in YAMLWriter.write(KubeOutput.sortedKeys(value)).split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                out += "  " + line + "\n"
            }
        }
        guard !events.isEmpty else {
            field("Events", "<none>")
            return out
        }
        out += "Events:\n"
        var lines: [[String]] = [["  Type", "Reason", "Count", "From", "Message"], ["  ----", "------", "-----", "----", "-------"]]
        for e in events {
            let from = e["source"]?["component"]?.stringValue ?? e["reportingComponent"]?.stringValue ?? ""
            lines.append(["  " + (e["type"]?.stringValue ?? ""), e["reason"]?.stringValue ?? "", e["count"]?.stringValue ?? "1",
                          from, e["message"]?.stringValue ?? ""])
        }
        out += KubeOutput.alignColumns(lines)
        return out
    }
}
