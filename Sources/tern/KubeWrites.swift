import JSON
import Objects

/// The writing verbs of the kubectl-style client: create, apply, delete, scale (label and
/// annotate are in ``KubeLabels``).
/// Each goes on after a failed object (reporting it) and exits 1 when any failed.
enum KubeWrites {
    /// `tern create -f`: POSTs every manifest object to its collection.
    static func create(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        guard !options.files.isEmpty else { throw .usage("create needs -f FILE|DIR|-") }
        guard options.positional.isEmpty else { throw .usage("create takes only -f, not \(options.positional.joined(separator: " "))") }
        let objects = try KubeManifests.read(options.files)
        var failed = false
        for object in objects {
            do throws(KubeError) {
                let (kind, namespace, _) = try KubeManifests.locate(object, options: options, needName: false)
                let created = try client.json("POST", KubeResources.path(kind, namespace: namespace) + "?fieldManager=tern",
                                              body: object.value.encoded(), contentType: "application/json")
                print("\(KubeResources.qualifiedKind(kind))/\(created["metadata"]?["name"]?.stringValue ?? "") created")
            } catch {
                KubeCommand.report(error)
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    /// `tern apply -f`: server-side apply of every manifest object (creating missing ones);
    /// `unchanged` when the object's resourceVersion did not move.
    static func apply(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        guard !options.files.isEmpty else { throw .usage("apply needs -f FILE|DIR|-") }
        guard options.positional.isEmpty else { throw .usage("apply takes only -f, not \(options.positional.joined(separator: " "))") }
        let objects = try KubeManifests.read(options.files)
        var failed = false
        for object in objects {
            do throws(KubeError) {
                let (kind, namespace, name) = try KubeManifests.locate(object, options: options, needName: true)
                let path = KubeResources.path(kind, namespace: namespace, name: name)
                let before = try client.send("GET", path)
                guard before.status == 200 || before.status == 404 else { throw KubeClient.statusError(before) }
                let old = before.status == 200 ? try? JSONParser.parse(before.body) : nil
                let query = "?fieldManager=tern" + (options.forceConflicts ? "&force=true" : "")
                let applied = try client.json("PATCH", path + query, body: object.value.encoded(),
                                              contentType: "application/apply-patch+yaml")
                let verb: String
                if let old {
                    let moved = old["metadata"]?["resourceVersion"] != applied["metadata"]?["resourceVersion"]
                    verb = moved && comparable(old) != comparable(applied) ? "configured" : "unchanged"
                } else {
                    verb = "created"
                }
                print("\(KubeResources.qualifiedKind(kind))/\(name) \(verb)")
            } catch {
                KubeCommand.report(error)
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    /// The object without what a no-op apply may still rewrite: `metadata.resourceVersion` and the
    /// `time` of each `managedFields` entry (the server stamps the current second on a repeated apply).
    static func comparable(_ object: JSONValue) -> JSONValue {
        guard case .object(var members) = object, let i = members.lastIndex(where: { $0.key == "metadata" }),
              case .object(var metadata) = members[i].value else { return object }
        metadata.removeAll { $0.key == "resourceVersion" }
        if let j = metadata.lastIndex(where: { $0.key == "managedFields" }), case .array(let entries) = metadata[j].value {
            metadata[j].value = .array(entries.map { entry in
                guard case .object(let fields) = entry else { return entry }
                return .object(fields.filter { $0.key != "time" })
            })
        }
        members[i].value = .object(metadata)
        return .object(members)
    }

    /// `tern delete TYPE NAME...`, `tern delete TYPE -l SELECTOR|--all`, or `tern delete -f`.
    static func delete(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        var victims: [(kind: ResourceKind, namespace: String?, name: String)] = []
        if !options.files.isEmpty {
            guard options.positional.isEmpty else { throw .usage("delete takes either -f or TYPE NAME..., not both") }
            for object in try KubeManifests.read(options.files) {
                victims.append(try KubeManifests.locate(object, options: options, needName: true))
            }
        } else {
            let targets = try KubeResources.targets(options.positional)
            let bySelection = options.labelSelector != nil || options.fieldSelector != nil || options.deleteAll
            for target in targets {
                let namespace = target.kind.namespaced ? options.effectiveNamespace : nil
                if !target.names.isEmpty {
                    guard !bySelection else { throw .usage("names cannot be given together with -l, --field-selector or --all") }
                    victims += target.names.map { (target.kind, namespace, $0) }
                    continue
                }
                guard bySelection else {
                    throw .usage("resource(s) were provided, but no name was specified: give names, -l SELECTOR or --all")
                }
                let list = try client.json("GET", KubeResources.path(target.kind, namespace: namespace) + KubeCommand.listQuery(options))
                for item in list["items"]?.arrayValue ?? [] {
                    victims.append((target.kind, namespace, item["metadata"]?["name"]?.stringValue ?? ""))
                }
            }
            if victims.isEmpty {
                KubeCommand.noResources(targets, options)
                return 0
            }
        }
        var failed = false
        for victim in victims {
            do throws(KubeError) {
                _ = try client.json("DELETE", KubeResources.path(victim.kind, namespace: victim.namespace, name: victim.name))
                print("\(KubeResources.qualifiedKind(victim.kind)) \"\(victim.name)\" deleted")
            } catch {
                KubeCommand.report(error)
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    /// `tern scale TYPE NAME --replicas=N`: a merge patch of the `scale` subresource.
    static func scale(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        guard let text = options.replicas else { throw .usage("scale needs --replicas=COUNT") }
        guard let replicas = Int32(text), replicas >= 0 else { throw .usage("--replicas must be a whole number >= 0, not \(text)") }
        let targets = try KubeResources.targets(options.positional)
        var failed = false
        for target in targets {
            guard ["deployments", "replicasets", "statefulsets"].contains(target.kind.resource) else {
                throw .refused("cannot scale \(target.kind.resource): only deployments, replicasets and statefulsets have a scale subresource")
            }
            guard !target.names.isEmpty else { throw .usage("scale needs TYPE NAME") }
            for name in target.names {
                let path = KubeResources.path(target.kind, namespace: options.effectiveNamespace, name: name, subresource: "scale")
                do throws(KubeError) {
                    _ = try client.json("PATCH", path, body: Array(#"{"spec":{"replicas":\#(replicas)}}"#.utf8),
                                        contentType: "application/merge-patch+json")
                    print("\(KubeResources.qualifiedKind(target.kind))/\(name) scaled")
                } catch {
                    KubeCommand.report(error)
                    failed = true
                }
            }
        }
        return failed ? 1 : 0
    }
}
