import Foundation

// A Codable mirror of the benchmark's Pod fixture (every member it contains), used only to
// compare the hand-written codec with Foundation's JSONDecoder/JSONEncoder.

struct CPod: Codable {
    var kind: String?
    var apiVersion: String?
    var metadata: CMeta
    var spec: CSpec
    var status: CStatus?
}

struct CMeta: Codable {
    var name: String?
    var generateName: String?
    var namespace: String?
    var uid: String?
    var resourceVersion: String?
    var creationTimestamp: String?
    var labels: [String: String]?
    var annotations: [String: String]?
    var ownerReferences: [COwner]?
}

struct COwner: Codable {
    var apiVersion: String
    var kind: String
    var name: String
    var uid: String
    var controller: Bool?
    var blockOwnerDeletion: Bool?
}

struct CSpec: Codable {
    var volumes: [CVolume]?
    var containers: [CContainer]
    var restartPolicy: String?
    var terminationGracePeriodSeconds: Int64?
    var dnsPolicy: String?
    var nodeSelector: [String: String]?
    var serviceAccountName: String?
    var serviceAccount: String?
    var nodeName: String?
    var securityContext: [String: String]?
    var affinity: CAffinity?
    var schedulerName: String?
    var tolerations: [CToleration]?
    var priority: Int32?
    var enableServiceLinks: Bool?
    var preemptionPolicy: String?
}

struct CVolume: Codable {
    struct ConfigMap: Codable { var name: String?; var defaultMode: Int32? }
    struct EmptyDir: Codable { var sizeLimit: String? }
    var name: String
    var configMap: ConfigMap?
    var emptyDir: EmptyDir?
}

struct CContainer: Codable {
    struct Port: Codable { var name: String?; var containerPort: Int32; var `protocol`: String? }
    struct Env: Codable {
        struct Source: Codable {
            struct FieldRef: Codable { var apiVersion: String?; var fieldPath: String }
            struct KeyRef: Codable { var name: String?; var key: String }
            var fieldRef: FieldRef?
            var secretKeyRef: KeyRef?
        }
        var name: String
        var value: String?
        var valueFrom: Source?
    }
    struct Resources: Codable { var limits: [String: String]?; var requests: [String: String]? }
    struct Mount: Codable { var name: String; var readOnly: Bool?; var mountPath: String }
    var name: String
    var image: String?
    var command: [String]?
    var args: [String]?
    var ports: [Port]?
    var env: [Env]?
    var resources: Resources?
    var volumeMounts: [Mount]?
    var livenessProbe: CProbe?
    var readinessProbe: CProbe?
    var terminationMessagePath: String?
    var terminationMessagePolicy: String?
    var imagePullPolicy: String?
}

enum CIntOrString: Codable {
    case int(Int32)
    case string(String)
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int32.self) { self = .int(n) } else { self = .string(try c.decode(String.self)) }
    }
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        }
    }
}

struct CProbe: Codable {
    struct HTTPGet: Codable { var path: String?; var port: CIntOrString; var scheme: String? }
    struct TCP: Codable { var port: CIntOrString }
    var httpGet: HTTPGet?
    var tcpSocket: TCP?
    var initialDelaySeconds: Int32?
    var timeoutSeconds: Int32?
    var periodSeconds: Int32?
    var successThreshold: Int32?
    var failureThreshold: Int32?
}

struct CAffinity: Codable {
    struct Anti: Codable {
        struct Weighted: Codable {
            struct Term: Codable {
                struct Selector: Codable {
                    struct Req: Codable { var key: String; var `operator`: String; var values: [String]? }
                    var matchExpressions: [Req]?
                    var matchLabels: [String: String]?
                }
                var labelSelector: Selector?
                var topologyKey: String
            }
            var weight: Int32
            var podAffinityTerm: Term
        }
        var preferredDuringSchedulingIgnoredDuringExecution: [Weighted]?
    }
    var podAntiAffinity: Anti?
}

struct CToleration: Codable {
    var key: String?
    var `operator`: String?
    var effect: String?
    var tolerationSeconds: Int64?
}

struct CStatus: Codable {
    struct Condition: Codable {
        var type: String
        var status: String
        var lastProbeTime: String?
        var lastTransitionTime: String?
    }
    struct IP: Codable { var ip: String }
    struct ContainerStatus: Codable {
        struct State: Codable {
            struct Running: Codable { var startedAt: String? }
            var running: Running?
        }
        var name: String
        var state: State?
        var lastState: State?
        var ready: Bool
        var restartCount: Int32
        var image: String
        var imageID: String
        var containerID: String?
        var started: Bool?
    }
    var phase: String?
    var conditions: [Condition]?
    var hostIP: String?
    var hostIPs: [IP]?
    var podIP: String?
    var podIPs: [IP]?
    var startTime: String?
    var containerStatuses: [ContainerStatus]?
    var qosClass: String?
}
