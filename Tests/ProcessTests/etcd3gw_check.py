"""Drives a Tern cluster through the etcd3gw Python client (an unmodified etcd gateway client).

usage: python3 etcd3gw_check.py HOST PORT
Exits 0 when every check passes; prints the first failure otherwise.
"""
import sys
import threading
import time

from etcd3gw.client import Etcd3Client


def check(condition, what):
    if not condition:
        print("FAILED: " + what, flush=True)
        sys.exit(1)
    print("ok: " + what, flush=True)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    c = Etcd3Client(host=host, port=port, timeout=10)
    check(c.api_path == "/v3/", "api path discovered from /version")
    check("leader" in c.status(), "status names a leader")
    check(len(c.members()) == 3, "three members listed")

    check(c.put("foo", "bar") is True, "put")
    check(c.get("foo") == [b"bar"], "get")
    check(c.get("missing") == [], "get of a missing key")
    for i in range(3):
        c.put("/prefix/%d" % i, "v%d" % i)
    values = sorted(v for v, _ in c.get_prefix("/prefix/"))
    check(values == [b"v0", b"v1", b"v2"], "get_prefix")
    check(len(c.get_all()) >= 4, "get_all")

    check(c.create("created", "1") is True, "create (txn with create_revision == 0) succeeds once")
    check(c.create("created", "2") is False, "create fails when the key exists")
    check(c.replace("created", "1", "3") is True, "replace (compare-and-swap) with the right value")
    check(c.replace("created", "1", "4") is False, "replace with a stale value fails")
    check(c.get("created") == [b"3"], "replace wrote the new value")

    check(c.delete("foo") is True, "delete an existing key")
    check(c.delete("foo") is False, "delete a missing key")
    check(c.delete_prefix("/prefix/") is True, "delete_prefix")
    check(c.get_prefix("/prefix/") == [], "prefix is empty afterwards")

    lease = c.lease(ttl=30)
    c.put("leased", "x", lease=lease)
    check(0 < lease.ttl() <= 30, "lease ttl")
    check(lease.refresh() == 30, "lease refresh (keepalive stream)")
    check(lease.keys() == [b"leased"], "lease keys")
    check(lease.revoke() is True, "lease revoke")
    check(c.get("leased") == [], "revoking the lease deleted its key")

    events = []
    done = threading.Event()

    def writer():
        time.sleep(0.5)
        c.put("watched", "w1")

    threading.Thread(target=writer, daemon=True).start()
    event = c.watch_once("watched", timeout=10)
    check(event is not None and event["kv"]["value"] == b"w1", "watch_once sees a put")

    iterator, cancel = c.watch_prefix("/w/")
    threading.Thread(target=lambda: [time.sleep(0.5), c.put("/w/a", "1"), c.put("/w/b", "2")], daemon=True).start()
    for e in iterator:
        events.append(e["kv"]["key"])
        if len(events) == 2:
            break
    cancel()
    check(events == [b"/w/a", b"/w/b"], "watch_prefix streams events in order")

    lock = c.lock(ttl=10)
    check(lock.acquire() is True, "lock acquire (create with a lease)")
    check(lock.is_acquired() is True, "lock is held")
    check(lock.release() is True, "lock release")
    print("all etcd3gw checks passed")


if __name__ == "__main__":
    main()
