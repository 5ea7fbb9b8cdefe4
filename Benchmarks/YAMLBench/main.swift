// yaml-bench: how fast YAMLReader reads and YAMLWriter writes Kubernetes-shaped manifests, and how
// fast resource quantities and label selectors parse (the API types decode quantities per object).
// Usage: swift run -c release yaml-bench [seconds-per-measurement]
import Dispatch
import JSON
import Objects
import YAML

/// A Deployment manifest as people write them: block mappings, compact sequences, quoted
/// strings, a literal block and comments (about 1.2 KB).
func deploymentManifest(_ n: Int) -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web-\(n)
      namespace: default
      labels:
        app: web
        tier: frontend # the public tier
      annotations:
        deployment.kubernetes.io/revision: "3"
    spec:
      replicas: 3
      revisionHistoryLimit: 10
      selector:
        matchLabels:
          app: web
      strategy:
        type: RollingUpdate
        rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
          - name: nginx
            image: "nginx:1.25.\(n % 10)"
            command: ["/bin/sh", "-c"]
            args:
            - |
              echo starting
              exec nginx -g 'daemon off;'
            ports:
            - containerPort: 80
              protocol: TCP
            env:
            - name: MODE
              value: production
            - name: WORKERS
              value: "4"
            resources:
              requests: {cpu: 250m, memory: 64Mi}
              limits:
                cpu: "1"
                memory: 128Mi
            readinessProbe:
              httpGet: {path: /healthz, port: 80}
              periodSeconds: 5
          nodeSelector:
            kubernetes.io/os: linux
          tolerations:
          - key: node-role.kubernetes.io/control-plane
            operator: Exists
            effect: NoSchedule

    """
}

func measure(_ label: String, seconds: Double, bytesPerRound: Int, docsPerRound: Int, _ body: () throws -> Void) rethrows {
    try body()  // warm up
    var rounds = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var elapsed: UInt64 = 0
    repeat {
        try body()
        rounds += 1
        elapsed = DispatchTime.now().uptimeNanoseconds - start
    } while Double(elapsed) < seconds * 1e9
    let perSecond = Double(rounds) / (Double(elapsed) / 1e9)
    let mb = perSecond * Double(bytesPerRound) / 1e6
    let docs = perSecond * Double(docsPerRound)
    print("\(label): \(Int(docs)) documents/s, \(String(format2(mb))) MB/s (\(rounds) rounds)")
}

func format2(_ x: Double) -> String {
    let hundredths = Int(x * 100 + 0.5)
    return "\(hundredths / 100).\(String(hundredths % 100).count == 1 ? "0" : "")\(hundredths % 100)"
}

let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 2 : 2
let documentCount = 200
let stream = (0..<documentCount).map(deploymentManifest).joined(separator: "---\n")
let streamBytes = Array(stream.utf8)
let values = try YAMLReader.parseDocuments(streamBytes)
precondition(values.count == documentCount, "the benchmark stream must hold \(documentCount) documents")
let written = YAMLWriter.write(documents: values)
let jsonBytes = values.reduce(0) { $0 + $1.encoded().count }

print("yaml-bench: \(documentCount) Deployment manifests, \(streamBytes.count) bytes of YAML, \(seconds) s per measurement")
try measure("read  (block YAML)", seconds: seconds, bytesPerRound: streamBytes.count, docsPerRound: documentCount) {
    _ = try YAMLReader.parseDocuments(streamBytes)
}
let jsonStream = Array(values.map { String(decoding: $0.encoded(), as: UTF8.self) }.joined(separator: "\n---\n").utf8)
try measure("read  (JSON text) ", seconds: seconds, bytesPerRound: jsonStream.count, docsPerRound: documentCount) {
    _ = try YAMLReader.parseDocuments(jsonStream)
}
measure("write (block YAML)", seconds: seconds, bytesPerRound: written.utf8.count, docsPerRound: documentCount) {
    _ = YAMLWriter.write(documents: values)
}
print("(the same documents as compact JSON: \(jsonBytes) bytes)")

let quantityTexts = ["250m", "64Mi", "1", "128Mi", "500m", "2Gi", "0.5", "100k", "1.5Gi", "10Gi", "1e3", "750m"]
var checksum: Int64 = 0
try measure("quantity parse    ", seconds: seconds, bytesPerRound: quantityTexts.reduce(0) { $0 + $1.utf8.count }, docsPerRound: quantityTexts.count) {
    for text in quantityTexts { checksum &+= try Quantity(parsing: text).milliValue }
}
let quantities = try quantityTexts.map { try Quantity(parsing: $0) }
measure("quantity format   ", seconds: seconds, bytesPerRound: 0, docsPerRound: quantities.count) {
    for q in quantities { checksum &+= Int64(q.description.utf8.count) }
}
let selectorText = "app=web,tier!=db,env in (prod,staging),!legacy"
let labels = ["app": "web", "tier": "frontend", "env": "prod", "pod-template-hash": "5d8f7c9b6"]
try measure("selector parse    ", seconds: seconds, bytesPerRound: 100 * selectorText.utf8.count, docsPerRound: 100) {
    for _ in 0..<100 { checksum &+= Int64(try LabelSelector(parsing: selectorText).requirements.count) }
}
let selector = try LabelSelector(parsing: selectorText)
measure("selector match    ", seconds: seconds, bytesPerRound: 0, docsPerRound: 1000) {
    for _ in 0..<1000 where selector.matches(labels) { checksum &+= 1 }
}
print("(quantity and selector lines count items, not documents; checksum \(checksum % 10))")
