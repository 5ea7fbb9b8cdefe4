import Testing
import Wire
#if canImport(Glibc)
import Glibc
#endif

/// True when `kubectl` is on the PATH (`.ci/run` installs Debian's kubernetes-client if missing).
let kubectlInstalled = system("command -v kubectl >/dev/null 2>&1") == 0

/// kubectl before 1.27 validates manifests against OpenAPI v2 in protobuf, which Tern does not
/// serve (newer ones use OpenAPI v3 and leave validation to the server): such a client needs
/// `--validate=false` for create, apply and replace.
let kubectlValidateFlag: String = {
    let out = "/tmp/tern-kubectl-version-\(getpid())"
    defer { unlink(out) }
    guard system("kubectl version --client -o json > '\(out)' 2>/dev/null") == 0,
          let text = readFileBytes(out).map({ String(decoding: $0, as: UTF8.self) }),
          let range = text.firstRange(of: "\"minor\": \"") else { return "--validate=false" }
    let minor = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
    return minor >= 27 ? "" : "--validate=false"
}()

@Suite("unmodified kubectl against a three-member tern cluster", .serialized, .timeLimit(.minutes(3)))
struct KubectlTests {
    static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: 2
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: nginx
            image: nginx:1.25
            ports:
            - containerPort: 80
          - name: sidecar
            image: busybox
            command: ["sleep", "3600"]

