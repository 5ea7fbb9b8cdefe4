import Testing
@testable import Objects

@Suite("Validation errors name the field with Kubernetes' wording")
struct ValidationMessageTests {
    private func pod(_ json: String) throws -> Pod {
        var pod = try Pod(json: Array(json.utf8))
        pod.applyDefaults()
        return pod
    }

    @Test("metadata: name required, name syntax, namespace required, labels")
    func metadata() throws {
        var p = try pod(#"{"metadata":{"labels":{"bad key!":"v","ok":"-bad-"}},"spec":{"containers":[{"name":"a","image":"x"}]}}"#)
        let errors = p.validate().map(\.description)
        #expect(errors.contains("metadata.name: Required value: name or generateName is required"))
        #expect(errors.contains("metadata.namespace: Required value"))
        #expect(errors.contains { $0.hasPrefix("metadata.labels: Invalid value: \"bad key!\": name part must consist of") })
        #expect(errors.contains { $0.hasPrefix("metadata.labels[ok]: Invalid value: \"-bad-\": a valid label must be") })
        p.metadata.name = "Foo"
        p.metadata.namespace = "default"
        p.metadata.labels = [:]
        #expect(p.validate().map(\.description) == [
            "metadata.name: Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ])
        var generated = p
        generated.metadata.name = ""
        generated.metadata.generateName = "web-7c9d8b6f5-"
        #expect(generated.validate().isEmpty)
        generated.metadata.generateName = "Web-"
        #expect(generated.validate().first?.description.hasPrefix("metadata.generateName: Invalid value: \"Web-\"") == true)
        var ns = Namespace()
        ns.metadata.name = "a.b"
        #expect(ns.validate().first?.description.hasPrefix("metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label") == true)
    }

    @Test("pod: containers, names, images, ports, restart policy, mounts")
    func podSpec() throws {
        let noContainers = try pod(#"{"metadata":{"name":"p","namespace":"d"},"spec":{}}"#)
        #expect(noContainers.validate().map(\.description) == ["spec.containers: Required value"])

        let bad = try pod(#"{"metadata":{"name":"p","namespace":"d"},"spec":{"restartPolicy":"Sometimes","containers":[{"name":"a","image":"","ports":[{"containerPort":0},{"containerPort":70000,"protocol":"ICMP"}],"volumeMounts":[{"name":"nope","mountPath":"/x"}]},{"name":"a","image":"x"},{"name":"B_","image":"x"}]}}"#)
        #expect(bad.validate().map(\.description) == [
            "spec.containers[0].image: Required value",
            "spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "spec.containers[0].volumeMounts[0].name: Not found: \"nope\"",
            "spec.containers[1].name: Duplicate value: \"a\"",
            "spec.containers[2].name: Invalid value: \"B_\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
        ])
    }

    @Test("workloads: selector required and matching, replicas ≥ 0, template restart policy")
    func workloads() throws {
        var d = try Deployment(json: Array(#"{"metadata":{"name":"web","namespace":"d"},"spec":{"replicas":-1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"api"}},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"x"}]}}}}"#.utf8))
        d.applyDefaults()
        #expect(d.validate().map(\.description) == [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.template.metadata.labels: Invalid value: \"map[string]string{\\\"app\\\":\\\"api\\\"}\": `selector` does not match template `labels`",
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        ])
        d.spec.selector = nil
        #expect(d.validate().map(\.description).contains("spec.selector: Required value"))

        var job = Job()
        job.metadata = ObjectMeta(name: "j", namespace: "d")
        job.spec.template.spec.containers = [Container()]
        job.spec.template.spec.containers[0].name = "c"
        job.spec.template.spec.containers[0].image = "x"
        job.applyDefaults()
        #expect(job.validate().map(\.description) == [
            "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"",
        ])

