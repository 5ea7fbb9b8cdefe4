#!/usr/bin/env bash
# A few seconds of every tern-bench scenario against a fresh three-member Tern cluster, so the
# benchmark tool never rots. Run by .ci/run after the tests; uses the debug builds `swift test` made.
# usage: Benchmarks/smoke.sh [build-dir]      (default .build/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug}
[ -x "$bin/tern" ] && [ -x "$bin/tern-bench" ] || swift build --product tern --product tern-bench >/dev/null
dir=$(mktemp -d /tmp/tern-smoke-XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
{
  echo "[cluster]"; echo "name = smoke"; echo "data-dir = data"
  for n in n1 n2 n3; do
    echo "[member $n]"; echo "client = 127.0.0.1:$(free_port)"; echo "peer = 127.0.0.1:$(free_port)"; echo "api = 127.0.0.1:$(free_port)"
  done
} > "$dir/cluster.conf"
endpoints=$(grep '^client' "$dir/cluster.conf" | sed 's/client = /http:\/\//' | paste -sd, -)
"$bin/tern" up --config "$dir/cluster.conf" > "$dir/up.log" 2>&1 &
up=$!
cleanup() { kill -TERM "$up" 2>/dev/null || true; wait "$up" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
for _ in $(seq 1 100); do grep -q "leader is" "$dir/up.log" && break; sleep 0.2; done
grep -q "leader is" "$dir/up.log" || { cat "$dir/up.log"; echo "smoke: no leader"; exit 1; }
failed=0
run() {
  local out
  out=$("$bin/tern-bench" "$@" --endpoints "$endpoints" --duration 2 --drain 3 2>&1 | tail -1)
  echo "$out"
  # A run passes if it printed its RESULT line with no errors and no missing watch events.
  if [[ "$out" != RESULT* ]] || grep -qE '(^| )(err|put_err|get_err|missing|undecodable)=[1-9]' <<< "$out"; then
    echo "smoke: FAILED: tern-bench $*"; failed=1
  fi
}
run put --conns 8 --key-space 1000
run range --conns 8 --key-space 1000
run range --conns 8 --key-space 1000 --serializable
run txn --conns 4 --key-space 100
run lease --conns 4
run watch --watchers 10 --conns 4 --key-space 1000 --prefix smokew/
run watch-latency --watchers 10 --rate 100 --prefix smokel/
run watch-catchup --watchers 10 --catchup-keys 500 --prefix smokec/
exit $failed
