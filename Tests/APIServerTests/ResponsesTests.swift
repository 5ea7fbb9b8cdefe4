import Testing
import JSON
import Objects
@testable import APIServer

@Suite struct APIStatusTests {
    @Test func notFoundNamesTheQualifiedResource() {
        let s = APIStatus.notFound("deployments", group: "apps", name: "web")
        #expect(String(decoding: s.json.encoded(), as: UTF8.self) ==
                #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"web\" not found","reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"},"code":404}"#)
        #expect(APIStatus.notFound("pods", group: "", name: "x").message == #"pods "x" not found"#)
    }

    @Test func invalidCarriesCauses() {
        let image = FieldPath("spec").child("containers").index(0).child("image")
        let s = APIStatus.invalid(kind: "Pod", group: "", name: "noimage", errors: [FieldError(.required, image)])
        #expect(s.code == 422)
        #expect(s.message == #"Pod "noimage" is invalid: spec.containers[0].image: Required value"#)
        #expect(s.json["details"]?["causes"] == .array([.object([
            ("reason", .string("FieldValueRequired")), ("message", .string("Required value")),
            ("field", .string("spec.containers[0].image")),
        ])]))
        let two = APIStatus.invalid(kind: "Deployment", group: "apps", name: "w", errors: [
            FieldError(.required, FieldPath("spec").child("selector")),
            FieldError(.invalid(value: "-1"), FieldPath("spec").child("replicas")),
        ])
        #expect(two.message == #"Deployment.apps "w" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1]"#)
    }

    @Test func conflictWordingMatchesKubernetes() {
        #expect(APIStatus.conflict("deployments", group: "apps", name: "web").message ==
                #"Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again"#)
    }
}

@Suite struct AuthTests {
    @Test func parsesTokenFiles() throws {
        let tokens = try StaticTokens(parsing: "# admins\nsecret1,alice,1,\"system:masters,dev\"\n\n tok2,bob,2 \n")
        #expect(tokens.firstToken == "secret1")
        #expect(tokens.authenticate(authorization: "Bearer secret1") == APIUser(name: "alice", uid: "1", groups: ["system:masters", "dev"]))
        #expect(tokens.authenticate(authorization: "Bearer tok2")?.name == "bob")
        #expect(tokens.authenticate(authorization: "Bearer nope") == nil)
        #expect(tokens.authenticate(authorization: "Basic c2VjcmV0MQ==") == nil)
        #expect(tokens.authenticate(authorization: nil) == nil)
    }

    @Test func rejectsBadTokenFiles() {
        #expect(throws: TokenFileError.malformedLine(line: 1, reason: "expected token,user,uid[,\"group,...\"]")) { try StaticTokens(parsing: "onlytoken") }
        #expect(throws: TokenFileError.duplicateToken(line: 2)) { try StaticTokens(parsing: "a,u,1\na,v,2") }
        #expect(throws: TokenFileError.empty) { try StaticTokens(parsing: "# nothing\n") }
    }

    @Test func kubeconfigNamesServerAndToken() {
        let text = Kubeconfig.text(clusterName: "tern-local", server: "http://127.0.0.1:7443", token: "secret1")
        #expect(text.contains("server: http://127.0.0.1:7443"))
        #expect(text.contains("token: \"secret1\""))
        #expect(text.contains("current-context: tern-local"))
        #expect(Kubeconfig.text(clusterName: "c", server: "http://h:1", token: nil).contains("user: {}"))
    }
}
