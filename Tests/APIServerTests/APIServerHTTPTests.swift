import Testing
import JSON
import Wire
import APIServer
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The Kubernetes API end to end over HTTP, against a real one-member store in this process.
@Suite(.serialized, .timeLimit(.minutes(2)))
final class APIServerHTTPTests {
    static let deployment = """
    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
     "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
     "spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]},{"name":"side","image":"busybox"}]}}}}
    """
    static let deployments = "/apis/apps/v1/namespaces/default/deployments"

    @Test func createGetReplaceAndConflicts() async throws {
        try await offPool {
            let f = try APIFixture()
            defer { f.shutdown() }
            let created = try f.call("POST", Self.deployments, Self.deployment)
            #expect(created.status == 201)
            #expect(created.json.path("metadata", "generation") == .number("1"))
            guard case .string(let rv)? = created.json.path("metadata", "resourceVersion") else { throw TestFailure("no resourceVersion") }
            let again = try f.call("POST", Self.deployments, Self.deployment)
            #expect(again.status == 409)
            #expect(again.json["reason"] == .string("AlreadyExists"))
            #expect(again.json["message"] == .string(#"deployments.apps "web" already exists"#))
            // A replace with the current version bumps the generation (the spec changed).
            var replaced = Self.deployment.replacingOccurrences("\"replicas\":2", "\"replicas\":3")
            replaced = replaced.replacingOccurrences("\"name\":\"web\",", "\"name\":\"web\",\"resourceVersion\":\"\(rv)\",")
            let put = try f.call("PUT", Self.deployments + "/web", replaced)
            #expect(put.status == 200)
            #expect(put.json.path("spec", "replicas") == .number("3"))
            #expect(put.json.path("metadata", "generation") == .number("2"))
            // The same version again is stale now.
            let stale = try f.call("PUT", Self.deployments + "/web", replaced)
            #expect(stale.status == 409)
            #expect(stale.json["reason"] == .string("Conflict"))
            let got = try f.call("GET", Self.deployments + "/web")
            #expect(got.status == 200)
            #expect(got.json.path("spec", "replicas") == .number("3"))
            #expect(try f.call("GET", Self.deployments + "/nope").json["message"] == .string(#"deployments.apps "nope" not found"#))
        }
    }

