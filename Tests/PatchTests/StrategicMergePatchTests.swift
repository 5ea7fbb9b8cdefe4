import JSON
import Testing
@testable import Patch

@Suite struct StrategicMergePatchTests {
    private let deployment = StrategicMergeSchema.forKind("Deployment")

    private func apply(_ patch: String, _ doc: String, kind: String = "Deployment") throws -> JSONValue {
        try StrategicMergePatch.apply(try json(patch), to: try json(doc), schema: .forKind(kind))
    }

    private static let liveDeployment = #"""
    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default",
     "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"},"finalizers":["a"]},
     "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
      "template":{"metadata":{"labels":{"app":"web"}},"spec":{
       "containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}],
                      "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
                     {"name":"sidecar","image":"busybox"}],
       "tolerations":[{"key":"k1","operator":"Exists"}],
       "volumes":[{"name":"data","emptyDir":{}}]}}}}
    """#

    @Test func kubectlApplyBodyMergesContainersByName() throws {
        // KUBERNETES-API.md §2.2: replicas 2→3 and a new image, with $setElementOrder.
        let patch = #"""
        {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"x\":1}\n"}},
         "spec":{"replicas":3,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],
                                                  "containers":[{"image":"nginx:1.26","name":"nginx"}]}}}}
        """#
        let out = try apply(patch, Self.liveDeployment)
        #expect(out["spec"]?["replicas"] == .number("3"))
        let containers = try #require(out["spec"]?["template"]?["spec"]?["containers"])
        guard case .array(let list) = containers else { Issue.record("containers not a list"); return }
        #expect(list.count == 2)
        #expect(list[0]["image"] == .string("nginx:1.26"))
        #expect(list[0]["ports"] == (try json(#"[{"containerPort":80,"protocol":"TCP"}]"#)))
        #expect(list[1]["name"] == .string("sidecar"))
        #expect(out["metadata"]?["annotations"]?["kubectl.kubernetes.io/last-applied-configuration"] == .string("{\"x\":1}\n"))
        #expect(out["metadata"]?["name"] == .string("web"))
        // No directive survives into the object.
        #expect(!text(out).contains("$setElementOrder"))
    }

    @Test func rolloutRestartSetImageAndCordonBodies() throws {
        // §2.12: rollout restart, set image, cordon.
        let restarted = try apply(#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-23T12:00:00Z"}}}}}"#,
                                  Self.liveDeployment)
        #expect(restarted["spec"]?["template"]?["metadata"]?["annotations"]?["kubectl.kubernetes.io/restartedAt"] == .string("2026-11-23T12:00:00Z"))
        #expect(restarted["spec"]?["template"]?["metadata"]?["labels"]?["app"] == .string("web"))
        let image = try apply(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],"containers":[{"image":"busybox:2","name":"sidecar"}]}}}}"#,
                              Self.liveDeployment)
        #expect(text(try #require(image["spec"]?["template"]?["spec"]?["containers"])) ==
                #"[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"sidecar","image":"busybox:2"}]"#)
        let cordoned = try apply(#"{"spec":{"unschedulable":true}}"#, #"{"kind":"Node","spec":{"podCIDR":"10.0.0.0/24"}}"#, kind: "Node")
        #expect(text(cordoned) == #"{"kind":"Node","spec":{"podCIDR":"10.0.0.0/24","unschedulable":true}}"#)
    }

    @Test func pythonScaleAndEditBodies() throws {
        // §3 (SMP on /scale) and §2.9 (edit's diff may carry status; the patch itself applies it,
        // dropping status is the API server's job).
        let scale = try apply(#"{"spec":{"replicas":1}}"#, #"{"kind":"Scale","spec":{"replicas":3},"status":{"replicas":3}}"#, kind: "Scale")
        #expect(text(scale) == #"{"kind":"Scale","spec":{"replicas":1},"status":{"replicas":3}}"#)
        let edited = try apply(#"{"metadata":{"labels":{"edited":"yes"}},"status":{"replicas":9}}"#, #"{"metadata":{"name":"w"}}"#)
        #expect(edited["metadata"]?["labels"]?["edited"] == .string("yes"))
    }

    @Test func keyedListAddUpdateDelete() throws {
        let patch = #"""
        {"spec":{"template":{"spec":{"containers":[
          {"name":"nginx","env":[{"name":"B","$patch":"delete"},{"name":"C","value":"3"},{"name":"A","value":"9"}],
           "ports":[{"containerPort":443}]},
          {"name":"sidecar","$patch":"delete"},
          {"name":"new","image":"redis"}]}}}}
        """#
        let out = try apply(patch, Self.liveDeployment)
        let containers = try #require(out["spec"]?["template"]?["spec"]?["containers"])
        #expect(text(containers) ==
                #"[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}],"env":[{"name":"A","value":"9"},{"name":"C","value":"3"}]},{"name":"new","image":"redis"}]"#)
    }

    @Test func setElementOrderReordersKeyedAndPrimitiveLists() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}]}}}}"#,
                            Self.liveDeployment)
        guard case .array(let list)? = out["spec"]?["template"]?["spec"]?["containers"] else { Issue.record("no list"); return }
        #expect(list.map { $0["name"] } == [.string("sidecar"), .string("nginx")])
        let finalizers = try apply(#"{"metadata":{"finalizers":["b"],"$setElementOrder/finalizers":["b","a"]}}"#,
                                   #"{"metadata":{"finalizers":["a","x"]}}"#)
        // "x" is not named: it follows "a", which preceded it in the original list; "b" was not in
        // the original, so it goes first.
        #expect(text(finalizers) == #"{"metadata":{"finalizers":["b","a","x"]}}"#)
    }

    @Test(arguments: [
        // (live, patch list, order, expected) — server-only elements interleave by their live position.
        (["C", "B", "D", "A", "E"], ["A", "B"], ["A", "B"], ["C", "D", "A", "B", "E"]),
        (["B", "A"], [String](), ["A", "B"], ["A", "B"]),
        (["A", "B"], ["A", "B"], ["C", "A", "B"], ["A", "B"]),
        (["ENV2", "ENV5", "ENV1", "ENV3", "ENV4"], ["ENV6"], ["ENV1", "ENV2", "ENV6"], ["ENV5", "ENV1", "ENV2", "ENV6", "ENV3", "ENV4"]),
        (["a", "s", "b"], ["new"], ["a", "new", "b"], ["a", "new", "s", "b"]),
    ])
    func setElementOrderWithServerOnlyElements(live: [String], patchNames: [String], order: [String], expected: [String]) throws {
        func env(_ names: [String]) -> String {
            "[" + names.map { #"{"name":"\#($0)"}"# }.joined(separator: ",") + "]"
        }
        let doc = #"{"spec":{"template":{"spec":{"containers":[{"name":"c","env":\#(env(live))}]}}}}"#
        let patch = #"{"spec":{"template":{"spec":{"containers":[{"name":"c","$setElementOrder/env":\#(env(order)),"env":\#(env(patchNames))}]}}}}"#
        let out = try apply(patch, doc)
        guard case .array(let containers)? = out["spec"]?["template"]?["spec"]?["containers"],
              case .array(let result)? = containers.first?["env"] else { Issue.record("no env list"); return }
        #expect(result.map { $0["name"] } == expected.map { JSONValue.string($0) }, "live \(live) order \(order)")
    }

    @Test func primitiveMergeListAndDeleteFromPrimitiveList() throws {
        let out = try apply(#"{"metadata":{"finalizers":["b","a"],"$deleteFromPrimitiveList/finalizers":["x"]}}"#,
                            #"{"metadata":{"finalizers":["x","a"]}}"#)
        #expect(text(out) == #"{"metadata":{"finalizers":["a","b"]}}"#)
    }

    @Test func atomicListsAreReplaced() throws {
        // Tolerations carry no patch strategy in Kubernetes; Node taints are atomic.
        let out = try apply(#"{"spec":{"template":{"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}}}}"#, Self.liveDeployment)
        #expect(text(try #require(out["spec"]?["template"]?["spec"]?["tolerations"])) == #"[{"key":"k2","operator":"Exists"}]"#)
        let node = try apply(#"{"spec":{"taints":[{"key":"b","effect":"NoSchedule"}]}}"#,
                             #"{"spec":{"taints":[{"key":"a","effect":"NoSchedule"}]}}"#, kind: "Node")
        #expect(text(node) == #"{"spec":{"taints":[{"key":"b","effect":"NoSchedule"}]}}"#)
    }

    @Test func unknownKindFallsBackToMergePatch() throws {
        let out = try apply(#"{"spec":{"items":[{"name":"b"}]}}"#, #"{"spec":{"items":[{"name":"a"}],"keep":1}}"#, kind: "Widget")
        #expect(text(out) == #"{"spec":{"items":[{"name":"b"}],"keep":1}}"#)
    }

    @Test func patchDirectivesOnMaps() throws {
        let replaced = try apply(#"{"spec":{"selector":{"$patch":"replace","matchLabels":{"app":"new"}}}}"#, Self.liveDeployment)
        #expect(text(try #require(replaced["spec"]?["selector"])) == #"{"matchLabels":{"app":"new"}}"#)
        let deleted = try apply(#"{"spec":{"strategy":{"$patch":"delete"}}}"#, Self.liveDeployment)
        #expect(deleted["spec"]?["strategy"] == nil)
        #expect(deleted["spec"]?["replicas"] == .number("2"))
        let merged = try apply(#"{"spec":{"selector":{"$patch":"merge","matchLabels":{"tier":"x"}}}}"#, Self.liveDeployment)
        #expect(text(try #require(merged["spec"]?["selector"])) == #"{"matchLabels":{"app":"web","tier":"x"}}"#)
    }

    @Test func elementReplaceDirective() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","$patch":"replace","image":"nginx:2"}]}}}}"#,
                            Self.liveDeployment)
        guard case .array(let list)? = out["spec"]?["template"]?["spec"]?["containers"] else { Issue.record("no list"); return }
        #expect(text(list[0]) == #"{"name":"nginx","image":"nginx:2"}"#)
        #expect(list[1]["name"] == .string("sidecar"))
    }

    @Test func unknownDirectivesAreIgnored() throws {
        let out = try apply(#"{"spec":{"$futureDirective/x":[1],"replicas":4}}"#, #"{"spec":{"replicas":2}}"#)
        #expect(text(out) == #"{"spec":{"replicas":4}}"#)
    }

    @Test func listReplaceDirective() throws {
        let out = try apply(#"{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"x"}]}}}}"#,
                            Self.liveDeployment)
        #expect(text(try #require(out["spec"]?["template"]?["spec"]?["containers"])) == #"[{"name":"only","image":"x"}]"#)
    }

    @Test func retainKeysClearsOtherMembers() throws {
        // kubectl switching a Deployment strategy from RollingUpdate to Recreate.
        let out = try apply(#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}"#, Self.liveDeployment)
        #expect(text(try #require(out["spec"]?["strategy"])) == #"{"type":"Recreate"}"#)
        let volume = try apply(#"{"spec":{"template":{"spec":{"volumes":[{"name":"data","$retainKeys":["name","hostPath"],"hostPath":{"path":"/d"}}]}}}}"#,
                               Self.liveDeployment)
        #expect(text(try #require(volume["spec"]?["template"]?["spec"]?["volumes"])) == #"[{"name":"data","hostPath":{"path":"/d"}}]"#)
    }

    @Test func nullDeletesAndNewFieldsDropDirectives() throws {
        let out = try apply(#"{"spec":{"paused":null,"replicas":null,"template":{"spec":{"initContainers":[{"name":"init","env":[{"name":"X","$patch":"delete"}]}]}}}}"#,
                            Self.liveDeployment)
        #expect(out["spec"]?["replicas"] == nil)
        #expect(text(try #require(out["spec"]?["template"]?["spec"]?["initContainers"])) == #"[{"name":"init","env":[]}]"#)
    }

    @Test func serviceAndNodeAndConditionsKeys() throws {
        let svc = try apply(#"{"spec":{"ports":[{"port":80,"targetPort":8081}]}}"#,
                            #"{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":8443}]}}"#, kind: "Service")
        #expect(text(svc) == #"{"spec":{"ports":[{"port":80,"targetPort":8081},{"port":443,"targetPort":8443}]}}"#)
        let node = try apply(#"{"status":{"conditions":[{"type":"Ready","status":"False"}],"addresses":[{"type":"Hostname","address":"n1"}]}}"#,
                             #"{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"DiskPressure","status":"False"}],"addresses":[{"type":"InternalIP","address":"10.0.0.1"}]}}"#,
                             kind: "Node")
        #expect(text(node) == #"{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"DiskPressure","status":"False"}],"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}]}}"#)
        let owned = try apply(#"{"metadata":{"ownerReferences":[{"uid":"u2","name":"b"}]}}"#,
                              #"{"metadata":{"ownerReferences":[{"uid":"u1","name":"a"}]}}"#, kind: "Pod")
        #expect(text(owned) == #"{"metadata":{"ownerReferences":[{"uid":"u1","name":"a"},{"uid":"u2","name":"b"}]}}"#)
    }

    @Test(arguments: [
        #"{"spec":{"$patch":"explode"}}"#,
        #"{"spec":{"template":{"spec":{"containers":[{"image":"no-name"}]}}}}"#,
        #"{"spec":{"template":{"spec":{"containers":["nginx"]}}}}"#,
        #"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","$patch":"bogus"}]}}}}"#,
        #"{"spec":{"strategy":{"$retainKeys":"type"}}}"#,
        #"{"spec":{"template":{"spec":{"$setElementOrder/containers":{"name":"x"}}}}}"#,
        #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"image":"x"}]}}}}"#,
        #"{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}"#,
        #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":{"maxSurge":2}}}}"#,
        #"[{"op":"add","path":"/a","value":1}]"#,
    ])
    func badPatchesThrowAndChangeNothing(patch: String) throws {
        let live = try json(Self.liveDeployment)
        #expect(throws: PatchError.self) {
            try StrategicMergePatch.apply(try json(patch), to: live, schema: deployment)
        }
        #expect(text(live) == text(try json(Self.liveDeployment)))
    }

    @Test func missingMergeKeyErrorNamesThePath() throws {
        #expect(throws: PatchError.missingMergeKey(path: "spec.template.spec.containers", mergeKey: "name")) {
            try apply(#"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#, Self.liveDeployment)
        }
    }

    @Test func schemaCoversEveryWorkloadTemplate() {
        for kind in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"] {
            let spec = StrategicMergeSchema.forKind(kind).field("spec").field("template").field("spec")
            #expect(spec.field("containers").list == .mergeByKey("name"), "\(kind)")
            #expect(spec.field("containers").field("ports").list == .mergeByKey("containerPort"), "\(kind)")
            #expect(spec.field("tolerations").list == .replace, "\(kind)")
        }
        let cron = StrategicMergeSchema.forKind("CronJob").field("spec").field("jobTemplate").field("spec").field("template").field("spec")
        #expect(cron.field("initContainers").field("volumeMounts").list == .mergeByKey("mountPath"))
        let pod = StrategicMergeSchema.forKind("Pod").field("spec")
        #expect(pod.field("ephemeralContainers").field("volumeDevices").list == .mergeByKey("devicePath"))
        #expect(pod.field("topologySpreadConstraints").list == .mergeByKey("topologyKey"))
        #expect(pod.field("volumes").retainKeys)
        #expect(StrategicMergeSchema.forKind("Widget").field("metadata").field("finalizers").list == .mergePrimitives)
    }
}
