import Testing
import JSON
@testable import APIServer

@Suite struct TableTests {
    static let now: Int64 = 1_795_452_556 // 2026-11-23T16:49:16Z

    @Test(arguments: [(Int64(0), "0s"), (45, "45s"), (119, "119s"), (200, "3m20s"), (600, "10m"), (1500, "25m"),
                      (12_000, "3h20m"), (72_000, "20h"), (277_200, "3d5h"), (3_888_000, "45d"), (65_664_000, "2y30d"),
                      (400_000_000, "12y")])
    func humanDurations(seconds: Int64, text: String) {
        #expect(HumanDuration.format(seconds: seconds) == text)
    }

    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func podRowsFollowKubectl() throws {
        let pod = try Self.parse(#"""
        {"metadata":{"name":"web-1","namespace":"default","creationTimestamp":"2026-11-23T16:44:16Z","labels":{"app":"web"}},
         "spec":{"nodeName":"node-1","containers":[{"name":"a","image":"nginx"},{"name":"b","image":"busybox"}]},
         "status":{"phase":"Running","podIP":"10.0.0.7","containerStatuses":[
           {"name":"a","ready":true,"restartCount":2,"state":{"running":{}}},
           {"name":"b","ready":false,"restartCount":1,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}
        """#)
        let printer = TablePrinter.forResource("pods")
        #expect(printer.columns.map(\.name) == ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(printer.cells(of: pod, nowSeconds: Self.now) == [
            .string("web-1"), .string("1/2"), .string("CrashLoopBackOff"), .string("3"), .string("5m"),
            .string("10.0.0.7"), .string("node-1"), .string("<none>"), .string("<none>"),
        ])
        let table = TableDocument.table(printer: printer, objects: [pod], resourceVersion: "42", nowSeconds: Self.now)
        #expect(table["metadata"]?["resourceVersion"] == .string("42"))
        guard case .array(let rows)? = table["rows"] else { Issue.record("no rows"); return }
        #expect(rows[0]["object"]?["metadata"]?["namespace"] == .string("default"))
        #expect(rows[0]["object"]?["kind"] == .string("PartialObjectMetadata"))
    }

    @Test func deploymentsServicesAndNodes() throws {
        let deploy = try Self.parse(#"""
        {"metadata":{"name":"web","creationTimestamp":"2026-11-23T16:49:00Z"},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}},
         "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
        """#)
        #expect(TablePrinter.forResource("deployments").cells(of: deploy, nowSeconds: Self.now) == [
            .string("web"), .string("2/3"), .number("3"), .number("2"), .string("16s"), .string("nginx"), .string("nginx:1.26"), .string("app=web"),
        ])
        let svc = try Self.parse(#"{"metadata":{"name":"web"},"spec":{"type":"NodePort","clusterIP":"10.96.0.5","ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}],"selector":{"app":"web"}}}"#)
        let cells = TablePrinter.forResource("services").cells(of: svc, nowSeconds: Self.now)
        #expect(cells[1] == .string("NodePort"))
        #expect(cells[3] == .string("<none>"))
        #expect(cells[4] == .string("80:30080/TCP"))
        #expect(cells[5] == .string("<unknown>"))
        let node = try Self.parse(#"{"metadata":{"name":"n1","labels":{"node-role.kubernetes.io/control-plane":""}},"spec":{"unschedulable":true},"status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"tern-0.2"}}}"#)
        let ncells = TablePrinter.forResource("nodes").cells(of: node, nowSeconds: Self.now)
        #expect(ncells[1] == .string("Ready,SchedulingDisabled"))
        #expect(ncells[2] == .string("control-plane"))
        #expect(ncells[4] == .string("tern-0.2"))
    }

    @Test func detectsTableAccept() {
        #expect(TableDocument.isRequested(accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"))
        #expect(!TableDocument.isRequested(accept: "application/json"))
        #expect(!TableDocument.isRequested(accept: nil))
    }
}