    @Test func badRequestsChangeNothing() async throws {
        try await offPool {
            let f = try APIFixture()
            defer { f.shutdown() }
            #expect(try f.call("POST", Self.deployments, "{not json").status == 400)
            #expect(try f.call("POST", Self.deployments, "[1,2]").status == 400)
            let wrongKind = try f.call("POST", Self.deployments, #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}"#)
            #expect(wrongKind.status == 400)
            let wrongType = try f.call("POST", Self.deployments, #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},"spec":{"replicas":"two"}}"#)
            #expect(wrongType.status == 400)
            let otherNamespace = Self.deployment.replacingOccurrences("\"name\":\"web\",", "\"name\":\"web\",\"namespace\":\"other\",")
            #expect(try f.call("POST", Self.deployments, otherNamespace).status == 400)
            let missing = try f.call("POST", "/apis/apps/v1/namespaces/nosuch/deployments", Self.deployment)
            #expect(missing.status == 404)
            #expect(missing.json["message"] == .string(#"namespaces "nosuch" not found"#))
            #expect(try f.call("POST", Self.deployments, Self.deployment, contentType: "text/csv").status == 415)
            #expect(try f.call("POST", Self.deployments, "a: [unclosed", contentType: "application/yaml").status == 400)
            let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n"
            #expect(try f.call("POST", "/api/v1/namespaces/default/configmaps", yaml, contentType: "application/yaml").status == 201)
            #expect(try f.call("POST", "/api/v1/namespaces/default/configmaps", yaml, contentType: "application/json").status == 400)
            #expect(try f.call("GET", "/apis/apps/v1/namespaces/default/widgets").status == 404)
            #expect(try f.call("GET", "/api/v1/namespaces/default/nodes").status == 404)
            // fieldValidation: Strict refuses unknown members, Warn accepts them with a warning.
            let typo = Self.deployment.replacingOccurrences("\"replicas\":2", "\"replicas\":2,\"replicaz\":3")
            let strict = try f.call("POST", Self.deployments + "?fieldValidation=Strict", typo)
            #expect(strict.status == 400)
            guard case .string(let message)? = strict.json["message"] else { throw TestFailure("no message: \(strict.text)") }
            #expect(message.contains(#"strict decoding error: unknown field "spec.replicaz""#), "\(message)")
            let list = try f.call("GET", Self.deployments)
            #expect(list.json["items"] == .array([]))
            let warned = try f.call("POST", Self.deployments + "?fieldValidation=Warn", typo)
            #expect(warned.status == 201)
            #expect(warned.headers["Warning"]?.contains("spec.replicaz") == true)
            #expect(try f.call("PATCH", Self.deployments + "/web?fieldValidation=Strict", #"{"spec":{"paused":true}}"#,
                               contentType: "application/merge-patch+json").status == 200, "a patch is judged by what it adds")
            #expect(try f.call("PATCH", Self.deployments + "/web?fieldValidation=Strict", #"{"spec":{"pausd":true}}"#,
                               contentType: "application/merge-patch+json").status == 400)
        }
    }

    @Test func patchesOfEveryType() async throws {
        try await offPool {
            let f = try APIFixture()
            defer { f.shutdown() }
            try f.call("POST", Self.deployments, Self.deployment)
            // Strategic merge: containers merge by name, so the sidecar and the ports survive.
            let smp = try f.call("PATCH", Self.deployments + "/web",
                                 #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"side"}],"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}"#,
                                 contentType: "application/strategic-merge-patch+json")
            #expect(smp.status == 200)
            guard case .array(let containers)? = smp.json.path("spec", "template", "spec", "containers") else { throw TestFailure("no containers") }
            #expect(containers.count == 2)
            #expect(containers.first?["image"] == .string("nginx:1.26"))
            #expect(containers.first?["ports"] != nil)
            let merge = try f.call("PATCH", Self.deployments + "/web", #"{"metadata":{"labels":{"tier":"fe"}}}"#,
                                   contentType: "application/merge-patch+json")
            #expect(merge.json.path("metadata", "labels", "tier") == .string("fe"))
            #expect(merge.json.path("metadata", "generation") == .number("2"))
            let jsonPatch = try f.call("PATCH", Self.deployments + "/web", #"[{"op":"replace","path":"/spec/replicas","value":4}]"#,
                                       contentType: "application/json-patch+json")
            #expect(jsonPatch.json.path("spec", "replicas") == .number("4"))
            let failedTest = try f.call("PATCH", Self.deployments + "/web", #"[{"op":"test","path":"/spec/replicas","value":9},{"op":"replace","path":"/spec/replicas","value":1}]"#,
                                        contentType: "application/json-patch+json")
            #expect(failedTest.status == 422)
            #expect(try f.call("GET", Self.deployments + "/web").json.path("spec", "replicas") == .number("4"))
            // A patch carrying a stale resourceVersion is a conflict.
            let stale = try f.call("PATCH", Self.deployments + "/web", #"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":1}}"#,
                                   contentType: "application/merge-patch+json")
            #expect(stale.status == 409)
            // Server-side apply creates a missing object (201), then records its manager.
            let cm = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#
            let applied = try f.call("PATCH", "/api/v1/namespaces/default/configmaps/cfg?fieldManager=test", cm,
                                     contentType: "application/apply-patch+yaml")
            #expect(applied.status == 201)
            let reapplied = try f.call("PATCH", "/api/v1/namespaces/default/configmaps/cfg?fieldManager=test",
                                       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"2\"\n",
                                       contentType: "application/apply-patch+yaml")
            #expect(reapplied.status == 200)
            #expect(reapplied.json.path("data", "a") == .string("2"))
            // The same apply a second later changes nothing: no new resourceVersion.
            usleep(1_100_000)
            let same = try f.call("PATCH", "/api/v1/namespaces/default/configmaps/cfg?fieldManager=test",
                                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"2\"\n",
                                  contentType: "application/apply-patch+yaml")
            #expect(same.json.path("metadata", "resourceVersion") == reapplied.json.path("metadata", "resourceVersion"))
            let other = try f.call("PATCH", "/api/v1/namespaces/default/configmaps/cfg?fieldManager=other",
                                   #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"3"}}"#,
                                   contentType: "application/apply-patch+yaml")
            #expect(other.status == 409)
            let noManager = try f.call("PATCH", "/api/v1/namespaces/default/configmaps/cfg", cm, contentType: "application/apply-patch+yaml")
            #expect(noManager.status == 422)
        }
    }

    @Test func scaleStatusAndBinding() async throws {
        try await offPool {
            let f = try APIFixture()
            defer { f.shutdown() }
            try f.call("POST", Self.deployments, Self.deployment)
            let scale = try f.call("GET", Self.deployments + "/web/scale")
            #expect(scale.json["kind"] == .string("Scale"))
            #expect(scale.json.path("spec", "replicas") == .number("2"))
            #expect(scale.json.path("status", "selector") == .string("app=web"))
            let scaled = try f.call("PATCH", Self.deployments + "/web/scale", #"{"spec":{"replicas":5}}"#, contentType: "application/merge-patch+json")
            #expect(scaled.json.path("spec", "replicas") == .number("5"))
            #expect(try f.call("GET", Self.deployments + "/web").json.path("spec", "replicas") == .number("5"))
            #expect(try f.call("PATCH", Self.deployments + "/web/scale", #"{"spec":{"replicas":-1}}"#, contentType: "application/merge-patch+json").status == 422)
            // A status write changes only the status; a main-resource write keeps the status.
            let status = try f.call("PATCH", Self.deployments + "/web/status", #"{"status":{"replicas":5,"readyReplicas":5},"spec":{"replicas":9}}"#,
                                    contentType: "application/merge-patch+json")
            #expect(status.json.path("status", "readyReplicas") == .number("5"))
            #expect(status.json.path("spec", "replicas") == .number("5"))
            let main = try f.call("PATCH", Self.deployments + "/web", #"{"status":{"readyReplicas":0}}"#, contentType: "application/merge-patch+json")
            #expect(main.json.path("status", "readyReplicas") == .number("5"))
            let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
            let created = try f.call("POST", "/api/v1/namespaces/default/pods", pod)
            #expect(created.status == 201)
            // Defaulting and validation as Kubernetes does them.
            #expect(created.json.path("spec", "restartPolicy") == .string("Always"))
            #expect(created.json.path("spec", "terminationGracePeriodSeconds") == .number("30"))
            let noImage = try f.call("POST", "/api/v1/namespaces/default/pods",
                                     #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"noimage"},"spec":{"containers":[{"name":"c"}]}}"#)
            #expect(noImage.status == 422)
            #expect(noImage.json["message"] == .string(#"Pod "noimage" is invalid: spec.containers[0].image: Required value"#))
            #expect(noImage.json.path("details", "causes") == .array([.object([
                ("reason", .string("FieldValueRequired")), ("message", .string("Required value")), ("field", .string("spec.containers[0].image")),
            ])]))
            let badName = try f.call("POST", "/api/v1/namespaces/default/pods",
                                     #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"Bad_Name"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#)
            #expect(badName.status == 422)
            let binding = #"{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"kind":"Node","name":"n1"}}"#
            #expect(try f.call("POST", "/api/v1/namespaces/default/pods/p/binding", binding).status == 201)
            #expect(try f.call("GET", "/api/v1/namespaces/default/pods/p").json.path("spec", "nodeName") == .string("n1"))
            #expect(try f.call("POST", "/api/v1/namespaces/default/pods/p/binding", binding).status == 409)
            #expect(try f.call("GET", "/api/v1/namespaces/default/pods/p/log").status == 404)
        }
    }

    @Test func listsPagesTablesAndDeletes() async throws {
        try await offPool {
            let f = try APIFixture()
            defer { f.shutdown() }
            for i in 0..<5 {
                try f.call("POST", "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm\#(i)"},"data":{"k":"v"}}"#)
            }
            var names: [String] = []
            var token = ""
            var versions: Set<String> = []
            repeat {
                let page = try f.call("GET", "/api/v1/namespaces/default/configmaps?limit=2" + (token.isEmpty ? "" : "&continue=\(token)"))
                #expect(page.status == 200)
                guard case .array(let items)? = page.json["items"] else { throw TestFailure("no items") }
                names += items.compactMap { if case .string(let n)? = $0.path("metadata", "name") { return n } else { return nil } }
                if case .string(let rv)? = page.json.path("metadata", "resourceVersion") { versions.insert(rv) }
                if case .string(let t)? = page.json.path("metadata", "continue") { token = t } else { token = "" }
            } while !token.isEmpty
            #expect(names == ["cm0", "cm1", "cm2", "cm3", "cm4"])
            #expect(versions.count == 1)
            let table = try f.call("GET", "/api/v1/namespaces/default/configmaps",
                                   headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")])
            #expect(table.json["kind"] == .string("Table"))
            guard case .array(let rows)? = table.json["rows"] else { throw TestFailure("no rows") }
            #expect(rows.count == 5)
            guard case .array(let cells)? = rows.first?["cells"], cells.count == 3 else { throw TestFailure("no cells") }
            #expect(cells[0] == .string("cm0"))
            #expect(cells[1] == .number("1"))
            #expect(rows.first?.path("object", "metadata", "namespace") == .string("default"))
            let all = try f.call("GET", "/api/v1/configmaps")
            guard case .array(let everywhere)? = all.json["items"] else { throw TestFailure("no items") }
            #expect(everywhere.count == 5)
            let deleted = try f.call("DELETE", "/api/v1/namespaces/default/configmaps/cm0", #"{"propagationPolicy":"Background"}"#)
            #expect(deleted.status == 200)
            #expect(try f.call("GET", "/api/v1/namespaces/default/configmaps/cm0").status == 404)
            #expect(try f.call("DELETE", "/api/v1/namespaces/default/configmaps/cm0").status == 404)
            let collection = try f.call("DELETE", "/api/v1/namespaces/default/configmaps")
            guard case .array(let gone)? = collection.json["items"] else { throw TestFailure("no deleted items") }
            #expect(gone.count == 4)
            #expect(try f.call("GET", "/api/v1/namespaces/default/configmaps").json["items"] == .array([]))
        }
    }

    @Test func watchStreamsEventsAndExpires() async throws {
        try await offPool {
            let f = try APIFixture()
            defer { f.shutdown() }
            let cm = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"},"data":{"k":"v"}}"#
            try f.call("POST", "/api/v1/namespaces/default/configmaps", cm)
            // Without a resourceVersion: an ADDED per existing object first, then changes.
            let watch = try f.watch("/api/v1/namespaces/default/configmaps?watch=true")
            defer { watch.close() }
            #expect(watch.status == 200)
            #expect(try watch.next()?.type == "ADDED")
            try f.call("PATCH", "/api/v1/namespaces/default/configmaps/w", #"{"data":{"k":"v2"}}"#, contentType: "application/merge-patch+json")
            let modified = try watch.next()
            #expect(modified?.type == "MODIFIED")
            #expect(modified?.object.path("data", "k") == .string("v2"))
            try f.call("DELETE", "/api/v1/namespaces/default/configmaps/w")
            #expect(try watch.next()?.type == "DELETED")
            // timeoutSeconds ends the stream cleanly.
            let short = try f.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(Int.max / 2)&timeoutSeconds=1")
            defer { short.close() }
            #expect(short.status == 200)
            #expect(try short.next() == nil)
        }
    }

    @Test func selectorsFilterListsAndWatches() async throws {
        try await offPool {
            let f = try APIFixture()
            defer { f.shutdown() }
            func pod(_ name: String, _ app: String, node: String) -> String {
                #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":{"app":"\#(app)"}},"spec":{"nodeName":"\#(node)","containers":[{"name":"c","image":"busybox"}]}}"#
            }
            try f.call("POST", "/api/v1/namespaces/default/pods", pod("a", "web", node: "n1"))
            try f.call("POST", "/api/v1/namespaces/default/pods", pod("b", "db", node: "n2"))
            try f.call("POST", "/api/v1/namespaces/default/pods", pod("c", "web", node: "n2"))
            func names(_ query: String) throws -> [String] {
                let r = try f.call("GET", "/api/v1/namespaces/default/pods?" + query)
                guard case .array(let items)? = r.json["items"] else { throw TestFailure("no items for \(query): \(r.text)") }
                return items.compactMap { if case .string(let n)? = $0.path("metadata", "name") { return n } else { return nil } }
            }
            #expect(try names("labelSelector=app%3Dweb") == ["a", "c"])
            #expect(try names("labelSelector=app+in+(db,cache)") == ["b"])
            #expect(try names("fieldSelector=spec.nodeName%3Dn2") == ["b", "c"])
            #expect(try names("fieldSelector=metadata.name!%3Da&labelSelector=app%3Dweb") == ["c"])
            #expect(try f.call("GET", "/api/v1/namespaces/default/pods?fieldSelector=spec.image%3Dx").status == 400)
            #expect(try f.call("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3D%3D%3D").status == 400)
            // A watcher with a selector sees an object that stops matching as DELETED.
            let watch = try f.watch("/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dweb")
            defer { watch.close() }
            #expect(try watch.next()?.object.path("metadata", "name") == .string("a"))
            #expect(try watch.next()?.object.path("metadata", "name") == .string("c"))
            try f.call("PATCH", "/api/v1/namespaces/default/pods/a", #"{"metadata":{"labels":{"app":"old"}}}"#, contentType: "application/merge-patch+json")
            let left = try watch.next()
            #expect(left?.type == "DELETED")
            #expect(left?.object.path("metadata", "name") == .string("a"))
            try f.call("PATCH", "/api/v1/namespaces/default/pods/b", #"{"metadata":{"labels":{"app":"web"}}}"#, contentType: "application/merge-patch+json")
            let joined = try watch.next()
            #expect(joined?.type == "ADDED")
            #expect(joined?.object.path("metadata", "name") == .string("b"))
        }
    }

    /// Many clients read-modify-write one object with PUT and its resourceVersion, retrying on 409
    /// as kubectl-style updaters do: every increment lands exactly once.
    @Test func concurrentUpdatersLoseNoUpdate() async throws {
        let f = try await offPool { try APIFixture() }
        defer { f.shutdown() }
        let path = "/api/v1/namespaces/default/configmaps/counter"
        _ = try await offPool {
            try f.call("POST", "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"counter"},"data":{"n":"0"}}"#)
        }
        let updaters = 6, increments = 10
        let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<updaters {
                group.addTask {
                    try await offPool {
                        var conflicts = 0
                        for _ in 0..<increments {
                            while true {
                                let current = try f.call("GET", path).json
                                guard case .string(let rv)? = current.path("metadata", "resourceVersion"),
                                      case .string(let n)? = current.path("data", "n"), let value = Int(n) else {
                                    throw TestFailure("unreadable counter")
                                }
                                let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"counter","resourceVersion":"\#(rv)"},"data":{"n":"\#(value + 1)"}}"#
                                let put = try f.call("PUT", path, body)
                                if put.status == 200 { break }
                                guard put.status == 409 else { throw TestFailure("PUT answered \(put.status): \(put.text)") }
                                conflicts += 1
                            }
                        }
                        return conflicts
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let final = try await offPool { try f.call("GET", path).json }
        #expect(final.path("data", "n") == .string(String(updaters * increments)), "after \(conflicts) conflicts")
    }

    @Test func discoveryVersionAndAuth() async throws {
        try await offPool {
            let tokens = try StaticTokens(parsing: "s3cret,admin,1\n")
            let f = try APIFixture(tokens: tokens)
            defer { f.shutdown() }
            #expect(try f.call("GET", "/version").json["minor"] == .string(TernVersion.kubernetesMinor))
            #expect(try f.call("GET", "/api/v1/namespaces").status == 401)
            #expect(try f.call("GET", "/api/v1/namespaces", headers: [("Authorization", "Bearer wrong")]).status == 401)
            let auth = [("Authorization", "Bearer s3cret")]
            let namespaces = try f.call("GET", "/api/v1/namespaces", headers: auth)
            guard case .array(let items)? = namespaces.json["items"] else { throw TestFailure("no namespaces") }
            #expect(items.count == 4)
            let aggregated = try f.call("GET", "/apis", headers: auth + [("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")])
            #expect(aggregated.headers["Content-Type"] == DiscoveryDocuments.aggregatedContentType)
            #expect(aggregated.json["kind"] == .string("APIGroupDiscoveryList"))
            #expect(try f.call("GET", "/apis", headers: auth).json["kind"] == .string("APIGroupList"))
            #expect(try f.call("GET", "/api/v1", headers: auth).json["kind"] == .string("APIResourceList"))
            let index = try f.call("GET", "/openapi/v3", headers: auth)
            guard case .string(let url)? = index.json.path("paths", "apis/apps/v1", "serverRelativeURL") else { throw TestFailure("no openapi url") }
            #expect(try f.call("GET", url, headers: auth).status == 200)
            #expect(try f.call("GET", "/openapi/v2", headers: auth).status == 404)
            #expect(try f.call("GET", "/readyz").status == 200)
            let metrics = try f.call("GET", "/metrics", headers: auth).text
            #expect(metrics.contains(#"apiserver_request_total{verb="LIST",resource="namespaces",code="200"} 1"#), "\(metrics)")
            #expect(metrics.contains("apiserver_watch_streams 0"))
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
