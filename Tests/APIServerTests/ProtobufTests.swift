import Testing
import JSON
@testable import APIServer

/// Bodies captured from kubectl 1.32 (`kubectl create configmap cm1 --from-literal=a=b --from-literal=k2=v2`,
/// `create secret generic s1 --from-literal=pw=s3cr3t`, `create namespace ns1`, `create serviceaccount sa1`).
@Suite struct ProtobufTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        return out
    }

    static func json(_ value: JSONValue) -> String { String(decoding: value.encoded(), as: UTF8.self) }

    @Test func configMapFromKubectl() throws {
        let body = Self.bytes("6b3873000a0f0a0276311209436f6e6669674d617012270a130a03636d3112001a0022002a0032003800420012060a016112016212080a026b32120276321a002200")
        #expect(Self.json(try KubernetesProtobuf.decode(body)) ==
                #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm1"},"data":{"a":"b","k2":"v2"}}"#)
    }

    @Test func secretDataBecomesBase64() throws {
        let body = Self.bytes("6b3873000a0c0a0276311206536563726574122a0a120a02733112001a0022002a00320038004200120c0a02707712067333637233741a064f70617175651a002200")
        #expect(Self.json(try KubernetesProtobuf.decode(body)) ==
                #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"type":"Opaque","data":{"pw":"czNjcjN0"}}"#)
    }

    @Test func namespaceAndServiceAccount() throws {
        let ns = Self.bytes("6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733112001a0022002a0032003800420012001a020a001a002200")
        #expect(Self.json(try KubernetesProtobuf.decode(ns)) == #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"},"spec":{}}"#)
        let sa = Self.bytes("6b3873000a140a027631120e536572766963654163636f756e7412150a130a0373613112001a0022002a003200380042001a002200")
        #expect(Self.json(try KubernetesProtobuf.decode(sa)) == #"{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa1"}}"#)
    }

    @Test func refusesWhatItCannotRead() {
        #expect(throws: ProtobufError.notKubernetesEnvelope) { try KubernetesProtobuf.decode(Array(#"{"kind":"Pod"}"#.utf8)) }
        // A Deployment envelope: typeMeta {apps/v1, Deployment}, empty raw.
        var deployment: [UInt8] = [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x15, 0x0a, 0x07] + Array("apps/v1".utf8) + [0x12, 0x0a] + Array("Deployment".utf8)
        deployment += [0x12, 0x00]
        #expect(throws: ProtobufError.unsupportedKind(apiVersion: "apps/v1", kind: "Deployment")) { try KubernetesProtobuf.decode(deployment) }
        let full = Self.bytes("6b3873000a0f0a0276311209436f6e6669674d617012270a130a03636d3112001a0022002a0032003800420012060a016112016212080a026b32120276321a002200")
        for cut in [5, 9, 20, 40, full.count - 3] {
            #expect(throws: ProtobufError.self) { try KubernetesProtobuf.decode(Array(full[..<cut])) }
        }
    }
}
