import JSON
import Objects

/// `tern patch` and `tern replace`: updates of existing objects, by a patch or by a whole object.
enum KubeUpdates {
    /// The patch types `--type` takes, and the media type each is sent as.
    static let patchTypes: [String: String] = [
        "strategic": "application/strategic-merge-patch+json",
        "merge": "application/merge-patch+json",
        "json": "application/json-patch+json",
    ]

    /// `tern patch TYPE NAME -p PATCH [--type strategic|merge|json]`: prints `patched`, or
    /// `patched (no change)` when the resourceVersion did not move.
    static func patch(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        guard let text = options.patch else { throw .usage("patch needs -p PATCH (JSON or YAML)") }
        let typeName = options.patchType ?? "strategic"
        guard let contentType = patchTypes[typeName] else {
            throw .usage("--type must be strategic, merge or json, not \(typeName)")
        }
        // The patch may be written in YAML, as kubectl allows; it is sent as JSON.
        let documents = try KubeManifests.parseValues(Array(text.utf8), source: "the patch")
        guard documents.count == 1, let value = documents.first else { throw .usage("-p must hold exactly one JSON or YAML value") }
        let targets = try KubeResources.targets(options.positional)
        var failed = false
        for target in targets {
            guard !target.names.isEmpty else { throw .usage("patch needs TYPE NAME") }
            for name in target.names {
                let path = KubeResources.path(target.kind, namespace: target.kind.namespaced ? options.effectiveNamespace : nil, name: name)
                do throws(KubeError) {
                    let before = try client.json("GET", path)
                    let after = try client.json("PATCH", path + "?fieldManager=tern", body: value.encoded(), contentType: contentType)
                    let moved = before["metadata"]?["resourceVersion"] != after["metadata"]?["resourceVersion"]
                    print("\(KubeResources.qualifiedKind(target.kind))/\(name) patched" + (moved ? "" : " (no change)"))
                } catch {
                    KubeCommand.report(error)
                    failed = true
                }
            }
        }
        return failed ? 1 : 0
    }

    /// `tern replace -f`: PUTs every manifest object over the stored one (a stale
    /// `metadata.resourceVersion` in the manifest gets the server's 409 Conflict).
    static func replace(_ client: KubeClient, _ options: KubeOptions) throws(KubeError) -> Int32 {
        guard !options.files.isEmpty else { throw .usage("replace needs -f FILE|DIR|-") }
        guard options.positional.isEmpty else { throw .usage("replace takes only -f, not \(options.positional.joined(separator: " "))") }
        var failed = false
        for object in try KubeManifests.read(options.files) {
            do throws(KubeError) {
                let (kind, namespace, name) = try KubeManifests.locate(object, options: options, needName: true)
                _ = try client.json("PUT", KubeResources.path(kind, namespace: namespace, name: name) + "?fieldManager=tern",
                                    body: object.value.encoded(), contentType: "application/json")
                print("\(KubeResources.qualifiedKind(kind))/\(name) replaced")
            } catch {
                KubeCommand.report(error)
                failed = true
            }
        }
        return failed ? 1 : 0
    }
}
