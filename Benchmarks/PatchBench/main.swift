// patch-bench: cost of each patch type on a Deployment-sized object (release build).
//   swift run -c release patch-bench [iterations] [row-name-prefix]
// Prints, per patch type, applies/s and µs per apply, timed by this thread's CPU time (the
// machine is shared with other builds, so wall time would mostly measure the scheduler).
import Glibc
import JSON
import Patch

func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func parse(_ text: String) -> JSONValue {
    do {
        return try JSONParser.parse(Array(text.utf8))
    } catch {
        print("patch-bench: bad fixture: \(error)")
        exit(1)
    }
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale)
    var fraction = String(scaled % Int(scale))
    while fraction.count < decimals { fraction = "0" + fraction }
    return decimals == 0 ? String(whole) : "\(whole).\(fraction)"
}

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000

// A Deployment with 3 containers, each with ports, env and mounts (about 2 KiB of JSON).
var containers: [String] = []
for c in 0..<3 {
    let env = (0..<8).map { #"{"name":"VAR_\#($0)","value":"value-\#($0)"}"# }.joined(separator: ",")
    containers.append(#"{"name":"c\#(c)","image":"registry.local/app:1.\#(c)","ports":[{"containerPort":\#(8080 + c),"protocol":"TCP"}],"env":[\#(env)],"volumeMounts":[{"name":"data","mountPath":"/data\#(c)"}],"resources":{"limits":{"cpu":"500m","memory":"256Mi"}}}"#)
}
let live = parse(#"""
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web","tier":"frontend"},"annotations":{"note":"bench"}},
 "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
  "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[\#(containers.joined(separator: ","))],"volumes":[{"name":"data","emptyDir":{}}]}}}}
"""#)
let schema = StrategicMergeSchema.forKind("Deployment")
let smp = parse(#"{"spec":{"replicas":4,"template":{"spec":{"$setElementOrder/containers":[{"name":"c0"},{"name":"c1"},{"name":"c2"}],"containers":[{"name":"c1","image":"registry.local/app:2.0","env":[{"name":"VAR_3","value":"changed"}]}]}}}}"#)
let merge = parse(#"{"metadata":{"labels":{"release":"canary"}},"spec":{"replicas":5}}"#)
let jsonPatch = parse(#"[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"registry.local/app:2.0"},{"op":"add","path":"/metadata/labels/release","value":"canary"}]"#)
let applied: ServerSideApply.Result
let coOwned: ServerSideApply.Result
let created: ServerSideApply.Result
let scaledLive: JSONValue
do {
    created = try ServerSideApply.recordUpdate(from: nil, to: live, manager: "kubectl-create", apiVersion: "apps/v1", schema: schema)
    scaledLive = MergePatch.apply(parse(#"{"spec":{"replicas":7},"status":{"replicas":7,"readyReplicas":3}}"#), to: created.object)
    applied = try ServerSideApply.apply(live, to: nil, manager: "kubectl", apiVersion: "apps/v1", schema: schema)
    coOwned = try ServerSideApply.apply(live, to: applied.object, manager: "other", apiVersion: "apps/v1", schema: schema)
} catch {
    print("patch-bench: setup apply failed: \(error)")
    exit(1)
}

let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : ""

func measure(_ name: String, _ body: () throws -> JSONValue) {
    guard name.hasPrefix(only) else { return }
    var sink = 0
    let start = cpuSeconds()
    for _ in 0..<iterations {
        do {
            if case .object(let members) = try body() { sink &+= members.count }
        } catch {
            print("patch-bench: \(name) failed: \(error)")
            exit(1)
        }
    }
    let seconds = cpuSeconds() - start
    print("\(name): \(fixed(Double(iterations) / seconds, 0)) applies/s, \(fixed(seconds / Double(iterations) * 1e6, 2)) us/apply (sink \(sink % 10))")
}

print("patch-bench: \(iterations) iterations per row; object \(live.encoded().count) bytes of JSON")
measure("json-patch (3 ops)") { try JSONPatch.apply(jsonPatch, to: live) }
measure("merge-patch") { MergePatch.apply(merge, to: live) }
measure("merge-patch create") { MergePatch.create(from: live, to: MergePatch.apply(merge, to: live)) }
measure("strategic-merge (kubectl apply body)") { try StrategicMergePatch.apply(smp, to: live, schema: schema) }
measure("server-side apply (re-apply, no-op)") {
    try ServerSideApply.apply(live, to: applied.object, manager: "kubectl", apiVersion: "apps/v1", schema: schema).object
}
measure("server-side apply (every field co-owned)") {
    try ServerSideApply.apply(live, to: coOwned.object, manager: "kubectl", apiVersion: "apps/v1", schema: schema).object
}
measure("record update (create)") {
    try ServerSideApply.recordUpdate(from: nil, to: live, manager: "kubectl-create", apiVersion: "apps/v1", schema: schema).object
}
measure("record update (scale + status)") {
    try ServerSideApply.recordUpdate(from: created.object, to: scaledLive, manager: "controller", apiVersion: "apps/v1", schema: schema).object
}
