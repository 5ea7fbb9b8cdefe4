#if canImport(Glibc)
import Glibc
#endif
import JSON
import Objects

/// `tern get|apply|create|replace|patch|delete|describe|scale|label|annotate`: a small kubectl-style client of a member's
/// Kubernetes API, for machines without kubectl.
enum KubeCommand {
    /// The subcommands this client implements (main.swift dispatches them here).
    static let verbs: Set<String> = ["get", "apply", "create", "delete", "describe", "scale", "label", "annotate",
                                      "patch", "replace"]

    /// The text of `tern get --help`.
    static let help = """
        usage: tern <verb> [options]     a small kubectl-style client of the Kubernetes API
          get TYPE[,TYPE...] [NAME...] | TYPE/NAME...
              [-o wide|json|yaml|name] [-l SELECTOR] [--field-selector F] [--show-labels]
              [-L KEY,...] [--show-managed-fields] [-w|--watch|--watch-only]
          describe TYPE [NAME...] | TYPE/NAME...
          create -f FILE|DIR|-             POST every object of the manifests
          apply -f FILE|DIR|-              server-side apply (field manager "tern"; --force-conflicts)
          replace -f FILE|DIR|-            PUT every object of the manifests over the stored one
          patch TYPE NAME -p PATCH [--type strategic|merge|json]
          delete TYPE NAME... | TYPE/NAME... | -f FILE|DIR|- | TYPE -l SELECTOR | TYPE --all
          scale TYPE NAME --replicas=N     deployments, replicasets, statefulsets
          label TYPE NAME KEY=VALUE... KEY-... [--overwrite]
          annotate TYPE NAME KEY=VALUE... KEY-... [--overwrite]
        TYPE is a plural, singular or short name or a kind (po, deploy, svc, ...), a comma list, or all.
        Common options: -n NS (default "default"), -A (every namespace; get only),
          --server http://host:port (else every member's api address from --config, default ./cluster.conf),
          --token TOKEN (else the first token of the cluster's token-file, if it has one).
        Exit status: 0 done, 1 an error from the server or a manifest, 2 bad usage.
        """

    /// Runs `verb` with its arguments; returns the exit status.
    static func run(_ verb: String, _ args: [String]) -> Int32 {
        let options: KubeOptions
        do throws(KubeError) {
            options = try KubeOptions(parsing: args)
        } catch {
            return fail(error)
        }
        if options.help {
            print(help)
            return 0
        }
        do throws(KubeError) {
            let client = try KubeClient.from(options: options)
            switch verb {
            case "get": return try get(client, options)
            case "describe": return try KubeDescribe.run(client, options)
            case "create": return try KubeWrites.create(client, options)
            case "apply": return try KubeWrites.apply(client, options)
            case "delete": return try KubeWrites.delete(client, options)
            case "scale": return try KubeWrites.scale(client, options)
            case "label": return try KubeLabels.run(client, options, field: .labels)
            case "annotate": return try KubeLabels.run(client, options, field: .annotations)
            case "patch": return try KubeUpdates.patch(client, options)
            case "replace": return try KubeUpdates.replace(client, options)
            default: throw KubeError.usage("unknown command \(verb)")
            }
        } catch {
            return fail(error)
        }
    }

    /// Prints `error` (with a pointer to the help for usage errors) and returns its exit status.
    static func fail(_ error: KubeError) -> Int32 {
        report(error)
        if case .usage = error { Console.error("See 'tern get --help' for usage.") }
        return error.exitStatus
    }

    /// Prints an error line on standard error after flushing standard output (keeps their order).
    static func report(_ error: KubeError) {
        fflush(nil)
        Console.error(error.description)
    }

    /// Prints a note (like "No resources found") on standard error.
    static func note(_ text: String) {
        fflush(nil)
        Console.error(text)
    }

