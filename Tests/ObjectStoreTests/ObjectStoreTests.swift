import JSON
import KVClient
import Objects
import Testing

@Suite struct KeyTests {
    @Test func namespacedAndClusterKeys() {
        let w = TestWidget.resourceKind
        #expect(String(decoding: RegistryKey.key(w, namespace: "default", name: "web"), as: UTF8.self) == "/registry/widgets/default/web")
        #expect(String(decoding: RegistryKey.prefix(w, namespace: "default"), as: UTF8.self) == "/registry/widgets/default/")
        #expect(String(decoding: RegistryKey.prefix(w, namespace: ""), as: UTF8.self) == "/registry/widgets/")
        let g = TestGadget.resourceKind
        #expect(String(decoding: RegistryKey.key(g, namespace: "ignored", name: "n1"), as: UTF8.self) == "/registry/gadgets/n1")
        #expect(String(decoding: RegistryKey.prefix(g, namespace: "x"), as: UTF8.self) == "/registry/gadgets/")
        #expect(RegistryKey.parse(Array("/registry/widgets/ns/a".utf8), kind: w)! == ("ns", "a"))
        #expect(RegistryKey.parse(Array("/registry/widgets/ns".utf8), kind: w) == nil)
        #expect(RegistryKey.parse(Array("/registry/gadgets/a".utf8), kind: g)! == ("", "a"))
        #expect(w.qualifiedResource == "widgets.example.dev")
        #expect(g.qualifiedResource == "gadgets")
    }
}
