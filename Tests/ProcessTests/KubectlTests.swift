import Testing
#if canImport(Glibc)
import Glibc
#endif

/// True when `kubectl` is on the PATH (`.ci/run` installs Debian's kubernetes-client if missing).
let kubectlInstalled = system("command -v kubectl >/dev/null 2>&1") == 0

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

        // create, then AlreadyExists; writes through a follower, reads anywhere.
        #expect(kubectl(cluster, other, "create -f \(manifest)").1.contains("deployment.apps/web created"))
        #expect(kubectl(cluster, leader, "create -f \(manifest)").1.contains("AlreadyExists"))
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
        #expect(kubectl(cluster, other, "apply -f \(manifest)").1.contains("deployment.apps/web configured"))
        #expect(kubectl(cluster, other, "apply -f \(manifest)").1.contains("unchanged"))
        #expect(kubectl(cluster, leader, "get deploy web -o jsonpath={.spec.template.spec.containers[*].image}").1 == "nginx:1.26 busybox")
        #expect(kubectl(cluster, other, "apply --server-side -f \(manifest)").1.contains("serverside-applied"))

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
        #expect(kubectl(cluster, other, "replace -f \(stale)").1.contains("Conflict"))

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
        #expect(kubectl(cluster, leader, "create -f \(manifest) -n nosuch").1.contains("namespaces \"nosuch\" not found"))
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
