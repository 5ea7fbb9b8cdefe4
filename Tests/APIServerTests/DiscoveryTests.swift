import Testing
import JSON
import Objects
@testable import APIServer

@Suite struct DiscoveryTests {
    static let pods = ResourceKind(group: "", version: "v1", kind: "Pod", resource: "pods", singular: "pod",
                                   namespaced: true, shortNames: ["po"], hasStatus: true, categories: ["all"])
    static let nodes = ResourceKind(group: "", version: "v1", kind: "Node", resource: "nodes", singular: "node",
                                    namespaced: false, shortNames: ["no"], hasStatus: true)
    static let deployments = ResourceKind(group: "apps", version: "v1", kind: "Deployment", resource: "deployments", singular: "deployment",
                                          namespaced: true, shortNames: ["deploy"], hasStatus: true, categories: ["all"])
    static let leases = ResourceKind(group: "coordination.k8s.io", version: "v1", kind: "Lease", resource: "leases", singular: "lease",
                                     namespaced: true, hasStatus: false)
    let docs = DiscoveryDocuments(resources: [pods, nodes, deployments, leases].map(ServedResource.standard))

    @Test func standardSubresources() {
        #expect(ServedResource.standard(Self.pods).subresources.map(\.name) == ["binding", "log", "status"])
        #expect(ServedResource.standard(Self.deployments).subresources.map(\.name) == ["scale", "status"])
        #expect(ServedResource.standard(Self.leases).subresources.isEmpty)
    }

    @Test func aggregatedListsCoreAndGroupsSeparately() throws {
        let core = docs.aggregated(core: true)
        guard case .array(let items)? = core["items"] else { Issue.record("no items"); return }
        #expect(items.count == 1)
        #expect(items[0]["metadata"]?["name"] == .string(""))
        let groups = docs.aggregated(core: false)
        guard case .array(let gitems)? = groups["items"] else { Issue.record("no items"); return }
        #expect(gitems.compactMap { $0["metadata"]?["name"] } == [.string("apps"), .string("coordination.k8s.io")])
        guard case .array(let versions)? = gitems[0]["versions"], case .array(let resources)? = versions[0]["resources"] else {
            Issue.record("no resources"); return
        }
        let deploy = resources[0]
        #expect(deploy["resource"] == .string("deployments"))
        #expect(deploy["scope"] == .string("Namespaced"))
        #expect(deploy["shortNames"] == .array([.string("deploy")]))
        guard case .array(let subs)? = deploy["subresources"] else { Issue.record("no subresources"); return }
        #expect(subs[0]["responseKind"] == .object([("group", .string("autoscaling")), ("version", .string("v1")), ("kind", .string("Scale"))]))
    }

    @Test func legacyDocuments() throws {
        let list = try #require(docs.resourceList(group: "apps", version: "v1"))
        guard case .array(let entries)? = list["resources"] else { Issue.record("no resources"); return }
        #expect(entries.compactMap { $0["name"] } == [.string("deployments"), .string("deployments/scale"), .string("deployments/status")])
        #expect(entries[1]["group"] == .string("autoscaling"))
        #expect(entries[2]["group"] == nil)
        #expect(docs.resourceList(group: "batch", version: "v1") == nil)
        #expect(docs.apiGroup("apps")?["preferredVersion"]?["groupVersion"] == .string("apps/v1"))
        #expect(docs.apiGroup("") == nil)
        #expect(docs.resource(group: "", version: "v1", name: "nodes")?.kind.namespaced == false)
    }

    @Test func openAPIIndexPointsAtHashedDocuments() throws {
        let openAPI = OpenAPIDocuments(resources: [Self.pods, Self.deployments].map(ServedResource.standard))
        let index = try JSONParser.parse(openAPI.index)
        guard case .string(let url)? = index["paths"]?["apis/apps/v1"]?["serverRelativeURL"] else { Issue.record("no url"); return }
        let doc = try #require(openAPI.documents["apis/apps/v1"])
        #expect(url == "/openapi/v3/apis/apps/v1?hash=\(OpenAPIDocuments.hash(doc))")
        let parsed = try JSONParser.parse(doc)
        let patch = parsed["paths"]?["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?["patch"]
        #expect(patch?["x-kubernetes-group-version-kind"]?["kind"] == .string("Deployment"))
        guard case .array(let params)? = patch?["parameters"] else { Issue.record("no parameters"); return }
        #expect(params.first?["name"] == .string("fieldValidation"))
        // Stable across builds of the same resources.
        #expect(OpenAPIDocuments(resources: [Self.pods, Self.deployments].map(ServedResource.standard)).index == openAPI.index)
    }
}
