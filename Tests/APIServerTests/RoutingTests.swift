import Testing
import APIServer

@Suite struct RoutingTests {
    @Test func parsesResourcePaths() {
        #expect(APIRequestPath("/api/v1/namespaces/default/pods/web/status") ==
                .resource(ResourcePath(group: "", version: "v1", namespace: "default", resource: "pods", name: "web", subresource: "status")))
        #expect(APIRequestPath("/apis/apps/v1/deployments") ==
                .resource(ResourcePath(group: "apps", version: "v1", resource: "deployments")))
        #expect(APIRequestPath("/apis/apps/v1/namespaces/kube-system/deployments/web/scale") ==
                .resource(ResourcePath(group: "apps", version: "v1", namespace: "kube-system", resource: "deployments", name: "web", subresource: "scale")))
        #expect(APIRequestPath("/api/v1/nodes/n1") == .resource(ResourcePath(group: "", version: "v1", resource: "nodes", name: "n1")))
    }

    @Test func namespacesAreObjectsToo() {
        #expect(APIRequestPath("/api/v1/namespaces") == .resource(ResourcePath(group: "", version: "v1", resource: "namespaces")))
        #expect(APIRequestPath("/api/v1/namespaces/dev") == .resource(ResourcePath(group: "", version: "v1", resource: "namespaces", name: "dev")))
        #expect(APIRequestPath("/api/v1/namespaces/dev/status") ==
                .resource(ResourcePath(group: "", version: "v1", resource: "namespaces", name: "dev", subresource: "status")))
        // A namespace called "status" holding pods.
        #expect(APIRequestPath("/api/v1/namespaces/status/pods") ==
                .resource(ResourcePath(group: "", version: "v1", namespace: "status", resource: "pods")))
    }

    @Test func parsesDiscoveryAndOtherPaths() {
        #expect(APIRequestPath("/api") == .coreVersions)
        #expect(APIRequestPath("/apis") == .groups)
        #expect(APIRequestPath("/apis/apps") == .group("apps"))
        #expect(APIRequestPath("/api/v1") == .groupVersion(group: "", version: "v1"))
        #expect(APIRequestPath("/apis/apps/v1/") == .groupVersion(group: "apps", version: "v1"))
        #expect(APIRequestPath("/version") == .version)
        #expect(APIRequestPath("/readyz/ping") == .health("readyz"))
        #expect(APIRequestPath("/openapi/v3") == .openAPIIndex)
        #expect(APIRequestPath("/openapi/v3/apis/apps/v1") == .openAPIDocument(group: "apps", version: "v1"))
        #expect(APIRequestPath("/openapi/v3/api/v1") == .openAPIDocument(group: "", version: "v1"))
        #expect(APIRequestPath("/openapi/v2") == .unknown)
        #expect(APIRequestPath("/") == .unknown)
        #expect(APIRequestPath("/api/v1/namespaces/a/pods/b/log/extra") == .unknown)
    }

    @Test func decodesQueries() {
        let q = QueryParameters(parsing: "labelSelector=app%3Dweb%2Ctier+in+(a)&limit=500&watch=1&watch=0&empty&bad=%zz")
        #expect(q["labelSelector"] == "app=web,tier in (a)")
        #expect(q["limit"] == "500")
        #expect(q.flag("watch"))
        #expect(q["empty"] == "")
        #expect(q["bad"] == "%zz")
        #expect(q["missing"] == nil)
        #expect(!q.flag("missing"))
    }
}
