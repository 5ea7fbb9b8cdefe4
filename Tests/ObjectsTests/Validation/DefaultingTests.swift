import Testing
@testable import Objects

@Suite("Defaulting as Kubernetes does it")
struct DefaultingTests {
    @Test("image pull policy from the tag", arguments: [
        ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
        ("localhost:5000/nginx", "Always"), ("localhost:5000/nginx:1.2", "IfNotPresent"),
        ("nginx@sha256:abcd", "IfNotPresent"), ("nginx:latest@sha256:abcd", "Always"),
    ])
    func pullPolicy(image: String, expected: String) {
        #expect(Defaulting.imagePullPolicy(forImage: image) == expected)
    }

    @Test("pod defaults fill only what is unset")
    func pod() throws {
        var pod = try Pod(json: Array(#"{"metadata":{"name":"p"},"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"busybox","ports":[{"containerPort":80}],"readinessProbe":{"httpGet":{"port":80}}},{"name":"b","image":"nginx:1.2","imagePullPolicy":"Never"}]}}"#.utf8))
        pod.applyDefaults()
        #expect(pod.spec.restartPolicy == "Never")
        #expect(pod.spec.dnsPolicy == "ClusterFirst")
        #expect(pod.spec.terminationGracePeriodSeconds == 30)
        #expect(pod.spec.schedulerName == "default-scheduler")
        #expect(pod.spec.containers[0].imagePullPolicy == "Always")
        #expect(pod.spec.containers[1].imagePullPolicy == "Never")
        #expect(pod.spec.containers[0].ports[0].protocol == "TCP")
        let probe = try #require(pod.spec.containers[0].readinessProbe)
        #expect([probe.timeoutSeconds, probe.periodSeconds, probe.successThreshold, probe.failureThreshold] == [1, 10, 1, 3])
        #expect(probe.httpGet?.scheme == "HTTP")
        #expect(probe.httpGet?.path == "/")
    }

    @Test("deployment defaults")
    func deployment() {
        var d = Deployment()
        d.applyDefaults()
        #expect(d.spec.replicas == 1)
        #expect(d.spec.strategy.type == "RollingUpdate")
        #expect(d.spec.strategy.rollingUpdate?.maxSurge == .string("25%"))
        #expect(d.spec.strategy.rollingUpdate?.maxUnavailable == .string("25%"))
        #expect(d.spec.revisionHistoryLimit == 10)
        #expect(d.spec.progressDeadlineSeconds == 600)
        #expect(d.spec.template.spec.restartPolicy == "Always")

        var recreate = Deployment()
        recreate.spec.strategy.type = "Recreate"
        recreate.spec.replicas = 0
        recreate.applyDefaults()
        #expect(recreate.spec.strategy.rollingUpdate == nil)
        #expect(recreate.spec.replicas == 0)
    }

    @Test("replica set, stateful set, daemon set, job and cron job defaults")
    func workloads() {
        var rs = ReplicaSet()
        rs.applyDefaults()
        #expect(rs.spec.replicas == 1)
        var sts = StatefulSet()
        sts.applyDefaults()
        #expect(sts.spec.replicas == 1)
        #expect(sts.spec.podManagementPolicy == "OrderedReady")
        #expect(sts.spec.updateStrategy.rollingUpdate?.partition == 0)
        var ds = DaemonSet()
        ds.applyDefaults()
        #expect(ds.spec.updateStrategy.rollingUpdate?.maxUnavailable == .int(1))
        var job = Job()
        job.applyDefaults()
        #expect(job.spec.completions == 1)
        #expect(job.spec.parallelism == 1)
        #expect(job.spec.backoffLimit == 6)
        var parallelOnly = Job()
        parallelOnly.spec.parallelism = 4
        parallelOnly.applyDefaults()
        #expect(parallelOnly.spec.completions == nil)
        var cron = CronJob()
        cron.applyDefaults()
        #expect(cron.spec.concurrencyPolicy == "Allow")
        #expect(cron.spec.suspend == false)
        #expect(cron.spec.successfulJobsHistoryLimit == 3)
        #expect(cron.spec.failedJobsHistoryLimit == 1)
        #expect(cron.spec.jobTemplate.spec.backoffLimit == 6)
    }

    @Test("service defaults: ClusterIP, None, TCP, targetPort = port")
    func service() {
        var svc = Service()
        var named = ServicePort()
        named.port = 80
        named.targetPort = .string("http")
        var bare = ServicePort()
        bare.port = 443
        svc.spec.ports = [named, bare]
        svc.applyDefaults()
        #expect(svc.spec.type == "ClusterIP")
        #expect(svc.spec.sessionAffinity == "None")
        #expect(svc.spec.ports.map(\.protocol) == ["TCP", "TCP"])
        #expect(svc.spec.ports.map(\.targetPort) == [.string("http"), .int(443)])
    }
}
