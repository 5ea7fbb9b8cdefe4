import JSON
import Objects

/// Decodes the protobuf request bodies kubectl ≥ 1.32 sends for `kubectl create configmap|secret|
/// namespace|serviceaccount` into the same JSON a JSON client would have sent. The envelope is
/// `k8s\0` + `runtime.Unknown{typeMeta{apiVersion, kind}, raw}`; `raw` is the object's message.
/// Other kinds (Deployment needs the whole PodSpec) are refused with a message naming the
/// workaround (`--dry-run=client -o yaml | kubectl apply -f -`).
public enum KubernetesProtobuf {
    public static let contentType = "application/vnd.kubernetes.protobuf"

    /// The JSON object of a protobuf body.
    public static func decode(_ body: [UInt8]) throws(ProtobufError) -> JSONValue {
        guard body.count >= 4, body[0] == UInt8(ascii: "k"), body[1] == UInt8(ascii: "8"), body[2] == UInt8(ascii: "s"), body[3] == 0 else {
            throw .notKubernetesEnvelope
        }
        var envelope = ProtobufReader(body[4...])
        var apiVersion = "", kind = ""
        var raw: ArraySlice<UInt8> = []
        while let (field, value) = try envelope.next() {
            switch (field, value) {
            case (1, .bytes(let typeMeta)):
                var r = ProtobufReader(typeMeta)
                while let (f, v) = try r.next() {
                    if f == 1 { apiVersion = try ProtobufReader.string(v, field: f) }
                    if f == 2 { kind = try ProtobufReader.string(v, field: f) }
                }
            case (2, .bytes(let b)): raw = b
            default: break
            }
        }
        guard apiVersion == "v1", ["ConfigMap", "Secret", "Namespace", "ServiceAccount"].contains(kind) else {
            throw .unsupportedKind(apiVersion: apiVersion, kind: kind)
        }
        var members: [(key: String, value: JSONValue)] = [("apiVersion", .string(apiVersion)), ("kind", .string(kind))]
        var data: [(key: String, value: JSONValue)] = [], binaryData: [(key: String, value: JSONValue)] = []
        var stringData: [(key: String, value: JSONValue)] = []
        var secrets: [JSONValue] = [], pullSecrets: [JSONValue] = []
        var r = ProtobufReader(raw)
        while let (field, value) = try r.next() {
            if field == 1, case .bytes(let b) = value {
                members.append(("metadata", try objectMeta(b)))
                continue
            }
            switch (kind, field) {
            case ("ConfigMap", 2):
                let e = try ProtobufReader.mapEntry(value)
                data.append((e.key, .string(try e.value.map { v throws(ProtobufError) in try ProtobufReader.string(v, field: 2) } ?? "")))
            case ("ConfigMap", 3), ("Secret", 2):
                let e = try ProtobufReader.mapEntry(value)
                var bytes: [UInt8] = []
                if case .bytes(let b)? = e.value { bytes = Array(b) }
                let encoded: JSONValue = .string(String(decoding: Base64.encode(bytes), as: UTF8.self))
                if kind == "Secret" { data.append((e.key, encoded)) } else { binaryData.append((e.key, encoded)) }
            case ("ConfigMap", 4), ("Secret", 5):
                if case .varint(let v) = value { members.append(("immutable", .bool(v != 0))) }
            case ("Secret", 3): members.append(("type", .string(try ProtobufReader.string(value, field: field))))
            case ("Secret", 4):
                let e = try ProtobufReader.mapEntry(value)
                stringData.append((e.key, .string(try e.value.map { v throws(ProtobufError) in try ProtobufReader.string(v, field: 2) } ?? "")))
            case ("Namespace", 2):
                if case .bytes(let b) = value {
                    var spec = ProtobufReader(b)
                    var finalizers: [JSONValue] = []
                    while let (f, v) = try spec.next() {
                        if f == 1 { finalizers.append(.string(try ProtobufReader.string(v, field: f))) }
                    }
                    members.append(("spec", .object(finalizers.isEmpty ? [] : [("finalizers", .array(finalizers))])))
                }
            case ("ServiceAccount", 2):
                if case .bytes(let b) = value { secrets.append(try objectReference(b)) }
            case ("ServiceAccount", 3):
                if case .bytes(let b) = value { pullSecrets.append(try objectReference(b, local: true)) }
            case ("ServiceAccount", 4):
                if case .varint(let v) = value { members.append(("automountServiceAccountToken", .bool(v != 0))) }
            default: break
            }
        }
        if !data.isEmpty { members.append(("data", .object(data))) }
        if !binaryData.isEmpty { members.append(("binaryData", .object(binaryData))) }
        if !stringData.isEmpty { members.append(("stringData", .object(stringData))) }
        if !secrets.isEmpty { members.append(("secrets", .array(secrets))) }
        if !pullSecrets.isEmpty { members.append(("imagePullSecrets", .array(pullSecrets))) }
        return .object(members)
    }

    /// The ObjectMeta fields a create sends: name, generateName, namespace, labels, annotations.
    static func objectMeta(_ bytes: ArraySlice<UInt8>) throws(ProtobufError) -> JSONValue {
        var r = ProtobufReader(bytes)
        var members: [(key: String, value: JSONValue)] = []
        var labels: [(key: String, value: JSONValue)] = [], annotations: [(key: String, value: JSONValue)] = []
        var finalizers: [JSONValue] = []
        while let (field, value) = try r.next() {
            switch field {
            case 1, 2, 3:
                // Proto2 writes empty optional strings too; JSON clients leave them out.
                let text = try ProtobufReader.string(value, field: field)
                if !text.isEmpty { members.append(([1: "name", 2: "generateName", 3: "namespace"][field] ?? "", .string(text))) }
            case 11, 12:
                let e = try ProtobufReader.mapEntry(value)
                let v: JSONValue = .string(try e.value.map { v throws(ProtobufError) in try ProtobufReader.string(v, field: field) } ?? "")
                if field == 11 { labels.append((e.key, v)) } else { annotations.append((e.key, v)) }
            case 14: finalizers.append(.string(try ProtobufReader.string(value, field: field)))
            default: break
            }
        }
        if !labels.isEmpty { members.append(("labels", .object(labels))) }
        if !annotations.isEmpty { members.append(("annotations", .object(annotations))) }
        if !finalizers.isEmpty { members.append(("finalizers", .array(finalizers))) }
        return .object(members)
    }

    /// An ObjectReference, or a LocalObjectReference (whose only field, 1, is the name).
    static func objectReference(_ bytes: ArraySlice<UInt8>, local: Bool = false) throws(ProtobufError) -> JSONValue {
        var r = ProtobufReader(bytes)
        var members: [(key: String, value: JSONValue)] = []
        let names = local ? [1: "name"]
            : [1: "kind", 2: "namespace", 3: "name", 4: "uid", 5: "apiVersion", 6: "resourceVersion", 7: "fieldPath"]
        while let (field, value) = try r.next() {
            if let name = names[field] { members.append((name, .string(try ProtobufReader.string(value, field: field)))) }
        }
        return .object(members)
    }
}
