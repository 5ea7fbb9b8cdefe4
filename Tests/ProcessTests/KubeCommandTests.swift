import Testing
import JSON
import Objects
@testable import tern
#if canImport(Glibc)
import Glibc
#endif

/// `tern get|apply|create|replace|patch|delete|describe|scale|label|annotate` against a three-member
/// cluster of real processes: every verb, its exact output where it is stable (ages are not), its exit status.
@Suite("tern get/apply/... against real processes", .serialized, .timeLimit(.minutes(1)))
struct KubeCommandTests {
    /// A Deployment and a Service; `replicas` is what changes between applies.
    static func web(replicas: Int) -> String {
        webTemplate.split(separator: "@", omittingEmptySubsequences: false).joined(separator: String(replicas))
    }

    static let webTemplate = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, labels: {app: web}}
    spec:
      replicas: @
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - {name: nginx, image: "nginx:1.25"}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec: {selector: {app: web}, ports: [{port: 80}]}

    """

    static let event = """
    apiVersion: v1
    kind: Event
    metadata: {name: web.1, namespace: default}
    involvedObject: {kind: Deployment, name: web, namespace: default, apiVersion: apps/v1}
    reason: ScalingReplicaSet
    message: Scaled up replica set web-1 to 5
    type: Normal
    source: {component: deployment-controller}
    count: 1

    """

    static let configMaps = #"""
    {"apiVersion":"v1","kind":"List","items":[
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}},
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}]}

    """#

    /// Runs `tern ARGS --config CONFIG` in the cluster's folder; returns the exit status and the
    /// combined standard output and error.
    func tern(_ cluster: ProcessCluster, _ args: String, config: String? = nil, input: String? = nil) -> (Int32, String) {
        let out = cluster.directory + "/tern.out"
        let stdin = input.map { " < '\($0)'" } ?? ""
        let command = "cd '\(cluster.directory)' && timeout 30 '\(ProcessCluster.ternPath)' \(args) --config '\(config ?? cluster.configPath)'\(stdin) > '\(out)' 2>&1"
        let status = system(command)
        let code = status >= 0 && (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (code, String(decoding: readFileBytes(out) ?? [], as: UTF8.self))
    }

    /// Writes `text` to `name` in the cluster's folder; returns the path.
    func write(_ cluster: ProcessCluster, _ name: String, _ text: String) -> String {
        let path = cluster.directory + "/" + name
        guard let f = fopen(path, "w") else { return path }
        fputs(text, f)
        fclose(f)
        return path
    }

    func waitForAPI(_ cluster: ProcessCluster) throws {
        let deadline = monotonicSeconds() + 20
        while monotonicSeconds() < deadline {
            if tern(cluster, "get ns default -o name").0 == 0 { return }
            usleep(200_000)
        }
        throw TestFailure("the Kubernetes API did not answer within 20 s; logs in \(cluster.directory)")
    }

    /// The first line of a table output.
    func header(_ output: String) -> String { String(output.split(separator: "\n").first ?? "") }

    @Test("get (table, wide, -A, json, yaml, name, selectors, all), apply, create, describe, scale, label, delete, errors")
    func everyVerb() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        _ = try cluster.waitForLeader()
        try waitForAPI(cluster)
        let webPath = write(cluster, "web.yaml", Self.web(replicas: 2))

        // Reads before anything exists.
        #expect(tern(cluster, "get namespaces -o name") == (0, "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n"))
        #expect(tern(cluster, "get po") == (0, "No resources found in default namespace.\n"))
        #expect(tern(cluster, "get deploy -A") == (0, "No resources found\n"))
        #expect(header(tern(cluster, "get ns").1) == "NAME              STATUS   AGE")

        // apply: created, unchanged, configured.
        #expect(tern(cluster, "apply -f web.yaml") == (0, "deployment.apps/web created\nservice/web created\n"))
        usleep(1_100_000)  // in another second: the server restamps managedFields, which is still "unchanged"
        #expect(tern(cluster, "apply --server-side -f \(webPath)") == (0, "deployment.apps/web unchanged\nservice/web unchanged\n"))
        _ = write(cluster, "web.yaml", Self.web(replicas: 3))
        #expect(tern(cluster, "apply -f -", input: webPath) == (0, "deployment.apps/web configured\nservice/web unchanged\n"))

        // create -f DIR: .yaml/.yml/.json files in name order, Lists expanded, other files ignored.
        mkdir(cluster.directory + "/manifests", 0o755)
        _ = write(cluster, "manifests/1-cms.json", Self.configMaps)
        _ = write(cluster, "manifests/2-event.yml", Self.event)
        _ = write(cluster, "manifests/README.txt", "not a manifest\n")
        #expect(tern(cluster, "create -f manifests") == (0, "configmap/a created\nconfigmap/b created\nevent/web.1 created\n"))
        let again = tern(cluster, "create -f manifests/1-cms.json")
        #expect(again.0 == 1)
        #expect(again.1 == "Error from server (AlreadyExists): configmaps \"a\" already exists\nError from server (AlreadyExists): configmaps \"b\" already exists\n")

        // Tables: several types get kind prefixes and a blank line between tables.
        let both = tern(cluster, "get deploy,svc")
        #expect(both.0 == 0)
        let lines = both.1.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE")
        #expect(lines.count > 1 && lines[1].hasPrefix("deployment.apps/web   0/3     0            0           "))
        #expect(lines.contains("") && lines.contains { $0.hasPrefix("service/web   ClusterIP   ") })
        #expect(header(tern(cluster, "get deployments -o wide").1) == "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR")
        #expect(header(tern(cluster, "get deploy -A").1) == "NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE")
        #expect(header(tern(cluster, "get cm --show-labels").1).hasSuffix("LABELS"))
        let labelColumn = tern(cluster, "get deploy -L app,missing").1
        #expect(header(labelColumn) == "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   APP   MISSING")
        #expect(labelColumn.hasSuffix("   web   \n"))
        #expect(tern(cluster, "get all -o name") == (0, "service/web\ndeployment.apps/web\n"))
        #expect(tern(cluster, "get cm/a configmap/b -o name") == (0, "configmap/a\nconfigmap/b\n"))
        for name in ["deploy", "deployment", "deployments", "Deployment", "deployments.apps", "deploy.apps"] {
            #expect(tern(cluster, "get \(name) web -o name") == (0, "deployment.apps/web\n"), "resource name \(name)")
        }
        for name in ["svc", "service", "services", "Service"] {
            #expect(tern(cluster, "get \(name)/web -o name") == (0, "service/web\n"), "resource name \(name)/web")
        }
        #expect(tern(cluster, "get deploy,svc,deploy -o name") == (0, "deployment.apps/web\nservice/web\n"), "repeated types are listed once")
        #expect(tern(cluster, "get deploy,svc web -o name") == (0, "deployment.apps/web\nservice/web\n"), "names apply to each type")
        #expect(tern(cluster, "get deploy web svc/web") == (2, "error: svc/web: use either TYPE NAME... or TYPE/NAME..., not both\nSee 'tern get --help' for usage.\n"))

        // Selectors.
        #expect(tern(cluster, "get deploy -l app=web -o name") == (0, "deployment.apps/web\n"))
        #expect(tern(cluster, "get deploy nope web -o name") == (1, "deployment.apps/web\nError from server (NotFound): deployments.apps \"nope\" not found\n"),
                "what was found comes first, then the errors")
        let managed = tern(cluster, "get deploy web -o yaml")
        #expect(managed.0 == 0 && !managed.1.contains("managedFields"), "managed fields are hidden like kubectl hides them")
        #expect(tern(cluster, "get deploy web -o yaml --show-managed-fields").1.contains("managedFields:\n"))
        #expect(tern(cluster, "get deploy -l app=nope") == (0, "No resources found in default namespace.\n"))
        #expect(tern(cluster, "get cm --field-selector metadata.name=b -o name") == (0, "configmap/b\n"))

        // json and yaml: one object, or a List.
        let json = tern(cluster, "get deploy web -o json")
        #expect(json.0 == 0 && json.1.hasPrefix("{\n    \"apiVersion\": \"apps/v1\",\n    \"kind\": \"Deployment\",\n"))
        let object = try JSONParser.parse(Array(json.1.utf8))
        #expect(object["spec"]?["replicas"] == .number("3"))
        let list = try JSONParser.parse(Array(tern(cluster, "get cm -o json").1.utf8))
        #expect(list["kind"] == .string("List"))
        guard case .array(let items)? = list["items"] else { throw TestFailure("no items in \(list)") }
        #expect(items.count == 2 && items.first?["kind"] == .string("ConfigMap"))
        let yaml = tern(cluster, "get cm a -o yaml")
        #expect(yaml.0 == 0 && yaml.1.hasPrefix("apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n"))

        // describe, with the object's events.
        let described = tern(cluster, "describe deploy/web")
        #expect(described.0 == 0)
        #expect(described.1.hasPrefix("Name:               web\nNamespace:          default\nLabels:             app=web\nAnnotations:        <none>\n"))
        #expect(described.1.contains("Spec:\n") && described.1.contains("\n  replicas: 3\n"))
        #expect(described.1.hasSuffix("  Normal   ScalingReplicaSet   1       deployment-controller   Scaled up replica set web-1 to 5\n"))
        #expect(tern(cluster, "describe svc web").1.hasSuffix("Events:             <none>\n"))

        // scale.
        #expect(tern(cluster, "scale deploy web --replicas=5") == (0, "deployment.apps/web scaled\n"))
        let scaled = try JSONParser.parse(Array(tern(cluster, "get deploy web -o json").1.utf8))
        #expect(scaled["spec"]?["replicas"] == .number("5"))
        #expect(tern(cluster, "scale svc web --replicas=2").0 == 1)
        #expect(tern(cluster, "scale deploy web").0 == 2)

        // label: add, refuse without --overwrite, overwrite, remove.
        #expect(tern(cluster, "label deploy web tier=front") == (0, "deployment.apps/web labeled\n"))
        #expect(tern(cluster, "label deploy web tier=back") == (1, "error: 'tier' already has a value (front), and --overwrite is false\n"))
        #expect(tern(cluster, "label deploy/web tier=back --overwrite") == (0, "deployment.apps/web labeled\n"))
        #expect(tern(cluster, "get deploy -l tier=back -o name") == (0, "deployment.apps/web\n"))
        #expect(tern(cluster, "label deploy web tier-") == (0, "deployment.apps/web labeled\n"))
        #expect(tern(cluster, "get deploy -l tier -o name") == (0, "No resources found in default namespace.\n"))
        #expect(tern(cluster, "annotate deploy web note=hello") == (0, "deployment.apps/web annotated\n"))
        #expect(tern(cluster, "annotate deploy web note=bye") ==
                (1, "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hello)\n"))
        #expect(tern(cluster, "annotate deploy web note=hello") == (0, "deployment.apps/web not annotated\n"))
        #expect(tern(cluster, "describe deploy web").1.contains("Annotations:        note=hello\n"))

        // patch (three types, YAML allowed) and replace (409 on a stale resourceVersion).
        #expect(tern(cluster, #"patch deploy web -p '{"spec":{"replicas":4}}' --type merge"#) == (0, "deployment.apps/web patched\n"))
        #expect(tern(cluster, #"patch deploy web -p '{"spec":{"replicas":4}}' --type=merge"#) == (0, "deployment.apps/web patched (no change)\n"))
        #expect(tern(cluster, "patch deploy/web -p 'metadata: {labels: {x: \"1\"}}'") == (0, "deployment.apps/web patched\n"))
        #expect(tern(cluster, #"patch deploy web --type json -p '[{"op":"replace","path":"/spec/replicas","value":6}]'"#) ==
                (0, "deployment.apps/web patched\n"))
        #expect(tern(cluster, "patch deploy web -p '{}' --type bogus").0 == 2)
        let current = tern(cluster, "get deploy web -o json").1
        #expect(try JSONParser.parse(Array(current.utf8))["spec"]?["replicas"] == .number("6"))
        _ = write(cluster, "current.json", current)
        #expect(tern(cluster, "replace -f current.json") == (0, "deployment.apps/web replaced\n"))
        let stale = tern(cluster, "replace -f current.json")
        #expect(stale.0 == 1 && stale.1.hasPrefix("Error from server (Conflict): "), "the resourceVersion in the file is stale now")

        // delete by name and by manifest; NotFound is an error.
        #expect(tern(cluster, "delete cm").0 == 2, "deleting a whole type needs -l or --all")
        #expect(tern(cluster, "delete cm -l nothing=here") == (0, "No resources found in default namespace.\n"))
        #expect(tern(cluster, "delete cm a") == (0, "configmap \"a\" deleted\n"))
        #expect(tern(cluster, "delete cm --all") == (0, "configmap \"b\" deleted\n"))
        #expect(tern(cluster, "delete -f web.yaml") == (0, "deployment.apps \"web\" deleted\nservice \"web\" deleted\n"))
        #expect(tern(cluster, "delete deploy web") == (1, "Error from server (NotFound): deployments.apps \"web\" not found\n"))
        #expect(tern(cluster, "get deploy web") == (1, "Error from server (NotFound): deployments.apps \"web\" not found\n"))

        // Usage errors exit 2, other errors 1.
        #expect(tern(cluster, "get").0 == 2)
        #expect(tern(cluster, "get po -o bogus").0 == 2)
        #expect(tern(cluster, "get po --bogus").0 == 2)
        #expect(tern(cluster, "get bogus") == (1, "error: the server doesn't have a resource type \"bogus\"\n"))
        #expect(tern(cluster, "apply -f missing.yaml").0 == 1)
        // A manifest that does not parse is refused before anything is sent.
        _ = write(cluster, "bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: early}\n---\na: [\n")
        let bad = tern(cluster, "create -f bad.yaml")
        #expect(bad.0 == 1 && bad.1.hasPrefix("error: bad.yaml: "))
        #expect(tern(cluster, "get cm early -o name") == (1, "Error from server (NotFound): configmaps \"early\" not found\n"))
        _ = write(cluster, "unknown.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
        #expect(tern(cluster, "apply -f unknown.yaml") == (1, "error: unknown.yaml: no matches for kind \"Widget\" in version \"example.com/v1\"\n"))
    }

    @Test("the first member that accepts a connection answers; --server overrides the cluster file")
    func failover() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        _ = try cluster.waitForLeader()
        try waitForAPI(cluster)
        // A cluster file whose first member is not running: the client moves on to the next.
        var text = "[cluster]\nname = proc\ndata-dir = data\n"
        text += "[member dead]\nclient = 127.0.0.1:\(freePort())\npeer = 127.0.0.1:\(freePort())\napi = 127.0.0.1:\(freePort())\n"
        for m in cluster.config.members {
            text += "[member \(m.name)]\nclient = \(m.client)\npeer = \(m.peer)\napi = \(m.api)\n"
        }
        let config = write(cluster, "with-dead.conf", text)
        #expect(tern(cluster, "get ns default -o name", config: config) == (0, "namespace/default\n"))
        let api = cluster.config.members[2].api
        #expect(tern(cluster, "get ns kube-system -o name --server http://\(api)") == (0, "namespace/kube-system\n"))
        let dead = tern(cluster, "get ns --server http://127.0.0.1:\(freePort())")
        #expect(dead.0 == 1 && dead.1.hasPrefix("error: the Kubernetes API did not answer at 127.0.0.1:"))
        #expect(dead.1.hasSuffix(": Connection refused\n"))
    }

    @Test("the token comes from --token, else from the cluster's token-file; a wrong one is Unauthorized")
    func tokens() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        _ = write(cluster, "tokens.csv", "# token,user,uid,groups\nsecret-one,admin,1,\"system:masters\"\nsecret-two,viewer,2\n")
        guard let original = readFileBytes(cluster.configPath) else { throw TestFailure("cannot read \(cluster.configPath)") }
        let text = String(decoding: original, as: UTF8.self)
        _ = write(cluster, "cluster.conf", text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0 == "data-dir = data" ? "data-dir = data\ntoken-file = tokens.csv" : String($0) }.joined(separator: "\n"))
        try cluster.startAll()
        _ = try cluster.waitForLeader()
        try waitForAPI(cluster)
        #expect(tern(cluster, "get ns default -o name") == (0, "namespace/default\n"))
        #expect(tern(cluster, "get ns default -o name --token secret-two") == (0, "namespace/default\n"))
        #expect(tern(cluster, "get ns --token wrong") == (1, "error: You must be logged in to the server (Unauthorized)\n"))
        let api = cluster.config.members[0].api
        #expect(tern(cluster, "get ns --server http://\(api)") == (1, "error: You must be logged in to the server (Unauthorized)\n"),
                "--server alone sends no token")
    }

    /// Starts `tern ARGS` in the background with its output in `output`; returns its pid.
    func spawnTern(_ cluster: ProcessCluster, _ args: String, output: String) throws -> pid_t {
        let command = "cd '\(cluster.directory)' && exec '\(ProcessCluster.ternPath)' \(args) --config '\(cluster.configPath)' > '\(output)' 2>&1"
        let words: [String] = ["/bin/sh", "-c", command]
        let argv = words.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw TestFailure("cannot start /bin/sh") }
        return pid
    }

    /// Waits up to 10 s for `path` to contain `text` (at least `after` times); returns the file's text.
    func waitForOutput(_ path: String, containing text: String, after: Int = 1) -> String {
        let deadline = monotonicSeconds() + 10
        var current = ""
        while monotonicSeconds() < deadline {
            current = String(decoding: readFileBytes(path) ?? [], as: UTF8.self)
            if current.components(text) >= after { break }
            usleep(50_000)
        }
        return current
    }

    @Test("get -w prints the list, then every change from the list's resourceVersion on")
    func watch() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        _ = try cluster.waitForLeader()
        try waitForAPI(cluster)
        _ = write(cluster, "before.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before}\n")
        _ = write(cluster, "after.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\ndata: {k: v}\n")
        #expect(tern(cluster, "create -f before.yaml").0 == 0)
        let names = cluster.directory + "/watch-names.out"
        let tables = cluster.directory + "/watch-table.out"
        let namesPID = try spawnTern(cluster, "get cm -w -o name", output: names)
        let tablePID = try spawnTern(cluster, "get configmaps --watch", output: tables)
        let secrets = cluster.directory + "/watch-secrets.out"
        let secretsPID = try spawnTern(cluster, "get secrets -w", output: secrets)
        defer {
            for pid in [namesPID, tablePID, secretsPID] {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        // Once the list is printed, the watch starts from its resourceVersion: nothing later is missed.
        #expect(waitForOutput(names, containing: "configmap/before\n").hasPrefix("configmap/before\n"))
        #expect(waitForOutput(tables, containing: "before").hasPrefix("NAME     DATA   AGE\nbefore   0      "))
        // An empty list: the note, then the header with the first row.
        #expect(waitForOutput(secrets, containing: "No resources found") == "No resources found in default namespace.\n")
        _ = write(cluster, "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n")
        #expect(tern(cluster, "create -f secret.yaml").0 == 0)
        #expect(waitForOutput(secrets, containing: "\ns ").hasPrefix("No resources found in default namespace.\nNAME   TYPE"))
        #expect(tern(cluster, "create -f after.yaml").0 == 0)
        #expect(tern(cluster, "delete cm before").0 == 0)
        #expect(waitForOutput(names, containing: "configmap/after\nconfigmap/before\n") == "configmap/before\nconfigmap/after\nconfigmap/before\n")
        let table = waitForOutput(tables, containing: "\nbefore", after: 2)
        let rows = table.split(separator: "\n").map { String($0.prefix(while: { $0 != " " })) }
        #expect(rows == ["NAME", "before", "after", "before"], "the list, then ADDED after, DELETED before: \(table)")

        // The member serving both watches (the first of the cluster file) dies: they watch again,
        // from the last version seen, on the next member.
        cluster.kill(cluster.names[0])
        _ = write(cluster, "late.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late}\n")
        let deadline = monotonicSeconds() + 20
        while tern(cluster, "create -f late.yaml").0 != 0 && monotonicSeconds() < deadline { usleep(300_000) }
        #expect(waitForOutput(names, containing: "configmap/late\n") == "configmap/before\nconfigmap/after\nconfigmap/before\nconfigmap/late\n")
        let afterKill = waitForOutput(tables, containing: "\nlate")
        #expect(afterKill.split(separator: "\n").map { String($0.prefix(while: { $0 != " " })) } == ["NAME", "before", "after", "before", "late"])
    }
}

/// The client's pure parts, without a cluster: argument parsing, resource names, output layout,
/// manifests, label changes, error lines.
@Suite("tern get/apply/...: parsing and printing")
struct KubeCommandUnitTests {
    @Test("options in kubectl's spellings", arguments: [
        (["get", "po", "-n", "x"], "x"), (["get", "-nx", "po"], "x"), (["-n=x", "get"], "x"),
        (["--namespace", "x"], "x"), (["--namespace=x", "po"], "x"),
    ])
    func namespaceSpellings(args: [String], namespace: String) throws {
        let options = try KubeOptions(parsing: args)
        #expect(options.namespace == namespace)
        #expect(options.positional == args.filter { !$0.hasPrefix("-") && $0 != "x" })
    }

    @Test("switches, repeated -f, -oyaml, unknown options and missing values")
    func options() throws {
        let o = try KubeOptions(parsing: ["apply", "-f", "a.yaml", "--filename=b", "-f-", "-A", "-oyaml", "--overwrite=false",
                                          "--replicas=3", "-l", "app=web", "--field-selector", "metadata.name=x", "-w"])
        #expect(o.files == ["a.yaml", "b", "-"])
        #expect(o.allNamespaces && o.watch && !o.overwrite)
        #expect(o.output == "yaml" && o.replicas == "3" && o.labelSelector == "app=web" && o.fieldSelector == "metadata.name=x")
        #expect(o.positional == ["apply"])
        #expect(try KubeOptions(parsing: ["-L", "a,b", "--label-columns=c", "--all"]).labelColumns == ["a", "b", "c"])
        #expect(o.effectiveNamespace == "default")
        #expect(throws: KubeError.usage("unknown option --bogus")) { try KubeOptions(parsing: ["--bogus"]) }
        #expect(throws: KubeError.usage("option -n needs a value")) { try KubeOptions(parsing: ["get", "-n"]) }
        #expect(throws: KubeError.usage("--overwrite=maybe: expected true or false")) { try KubeOptions(parsing: ["--overwrite=maybe"]) }
        #expect(try KubeOptions(parsing: ["--", "-x"]).positional == ["-x"])
    }

    @Test("resource names: plural, singular, short, kind, group-qualified", arguments: [
        ("po", "pods"), ("pod", "pods"), ("Pods", "pods"), ("Pod", "pods"), ("deploy", "deployments"),
        ("deployments.apps", "deployments"), ("deploy.apps", "deployments"), ("svc", "services"), ("ns", "namespaces"),
        ("no", "nodes"), ("ev", "events"), ("cm", "configmaps"), ("sts", "statefulsets"), ("cj", "cronjobs"),
    ])
    func resourceNames(word: String, resource: String) {
        #expect(KubeResources.kind(named: word)?.resource == resource)
    }

    @Test("type lists, all, TYPE/NAME, and their errors")
    func targets() throws {
        #expect(try KubeResources.kinds("all").map(\.resource) ==
                ["pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets", "jobs", "cronjobs"])
        #expect(try KubeResources.kinds("deploy,rs,po,deployments").map(\.resource) == ["deployments", "replicasets", "pods"])
        let slashed = try KubeResources.targets(["deploy/a", "svc/b", "deployment/c"])
        #expect(slashed.map(\.kind.resource) == ["deployments", "services"])
        #expect(slashed.map(\.names) == [["a", "c"], ["b"]])
        #expect(try KubeResources.targets(["cm", "a", "b"]).map(\.names) == [["a", "b"]])
        #expect(throws: KubeError.refused("the server doesn't have a resource type \"widgets\"")) {
            try KubeResources.targets(["widgets"])
        }
        #expect(throws: KubeError.usage("svc/b: use either TYPE NAME... or TYPE/NAME..., not both")) {
            try KubeResources.targets(["deploy", "svc/b"])
        }
        #expect(throws: KubeError.self) { try KubeResources.targets([]) }
        #expect(throws: KubeError.self) { try KubeResources.targets(["deploy/"]) }
    }

    @Test("paths and percent-encoding")
    func paths() throws {
        let deploy = try #require(KubeResources.kind(named: "deploy"))
        let ns = try #require(KubeResources.kind(named: "ns"))
        #expect(KubeResources.path(deploy, namespace: "x", name: "web", subresource: "scale") == "/apis/apps/v1/namespaces/x/deployments/web/scale")
        #expect(KubeResources.path(deploy, namespace: nil) == "/apis/apps/v1/deployments")
        #expect(KubeResources.path(ns, namespace: "ignored", name: "a") == "/api/v1/namespaces/a")
        #expect(KubeResources.percentEncode("app in (a,b)") == "app%20in%20%28a%2Cb%29")
        #expect(KubeResources.qualifiedKind(deploy) == "deployment.apps" && KubeResources.qualifiedKind(ns) == "namespace")
    }

    @Test("columns: widest cell plus three spaces, at least six; the last column unpadded")
    func alignment() {
        #expect(KubeOutput.alignColumns([["NAME", "READY", "AGE"], ["web-long-name", "1/1", "5m"]]) ==
                "NAME            READY   AGE\nweb-long-name   1/1     5m\n")
        #expect(KubeOutput.alignColumns([["NO", "X"], ["1", "2"]]) == "NO    X\n1     2\n")
    }

    @Test("Table lines: priority columns, NAMESPACE, name prefixes, labels, <none>")
    func tableLines() throws {
        let table = try JSONParser.parse(Array(#"""
            {"kind":"Table","columnDefinitions":[{"name":"Name","format":"name","priority":0},{"name":"Ready","priority":0},
             {"name":"Images","priority":1}],
             "rows":[{"cells":["web","1/1",null],"object":{"metadata":{"name":"web","namespace":"prod","labels":{"b":"2","a":"1"}}}}]}
            """#.utf8))
        #expect(KubeOutput.tableLines(table, wide: false, namespaceColumn: false, namePrefix: "") == [["NAME", "READY"], ["web", "1/1"]])
        #expect(KubeOutput.tableLines(table, wide: true, namespaceColumn: true, namePrefix: "deployment.apps/", showLabels: true,
                                      labelColumns: ["b", "zz"]) ==
                [["NAMESPACE", "NAME", "READY", "IMAGES", "B", "ZZ", "LABELS"], ["prod", "deployment.apps/web", "1/1", "<none>", "2", "", "a=1,b=2"]])
    }

    @Test("JSON like kubectl: keys sorted, four-space indentation, empty containers inline; List or one object")
    func documents() throws {
        let object = try JSONParser.parse(Array(#"{"kind":"ConfigMap","apiVersion":"v1","data":{},"list":[],"n":[1,true]}"#.utf8))
        #expect(KubeOutput.document([object], asList: false, yaml: false) == """
            {
                "apiVersion": "v1",
                "data": {},
                "kind": "ConfigMap",
                "list": [],
                "n": [
                    1,
                    true
                ]
            }

            """)
        let list = try JSONParser.parse(Array(KubeOutput.document([object, object], asList: true, yaml: false).utf8))
        #expect(list["kind"] == .string("List") && list["metadata"]?["resourceVersion"] == .string(""))
        #expect(KubeOutput.document([], asList: true, yaml: true) == "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n")
        let typed = KubeOutput.withType(try JSONParser.parse(Array(#"{"metadata":{"managedFields":[{}],"name":"a"}}"#.utf8)),
                                        apiVersion: "v1", kind: "Pod")
        #expect(KubeOutput.withoutManagedFields(typed).encoded() == Array(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}"#.utf8))
    }

    @Test("manifests: documents, Lists expanded, empty documents skipped, errors name the source")
    func manifests() throws {
        let text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\n---\nkind: Pod\napiVersion: v1\nmetadata: {name: p, namespace: prod}\n"
        let objects = try KubeManifests.parse(Array(text.utf8), source: "m.yaml", json: false)
        #expect(objects.map { $0.value["metadata"]?["name"] } == [.string("a"), .string("p")])
        let options = try KubeOptions(parsing: ["-n", "dev"])
        let first = try KubeManifests.locate(objects[0], options: options, needName: true)
        #expect(first.kind.resource == "configmaps" && first.namespace == "dev" && first.name == "a")
        #expect(throws: KubeError.self) { try KubeManifests.locate(objects[1], options: options, needName: true) }
        #expect(try KubeManifests.locate(objects[1], options: try KubeOptions(parsing: []), needName: true).namespace == "prod")
        #expect(throws: KubeError.manifest(source: "s.yaml", reason: "a document is not an object (it is of type string)")) {
            try KubeManifests.parse(Array("just text\n".utf8), source: "s.yaml", json: false)
        }
        #expect(throws: KubeError.manifest(source: "k.yaml", reason: "an object has no kind")) {
            try KubeManifests.parse(Array("metadata: {name: a}\n".utf8), source: "k.yaml", json: false)
        }
        #expect(throws: KubeError.self) { try KubeManifests.parse(Array("{".utf8), source: "j.json", json: true) }
    }

    @Test("label changes: KEY=VALUE and KEY- after the object words")
    func labelChanges() throws {
        let parsed = try KubeLabels.changes(["deploy", "web", "a=1", "b-", "c="])
        #expect(parsed.objects == ["deploy", "web"])
        #expect(parsed.changes == [.init(key: "a", value: "1"), .init(key: "b", value: nil), .init(key: "c", value: "")])
        #expect(throws: KubeError.self) { try KubeLabels.changes(["deploy", "web"]) }
        #expect(throws: KubeError.self) { try KubeLabels.changes(["deploy", "web", "a=1", "a=2"]) }
        #expect(throws: KubeError.self) { try KubeLabels.changes(["deploy", "web", "=1"]) }
        #expect(throws: KubeError.self) { try KubeLabels.changes(["deploy", "web", "a=1", "other"]) }
        let current = JSONValue.object([("a", .string("1")), ("b", .string("2"))])
        #expect(throws: KubeError.refused("'a' already has a value (1), and --overwrite is false")) {
            try KubeLabels.patch(current: current, changes: [.init(key: "a", value: "9")], field: .labels, overwrite: false)
        }
        let patch = try #require(try KubeLabels.patch(current: current, changes: [.init(key: "a", value: "9"), .init(key: "b", value: nil),
                                                                                 .init(key: "c", value: "3")], field: .labels, overwrite: true))
        #expect(JSONValue.object(patch) == .object([("a", .string("9")), ("b", .null), ("c", .string("3"))]))
        #expect(try KubeLabels.patch(current: current, changes: [.init(key: "a", value: "1")], field: .annotations, overwrite: false) == nil,
                "setting the same value changes nothing")
    }

    @Test("a re-apply that only moved resourceVersion and managedFields times is unchanged; a spec change is not")
    func applyComparison() throws {
        func object(_ rv: String, _ time: String, _ replicas: Int) throws -> JSONValue {
            try JSONParser.parse(Array(#"{"metadata":{"name":"w","resourceVersion":"\#(rv)","managedFields":[{"manager":"tern","time":"\#(time)"}]},"spec":{"replicas":\#(replicas)}}"#.utf8))
        }
        #expect(KubeWrites.comparable(try object("1", "t1", 2)) == KubeWrites.comparable(try object("2", "t2", 2)))
        #expect(KubeWrites.comparable(try object("1", "t1", 2)) != KubeWrites.comparable(try object("2", "t2", 3)))
    }

    @Test("error lines as kubectl prints them, and exit statuses")
    func errorLines() {
        #expect(KubeError.server(code: 404, reason: "NotFound", message: #"pods "x" not found"#).description ==
                #"Error from server (NotFound): pods "x" not found"#)
        #expect(KubeError.server(code: 500, reason: "", message: "boom").description == "Error from server: boom")
        #expect(KubeError.server(code: 401, reason: "Unauthorized", message: "Unauthorized").description ==
                "error: You must be logged in to the server (Unauthorized)")
        #expect(KubeError.usage("x").exitStatus == 2 && KubeError.refused("x").exitStatus == 1)
    }
}