    /// The query string of a list request with the command line's selectors ("" when none).
    static func listQuery(_ options: KubeOptions) -> String {
        var parts: [String] = []
        if let l = options.labelSelector { parts.append("labelSelector=" + KubeResources.percentEncode(l)) }
        if let f = options.fieldSelector { parts.append("fieldSelector=" + KubeResources.percentEncode(f)) }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// `tern get`: prints what was found, then the errors (as kubectl does); exit 1 if any.
    static func get(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        let targets = try KubeResources.targets(options.positional)
        let output = options.output ?? ""
        guard ["", "wide", "json", "yaml", "name"].contains(output) else {
            throw .usage("unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,name,wide,yaml")
        }
        if options.allNamespaces && targets.contains(where: { !$0.names.isEmpty }) {
            throw .usage("a resource cannot be retrieved by name across all namespaces")
        }
        if options.watch || options.watchOnly {
            return try KubeWatch.run(client, targets, options, format: output)
        }
        let errors = output == "" || output == "wide"
            ? printTables(client, targets, options, wide: output == "wide")
            : printObjects(client, targets, options, format: output)
        for error in errors { report(error) }
        return errors.isEmpty ? 0 : 1
    }

    /// `get` as Tables (default and `-o wide`); returns the errors met.
    static func printTables(_ client: KubeClient, _ targets: [KubeTarget], _ options: KubeOptions, wide: Bool) -> [KubeError] {
        let namespace: String? = options.allNamespaces ? nil : options.effectiveNamespace
        let typeWord = options.positional.first ?? ""
        let prefixNames = targets.count > 1 || typeWord.contains(",") || typeWord.lowercased() == "all"
        var errors: [KubeError] = []
        var printedTables = 0
        for target in targets {
            let answer = fetch(client, target, namespace: namespace, options: options, accept: KubeClient.tableAccept) { [$0] }
            errors += answer.errors
            var lines: [[String]] = []
            for table in answer.objects {
                let more = KubeOutput.tableLines(table, wide: wide, namespaceColumn: options.allNamespaces && target.kind.namespaced,
                                                 namePrefix: prefixNames ? KubeResources.qualifiedKind(target.kind) + "/" : "",
                                                 showLabels: options.showLabels, labelColumns: options.labelColumns)
                if lines.isEmpty { lines = more } else { lines += more.dropFirst() }
            }
            guard lines.count > 1 else { continue }
            if printedTables > 0 { print("") }
            print(KubeOutput.alignColumns(lines), terminator: "")
            printedTables += 1
        }
        if printedTables == 0 && errors.isEmpty { noResources(targets, options) }
        return errors
    }

    /// `get -o json|yaml|name`; returns the errors met.
    static func printObjects(_ client: KubeClient, _ targets: [KubeTarget], _ options: KubeOptions, format: String) -> [KubeError] {
        let namespace: String? = options.allNamespaces ? nil : options.effectiveNamespace
        var errors: [KubeError] = []
        var objects: [JSONValue] = []
        var kindsOfObjects: [ResourceKind] = []
        for target in targets {
            let answer = fetch(client, target, namespace: namespace, options: options, accept: "application/json") { list in
                (list["items"]?.arrayValue ?? []).map { KubeOutput.withType($0, apiVersion: target.kind.apiVersion, kind: target.kind.kind) }
            }
            errors += answer.errors
            objects += answer.objects.map { options.showManagedFields ? $0 : KubeOutput.withoutManagedFields($0) }
            kindsOfObjects += Array(repeating: target.kind, count: answer.objects.count)
        }
        if format == "name" {
            for (object, kind) in zip(objects, kindsOfObjects) {
                print(KubeResources.qualifiedKind(kind) + "/" + (object["metadata"]?["name"]?.stringValue ?? ""))
            }
            if objects.isEmpty && errors.isEmpty { noResources(targets, options) }
            return errors
        }
        let single = targets.count == 1 && targets[0].names.count == 1
        if !(single && objects.isEmpty) {
            print(KubeOutput.document(objects, asList: !single, yaml: format == "yaml"), terminator: "")
        }
        return errors
    }

    /// kubectl's note for an empty answer (on standard error).
    static func noResources(_ targets: [KubeTarget], _ options: KubeOptions) {
        let anyNamespaced = targets.contains { $0.kind.namespaced }
        note(anyNamespaced && !options.allNamespaces ? "No resources found in \(options.effectiveNamespace) namespace." : "No resources found")
    }

    /// The answers for one target: the list (expanded by `items`; a Table stays whole) or each
    /// named object in turn. A failed request is returned as an error and the others go on.
    static func fetch(_ client: KubeClient, _ target: KubeTarget, namespace: String?, options: KubeOptions, accept: String,
                      items: (JSONValue) -> [JSONValue]) -> (objects: [JSONValue], errors: [KubeError]) {
        if target.names.isEmpty {
            do throws(KubeError) {
                let list = try client.json("GET", KubeResources.path(target.kind, namespace: namespace) + listQuery(options), accept: accept)
                return (accept == KubeClient.tableAccept ? [list] : items(list), [])
            } catch {
                return ([], [error])
            }
        }
        var out: [JSONValue] = []
        var errors: [KubeError] = []
        for name in target.names {
            do throws(KubeError) {
                out.append(try client.json("GET", KubeResources.path(target.kind, namespace: namespace, name: name), accept: accept))
            } catch {
                errors.append(error)
            }
        }
        return (out, errors)
    }
}