    """

    /// Runs `kubectl ARGS` against a member's API; returns the exit status and the combined output.
    func kubectl(_ cluster: ProcessCluster, _ member: String, _ args: String, env: String = "") -> (Int32, String) {
        let api = (try? cluster.config.member(named: member).api.description) ?? ""
        let out = cluster.directory + "/kubectl.out"
        let status = system("\(env) timeout 60 kubectl --server=http://\(api) \(args) > '\(out)' 2>&1")
        return (status, String(decoding: readFileBytes(out) ?? [], as: UTF8.self))
    }

    func write(_ cluster: ProcessCluster, _ name: String, _ text: String) -> String {
        let path = cluster.directory + "/" + name
        if let f = fopen(path, "w") {
            fputs(text, f)
            fclose(f)
        }
        return path
    }

    @Test("version, discovery, create/apply/replace/label/annotate/scale/edit/delete, get in every format, watch",
          .enabled(if: kubectlInstalled, "install kubectl (done by .ci/run)"))
    func kubectlFlows() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let other = cluster.names.first { $0 != leader } ?? leader
        try waitForAPI(cluster, other)
        let manifest = write(cluster, "web.yaml", Self.deployment)

        #expect(kubectl(cluster, other, "version").1.contains("Server Version: v1."))
        let resources = kubectl(cluster, other, "api-resources")
        #expect(resources.1.contains("deployments") && resources.1.contains("deploy") && resources.1.contains("apps/v1"))
        #expect(kubectl(cluster, other, "get namespaces").1.contains("kube-system"))
        let node = write(cluster, "node.json", #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1","labels":{"node-role.kubernetes.io/worker":""}},"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#)
        #expect(kubectl(cluster, other, "apply \(kubectlValidateFlag) -f \(node)").1.contains("node/node-1 created"), "apply creates")
        let nodes = kubectl(cluster, leader, "get nodes")
        #expect(nodes.1.contains("node-1") && nodes.1.contains("Ready") && nodes.1.contains("worker"), "\(nodes.1)")

        // create, then AlreadyExists; writes through a follower, reads anywhere.
        #expect(kubectl(cluster, other, "create \(kubectlValidateFlag) -f \(manifest)").1.contains("deployment.apps/web created"))
        #expect(kubectl(cluster, leader, "create \(kubectlValidateFlag) -f \(manifest)").1.contains("AlreadyExists"))
        let table = kubectl(cluster, leader, "get deploy,rs,po")
        #expect(table.1.contains("NAME") && table.1.contains("deployment.apps/web"))
        #expect(kubectl(cluster, leader, "get deploy -o wide").1.contains("nginx:1.25,busybox"))
        #expect(kubectl(cluster, leader, "get deploy web -o json").1.contains("\"containerPort\": 80"))
        #expect(kubectl(cluster, leader, "get deploy web -o yaml").1.contains("image: nginx:1.25"))
        #expect(kubectl(cluster, leader, "get deploy --show-labels").1.contains("app=web"))
        #expect(kubectl(cluster, leader, "get all").0 == 0)
        #expect(kubectl(cluster, leader, "get pods -A").0 == 0)

        // apply: patch path keeps the sidecar (containers merge by name), then "unchanged".
        _ = write(cluster, "web.yaml", Self.deployment.replacing("nginx:1.25", with: "nginx:1.26"))
        #expect(kubectl(cluster, other, "apply \(kubectlValidateFlag) -f \(manifest)").1.contains("deployment.apps/web configured"))
        #expect(kubectl(cluster, other, "apply \(kubectlValidateFlag) -f \(manifest)").1.contains("unchanged"))
        #expect(kubectl(cluster, leader, "get deploy web -o jsonpath={.spec.template.spec.containers[*].image}").1 == "nginx:1.26 busybox")
        #expect(kubectl(cluster, other, "apply --server-side \(kubectlValidateFlag) -f \(manifest)").1.contains("serverside-applied"))

        // label, annotate, scale (through the scale subresource).
        #expect(kubectl(cluster, other, "label deploy web tier=frontend").1.contains("labeled"))
        #expect(kubectl(cluster, other, "label deploy web tier=backend").0 != 0, "no --overwrite")
        #expect(kubectl(cluster, other, "annotate deploy web note=hi").1.contains("annotated"))
        #expect(kubectl(cluster, other, "scale deploy web --replicas=5").1.contains("scaled"))
        #expect(kubectl(cluster, leader, "get deploy web -o jsonpath={.spec.replicas}/{.metadata.labels.tier}/{.metadata.annotations.note}").1 == "5/frontend/hi")

        // replace with a stale resourceVersion is a conflict.
        let current = kubectl(cluster, leader, "get deploy web -o yaml").1
        #expect(kubectl(cluster, other, "scale deploy web --replicas=3").0 == 0)
        let stale = write(cluster, "stale.yaml", current)
        #expect(kubectl(cluster, other, "replace \(kubectlValidateFlag) -f \(stale)").1.contains("Conflict"))

        // edit with a scripted editor.
        let edited = kubectl(cluster, other, "edit deploy web", env: "EDITOR='sed -i s/replicas:\\ 3/replicas:\\ 4/'")
        #expect(edited.1.contains("edited"), "\(edited.1)")
        #expect(kubectl(cluster, leader, "get deploy web -o jsonpath={.spec.replicas}").1 == "4")

        // create configmap (protobuf on kubectl ≥ 1.32, JSON before), then a watch sees a change.
        #expect(kubectl(cluster, other, "create configmap settings --from-literal=mode=fast").1.contains("configmap/settings created"))
        let watchOut = cluster.directory + "/watch.out"
        let api = try cluster.config.member(named: leader).api
        let watcher = system("(timeout 8 kubectl --server=http://\(api) get configmaps -w > '\(watchOut)' 2>&1 &)")
        #expect(watcher == 0)
        usleep(2_500_000)
        #expect(kubectl(cluster, other, "label configmap settings changed=yes").0 == 0)
        usleep(1_500_000)
        let seen = String(decoding: readFileBytes(watchOut) ?? [], as: UTF8.self)
        #expect(seen.components("settings") >= 2, "the watch printed the list and the change: \(seen)")

        // delete -f, then NotFound.
        #expect(kubectl(cluster, other, "delete -f \(manifest)").1.contains("deleted"))
        #expect(kubectl(cluster, leader, "get deploy web").1.contains("NotFound"))
        #expect(kubectl(cluster, leader, "create \(kubectlValidateFlag) -f \(manifest) -n nosuch").1.contains("namespaces \"nosuch\" not found"))
    }

    /// Waits until the member's Kubernetes API answers (its watch caches load after a leader exists).
    func waitForAPI(_ cluster: ProcessCluster, _ member: String) throws {
        let deadline = monotonicSeconds() + 20
        while monotonicSeconds() < deadline {
            if kubectl(cluster, member, "get namespaces default").0 == 0 { return }
            usleep(200_000)
        }
        throw TestFailure("the Kubernetes API of \(member) did not answer within 20 s")
    }
}

extension String {
    func components(_ needle: String) -> Int {
        var count = 0
        var rest = self[...]
        while let r = rest.firstRange(of: needle) {
            count += 1
            rest = rest[r.upperBound...]
        }
        return count
    }
}

/// True when the Python `kubernetes` client is importable (`.ci/run` installs it from PyPI).
let kubernetesClientInstalled = system("python3 -c 'import kubernetes' >/dev/null 2>&1") == 0

@Suite("the unmodified Python kubernetes client against tern processes", .serialized, .timeLimit(.minutes(3)))
struct PythonKubernetesClientTests {
    @Test("create, list, chunked list, patch (three types), scale, replace (409), watch (incl. 410), delete",
          .enabled(if: kubernetesClientInstalled, "pip install kubernetes (done by .ci/run)"))
    func pythonClient() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let member = try cluster.config.member(named: cluster.names.first { $0 != leader } ?? leader)
        let deadline = monotonicSeconds() + 20
        while monotonicSeconds() < deadline {
            let client = HTTPClient(address: member.api.socketAddress, timeoutNanoseconds: 2_000_000_000)
            defer { client.close() }
            if (try? client.request(method: "GET", path: "/api/v1/namespaces/default"))?.status == 200 { break }
            usleep(200_000)
        }
        let script = "/" + #filePath.split(separator: "/").dropLast().joined(separator: "/") + "/k8s_client_check.py"
        let log = cluster.directory + "/k8s_client.log"
        let status = system("timeout 150 python3 '\(script)' \(member.api.host) \(member.api.port) > '\(log)' 2>&1")
        let output = String(decoding: readFileBytes(log) ?? [], as: UTF8.self)
        #expect(status == 0, "kubernetes client checks failed:\n\(output)")
        #expect(output.contains("all kubernetes client checks passed"))
    }
}