        var cron = CronJob()
        cron.metadata = ObjectMeta(name: "c", namespace: "d")
        cron.spec.jobTemplate.spec = job.spec
        cron.spec.jobTemplate.spec.template.spec.restartPolicy = "OnFailure"
        cron.applyDefaults()
        #expect(cron.validate().map(\.description) == ["spec.schedule: Required value"])
        cron.spec.schedule = "every minute"
        #expect(cron.validate().first?.description.hasPrefix("spec.schedule: Invalid value: \"every minute\"") == true)
        cron.spec.schedule = "*/5 * * * *"
        #expect(cron.validate().isEmpty)
    }

    @Test("services: ports required unless headless or ExternalName; ranges and names")
    func services() throws {
        var svc = Service()
        svc.metadata = ObjectMeta(name: "web", namespace: "d")
        svc.applyDefaults()
        #expect(svc.validate().map(\.description) == ["spec.ports: Required value"])
        svc.spec.clusterIP = "None"
        #expect(svc.validate().isEmpty)
        var a = ServicePort()
        a.port = 0
        var b = ServicePort()
        b.port = 80
        svc.spec.ports = [a, b]
        svc.spec.clusterIP = ""
        svc.applyDefaults()
        #expect(svc.validate().map(\.description) == [
            "spec.ports[0].name: Required value",
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[1].name: Required value",
        ])
        var external = Service()
        external.metadata = ObjectMeta(name: "ext", namespace: "d")
        external.spec.type = "ExternalName"
        external.applyDefaults()
        #expect(external.validate().map(\.description) == ["spec.externalName: Required value"])
    }

    @Test("config maps and secrets: key syntax, base64, type requirements")
    func configData() {
        var cm = ConfigMap()
        cm.metadata = ObjectMeta(name: "c", namespace: "d")
        cm.data = ["ok.key": "1", "bad/key": "2", "..x": "3"]
        cm.binaryData = ["ok.key": "AA=="]
        let errors = cm.validate().map(\.description)
        #expect(errors.count == 3)
        #expect(errors.contains { $0.hasPrefix("data[..x]: Invalid value: \"..x\": must not start with '..'") })
        #expect(errors.contains { $0.hasPrefix("data[bad/key]: Invalid value: \"bad/key\": a valid config key must consist of") })
        #expect(errors.contains("data[ok.key]: Invalid value: \"ok.key\": duplicate of key present in binaryData"))

        var secret = Secret()
        secret.metadata = ObjectMeta(name: "s", namespace: "d")
        secret.type = "kubernetes.io/tls"
        secret.data = ["tls.crt": "aGVsbG8="]
        #expect(secret.validate().map(\.description) == ["data[tls.key]: Required value"])
        #expect(Secret.isBase64("aGVsbG8=") && Secret.isBase64("") && !Secret.isBase64("aGVsbG8") && !Secret.isBase64("a=bc"))
    }

    @Test("updates: immutable metadata, pod spec, selectors, job template, immutable config")
    func updates() throws {
        let old = try pod(#"{"metadata":{"name":"p","namespace":"d","uid":"u1"},"spec":{"containers":[{"name":"a","image":"x:1"}],"tolerations":[{"key":"k","operator":"Exists"}]}}"#)
        var new = old
        new.spec.containers[0].image = "x:2"
        new.spec.activeDeadlineSeconds = 30
        new.spec.tolerations.append(Toleration())
        new.spec.tolerations[1].operator = "Exists"
        #expect(new.validateUpdate(from: old).isEmpty)
        new.spec.restartPolicy = "Never"
        new.metadata.uid = "u2"
        let errors = new.validateUpdate(from: old).map(\.description)
        #expect(errors.first == "metadata.uid: Invalid value: \"u2\": field is immutable")
        #expect(errors.count == 2)
        #expect(errors.last?.hasPrefix("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`") == true)
        var renamed = old
        renamed.metadata.name = "q"
        #expect(renamed.validateUpdate(from: old).map(\.description) == ["metadata.name: Invalid value: \"q\": field is immutable"])

        var d = try Deployment(json: Array(#"{"metadata":{"name":"web","namespace":"d"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web","v":"1"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}"#.utf8))
        d.applyDefaults()
        var d2 = d
        d2.spec.selector = LabelSelectorSpec(matchLabels: ["v": "1"])
        #expect(d2.validateUpdate(from: d).map(\.description) == ["spec.selector: Invalid value: \"map[string]string{\\\"v\\\":\\\"1\\\"}\": field is immutable"])

        var job = Job()
        job.metadata = ObjectMeta(name: "j", namespace: "d")
        job.spec.template.spec.restartPolicy = "Never"
        job.spec.template.spec.containers = [Container()]
        job.spec.template.spec.containers[0].name = "c"
        job.spec.template.spec.containers[0].image = "x"
        job.applyDefaults()
        var job2 = job
        job2.spec.template.spec.containers[0].image = "y"
        #expect(job2.validateUpdate(from: job).map(\.description) == ["spec.template: Invalid value: \"core.PodTemplateSpec{...}\": field is immutable"])

        var cm = ConfigMap()
        cm.metadata = ObjectMeta(name: "c", namespace: "d")
        cm.immutable = true
        cm.data = ["a": "1"]
        var cm2 = cm
        cm2.data["a"] = "2"
        cm2.immutable = false
        #expect(cm2.validateUpdate(from: cm).map(\.description) == [
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set",
        ])
    }
}
