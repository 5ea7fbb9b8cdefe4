"""Drives a Tern member's Kubernetes API with the unmodified Python `kubernetes` client.

Usage: python3 k8s_client_check.py HOST PORT. Exits non-zero (with the failing check) on any
deviation; prints "all kubernetes client checks passed" at the end.
"""
import sys
import time

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

host, port = sys.argv[1], sys.argv[2]
configuration = client.Configuration()
configuration.host = f"http://{host}:{port}"
api_client = client.ApiClient(configuration)
core = client.CoreV1Api(api_client)
apps = client.AppsV1Api(api_client)


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def expect_status(code, call, what):
    try:
        call()
    except ApiException as e:
        check(e.status == code, f"{what}: HTTP {e.status} (wanted {code}) body={e.body}")
        return e
    check(False, f"{what}: no error (wanted {code})")


# Pods: create, 409 on create again, list with a label selector-free list, chunked list.
pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "py", "labels": {"app": "py"}},
       "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "60"]}]}}
created = core.create_namespaced_pod("default", pod)
check(created.metadata.name == "py" and created.metadata.resource_version, "create pod")
expect_status(409, lambda: core.create_namespaced_pod("default", pod), "create the same pod again")
for i in range(3):
    core.create_namespaced_config_map("default", {"metadata": {"name": f"cm{i}"}, "data": {"i": str(i)}})
pods = core.list_namespaced_pod("default")
check([p.metadata.name for p in pods.items] == ["py"] and pods.metadata.resource_version, "list pods")
names, token = [], None
while True:
    page = core.list_namespaced_config_map("default", limit=1, _continue=token)
    names += [c.metadata.name for c in page.items]
    token = page.metadata._continue
    if not token:
        break
check(names == ["cm0", "cm1", "cm2"], f"chunked list with limit=1: {names}")

# Deployments: create, the three patch types, scale, replace with a stale version.
deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pyweb"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "pyweb"}},
                       "template": {"metadata": {"labels": {"app": "pyweb"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx:1.25",
                                                             "ports": [{"containerPort": 80}]}]}}}}
d = apps.create_namespaced_deployment("default", deployment)
check(d.metadata.generation == 1, "create deployment")
d = apps.patch_namespaced_deployment("pyweb", "default", {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}})
check(d.spec.template.spec.containers[0].image == "nginx:1.26" and d.spec.template.spec.containers[0].ports[0].container_port == 80,
      "strategic merge patch (dict body) keeps the container's ports")
d = apps.patch_namespaced_deployment("pyweb", "default", [{"op": "replace", "path": "/spec/replicas", "value": 2}])
check(d.spec.replicas == 2, "json patch (list body)")
d = apps.patch_namespaced_deployment("pyweb", "default", {"metadata": {"labels": {"via": "merge"}}},
                                     _content_type="application/merge-patch+json")
check(d.metadata.labels == {"via": "merge"}, "merge patch")
scale = apps.patch_namespaced_deployment_scale("pyweb", "default", {"spec": {"replicas": 3}})
check(scale.spec.replicas == 3, "patch the scale subresource")
stale = apps.read_namespaced_deployment("pyweb", "default")
apps.patch_namespaced_deployment("pyweb", "default", {"spec": {"replicas": 4}})
stale.spec.replicas = 5
e = expect_status(409, lambda: apps.replace_namespaced_deployment("pyweb", "default", stale), "replace with a stale resourceVersion")
check("Conflict" in e.body, "the 409 body is a Conflict Status")
fresh = apps.read_namespaced_deployment("pyweb", "default")
fresh.spec.replicas = 5
check(apps.replace_namespaced_deployment("pyweb", "default", fresh).spec.replicas == 5, "replace with the current resourceVersion")

# Watch: synthetic ADDED first, then MODIFIED and DELETED, each with the object.
w = watch.Watch()
seen = []
rv = core.list_namespaced_config_map("default").metadata.resource_version
core.patch_namespaced_config_map("cm0", "default", {"data": {"i": "changed"}})
core.delete_namespaced_config_map("cm1", "default")
for event in w.stream(core.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=2):
    seen.append((event["type"], event["object"].metadata.name))
check(seen == [("MODIFIED", "cm0"), ("DELETED", "cm1")], f"watch from a resourceVersion: {seen}")
seen = [(e["type"], e["object"].metadata.name) for e in w.stream(core.list_namespaced_config_map, "default", timeout_seconds=1)]
check(seen == [("ADDED", "cm0"), ("ADDED", "cm2")], f"watch without a resourceVersion starts with ADDED: {seen}")

# A watch from a version older than the watch cache's window ends with an in-stream 410.
for i in range(1100):
    core.patch_namespaced_config_map("cm2", "default", {"data": {"i": str(i)}})
try:
    for _ in w.stream(core.list_namespaced_config_map, "default", resource_version="2", timeout_seconds=2):
        pass
    check(False, "watch from a compacted-away version raised nothing")
except ApiException as e:
    check(e.status == 410, f"watch from a too-old version: HTTP {e.status} {e.reason}")

# Deletes: the object or a Status, then 404.
core.delete_namespaced_pod("py", "default")
expect_status(404, lambda: core.read_namespaced_pod("py", "default"), "read a deleted pod")
expect_status(404, lambda: core.delete_namespaced_pod("py", "default"), "delete a missing pod")
apps.delete_namespaced_deployment("pyweb", "default")
print("all kubernetes client checks passed")
