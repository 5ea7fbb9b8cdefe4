#!/bin/bash
# compare.sh - Tern vs etcd, side by side, on this machine.
#
# Starts a three-member etcd (Debian's etcd-server, installed if missing) and a three-member Tern
# on loopback (free ports, data under a fresh /tmp directory, fsync on for both: neither is told
# otherwise), runs the same tern-bench scenario matrix against each in alternation (A B A B ...,
# the order flipping every repetition), and prints one table of medians with the ratio Tern/etcd.
# Every process it starts is stopped at the end, whatever happens (trap on EXIT/INT/TERM).
#
# usage: Benchmarks/compare.sh [-r REPS=3] [-d SECONDS=10] [-s "SCENARIOS"] [-o RESULTS] [-q] [-x COMMAND]
#   -s   scenario ids to run (default: all, see MATRIX below), e.g. -s "put-16 range-64 watch-1000"
#   -q   quick smoke: 1 repetition, 2 s runs, small watcher counts (for .ci/run)
#   -m   instead of the matrix, load KEYS distinct 256-byte keys into each cluster (64 connections),
#        compact, and print each member's resident memory (the issue's 1 M-key memory goal):
#        VmRSS, then VmHWM (peak) and RssAnon (heap) from /proc/PID/status, in MiB
#   -y   with -m: which systems to load, in order (default "etcd tern"; e.g. -y tern)
# TERN_BINARY=path runs another tern build (e.g. a baseline for a before/after memory figure);
# TERN_EXTRA_ARGS adds arguments to every `tern server` (e.g. --no-kubernetes-api).
#   -x   instead of the matrix, run COMMAND (bash -c) with ETCD_EPS, TERN_EPS, ETCD_PIDS, TERN_PIDS
#        exported (cross-checks with another client, profiling); both clusters are stopped after it
# Needs the release build: swift build -c release --product tern-bench --product tern
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=$ROOT/.build/release/tern-bench
TERN=${TERN_BINARY:-$ROOT/.build/release/tern}  # TERN_BINARY: another build (A/B runs)
REPS=3; DUR=10; ONLY=""; OUT=""; QUICK=0; EXEC=""; MEMKEYS=0; MEMSYS="etcd tern"
while getopts "r:d:s:o:qx:m:y:" o; do case $o in r) REPS=$OPTARG;; d) DUR=$OPTARG;; s) ONLY=$OPTARG;; o) OUT=$OPTARG;; q) QUICK=1;; x) EXEC=$OPTARG;; m) MEMKEYS=$OPTARG;; y) MEMSYS=$OPTARG;; *) exit 2;; esac; done
[ $QUICK = 1 ] && { REPS=1; DUR=2; }
[ -x "$BENCH" ] && [ -x "$TERN" ] || { echo "build first: swift build -c release --product tern-bench --product tern" >&2; exit 2; }
if ! command -v etcd >/dev/null; then
  echo "installing etcd-server from Debian" >&2
  apt-get install -y etcd-server >/dev/null || { echo "cannot install etcd-server" >&2; exit 2; }
fi

WORK=$(mktemp -d /tmp/tern-compare.XXXXXX)
[ -n "$OUT" ] || OUT=$WORK/results.txt
PIDS_ETCD=""; PIDS_TERN=""
cleanup() {
  for p in $PIDS_ETCD $PIDS_TERN; do kill "$p" 2>/dev/null; done
  for p in $PIDS_ETCD $PIDS_TERN; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  rm -rf "$WORK/etcd" "$WORK/tern"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports: random ports below the kernel's ephemeral range (so no outgoing connection
# can hold one) that nothing listens on.
used_ports=" "
EPH_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
  local p
  for _ in $(seq 200); do
    p=$(( (RANDOM % (EPH_LOW - 12000)) + 11000 ))
    case "$used_ports" in *" $p "*) continue;; esac
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then used_ports="$used_ports$p "; echo $p; return; fi
  done
  echo "no free port" >&2; exit 2
}

# --- etcd: three members ---
mkdir -p "$WORK/etcd" "$WORK/tern"
declare -a EC EP
for i in 1 2 3; do EC[$i]=$(free_port); EP[$i]=$(free_port); done
INITIAL="e1=http://127.0.0.1:${EP[1]},e2=http://127.0.0.1:${EP[2]},e3=http://127.0.0.1:${EP[3]}"
for i in 1 2 3; do
  etcd --name e$i --data-dir "$WORK/etcd/e$i" \
    --listen-client-urls http://127.0.0.1:${EC[$i]} --advertise-client-urls http://127.0.0.1:${EC[$i]} \
    --listen-peer-urls http://127.0.0.1:${EP[$i]} --initial-advertise-peer-urls http://127.0.0.1:${EP[$i]} \
    --initial-cluster "$INITIAL" --initial-cluster-state new --initial-cluster-token tern-compare \
    --logger zap --log-outputs stderr --log-level warn > "$WORK/etcd-e$i.log" 2>&1 &
  disown $!
  PIDS_ETCD="$PIDS_ETCD $!"
done
ETCD_EPS="http://127.0.0.1:${EC[1]},http://127.0.0.1:${EC[2]},http://127.0.0.1:${EC[3]}"

# --- Tern: three members ---
{
  echo "[cluster]"; echo "name = tern-compare"; echo "data-dir = tern"
  for i in 1 2 3; do
    echo "[member n$i]"; echo "client = 127.0.0.1:$(free_port)"; echo "peer = 127.0.0.1:$(free_port)"; echo "api = 127.0.0.1:$(free_port)"
  done
} > "$WORK/cluster.conf"
for i in 1 2 3; do
  "$TERN" server --config "$WORK/cluster.conf" --name n$i --log-level warning ${TERN_EXTRA_ARGS:-} > "$WORK/tern-n$i.log" 2>&1 &
  disown $!
  PIDS_TERN="$PIDS_TERN $!"
done
TERN_EPS=$(awk '/^client = /{printf "%shttp://%s", sep, $3; sep=","}' "$WORK/cluster.conf")

# Wait (bounded) until each cluster accepts a put on every endpoint.
ready() {
  local eps=$1 e ok
  for _ in $(seq 100); do
    ok=1
    for e in ${eps//,/ }; do
      curl -s -m 2 -X POST "$e/v3/kv/put" -d '{"key":"cmVhZHk=","value":"MQ=="}' | grep -q '"header"' || ok=0
    done
    [ $ok = 1 ] && return 0
    sleep 0.3
  done
  return 1
}
ready "$ETCD_EPS" || { echo "etcd did not start:"; tail -n 5 "$WORK"/etcd-e*.log; exit 1; }
ready "$TERN_EPS" || { echo "tern did not start:"; tail -n 5 "$WORK"/tern-n*.log; exit 1; }

if [ -n "$EXEC" ]; then
  ETCD_PIDS=$(echo $PIDS_ETCD | tr ' ' ,); TERN_PIDS=$(echo $PIDS_TERN | tr ' ' ,)
  export ETCD_EPS TERN_EPS ETCD_PIDS TERN_PIDS
  bash -c "$EXEC"
  exit $?
fi

# Compact each cluster to its current revision after a run, so history does not pile up.
compact() {
  local first=${1%%,*} rev
  rev=$(curl -s -m 5 -X POST "$first/v3/kv/range" -d '{"key":"AA=="}' | sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')
  [ -n "$rev" ] && curl -s -m 60 -X POST "$first/v3/kv/compaction" -d "{\"revision\":$rev}" >/dev/null
}

rss() { local p t=""; for p in $1; do t="$t $(awk '/^VmRSS/{printf "%.0f", $2/1024}' /proc/$p/status 2>/dev/null)"; done; echo $t; }
# Per member: VmRSS/VmHWM/RssAnon in MiB.
mem() { local p t=""; for p in $1; do t="$t $(awk '/^VmRSS/{r=$2} /^VmHWM/{h=$2} /^RssAnon/{a=$2} END{printf "%.0f/%.0f/%.0f", r/1024, h/1024, a/1024}' /proc/$p/status 2>/dev/null)"; done; echo $t; }
if [ "$MEMKEYS" -gt 0 ]; then
  for sys in $MEMSYS; do
    if [ $sys = etcd ]; then eps=$ETCD_EPS; pids=$PIDS_ETCD; else eps=$TERN_EPS; pids=$PIDS_TERN; fi
    echo "# $sys RSS MiB before: $(rss "$pids")" | tee -a "$OUT"
    "$BENCH" put --endpoints "$eps" --conns 64 --requests "$MEMKEYS" --key-space "$MEMKEYS" --duration 1800 \
      --prefix m/ --label "$sys" --pids "$(echo $pids | tr ' ' ,)" | tee -a "$OUT"
    compact "$eps"; sleep 5
    keys=$(curl -s -m 60 -X POST "${eps%%,*}/v3/kv/range" -d '{"key":"bS8=","range_end":"bTA=","count_only":true,"serializable":true}' | sed -n 's/.*"count":"\([0-9]*\)".*/\1/p')
    echo "# $sys keys stored under m/: $keys" | tee -a "$OUT"
    echo "# $sys RSS MiB after $MEMKEYS keys of 256 bytes (compacted): $(rss "$pids")" | tee -a "$OUT"
    echo "# $sys VmRSS/VmHWM/RssAnon MiB per member: $(mem "$pids")" | tee -a "$OUT"
  done
  exit 0
fi

# MATRIX: id | tern-bench arguments (endpoints, --pids, --duration and --label are added).
# Watch writers are rate-limited so the event stream (puts/s x watchers) stays within what one
# client thread can decode; the watcher count, writer rate and expected events are in each line.
# Each watcher has its own HTTP stream (up to 1,000 streams), except watch-1000-s100: 10 watchers per
# stream, the layout of etcd's own benchmark tool (streams x watchers per stream).
MATRIX=$(cat <<EOF
put-1|put --conns 1
put-16|put --conns 16
put-64|put --conns 64
put-256|put --conns 256
range-1|range --conns 1
range-16|range --conns 16
range-64|range --conns 64
range-256|range --conns 256
srange-16|range --serializable --conns 16
srange-64|range --serializable --conns 64
srange-256|range --serializable --conns 256
txn-16|txn --conns 16
lease-16|lease --conns 16
watch-1|watch --watchers 1 --conns 64
watch-100|watch --watchers 100 --conns 64 --rate 2000
watch-1000|watch --watchers 1000 --conns 64 --rate 1000
watch-1000-s100|watch --watchers 1000 --watch-conns 100 --conns 64 --rate 1000
watch-10000|watch --watchers 10000 --conns 64 --rate 100
watch-10000-1k|watch --watchers 10000 --conns 64 --rate 1000
wlat-1000|watch-latency --watchers 1000 --conns 64 --rate 1000
catchup-100|watch-catchup --watchers 100 --conns 16 --catchup-keys 10000
EOF
)
if [ $QUICK = 1 ]; then
  MATRIX=$(cat <<EOF
put-16|put --conns 16
range-16|range --conns 16
srange-16|range --serializable --conns 16
txn-4|txn --conns 4
lease-4|lease --conns 4
watch-10|watch --watchers 10 --conns 8 --rate 500 --drain 3
wlat-10|watch-latency --watchers 10 --conns 8 --rate 200 --drain 3
catchup-10|watch-catchup --watchers 10 --conns 4 --catchup-keys 500 --drain 3
EOF
)
fi

echo "# compare.sh $(date -u -Is) reps=$REPS duration=${DUR}s host=$(hostname) cores=$(nproc) etcd=$(etcd --version | head -1 | awk '{print $3}') tern=$(git rev-parse --short HEAD)" | tee -a "$OUT"
echo "# etcd $ETCD_EPS pids$PIDS_ETCD; tern $TERN_EPS pids$PIDS_TERN; raw results in $OUT" | tee -a "$OUT"
# CPU ticks (1/100 s) used so far by every member of both clusters.
ticks() { local p s=0 t; for p in $PIDS_ETCD $PIDS_TERN; do t=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null); s=$((s + ${t:-0})); done; echo $s; }
# Waits (at most 60 s) until both clusters are idle: under 0.2 cores in all over half a second. A
# system still working off the previous run (etcd's watch streams end a run seconds behind, and
# compaction follows every run) must not take the CPU from the next run, whichever system it is.
# Prints the seconds waited.
settle() {
  local t0=$SECONDS a b
  while [ $((SECONDS - t0)) -lt 60 ]; do
    a=$(ticks); sleep 0.5; b=$(ticks)
    [ $((b - a)) -le 10 ] && break
  done
  echo $((SECONDS - t0))
}
run_one() {  # system id args rep
  local sys=$1 id=$2 args=$3 rep=$4 eps pids line waited
  if [ "$sys" = etcd ]; then eps=$ETCD_EPS; pids=$PIDS_ETCD; else eps=$TERN_EPS; pids=$PIDS_TERN; fi
  pids=$(echo $pids | tr ' ' ,)
  waited=$(settle)
  # shellcheck disable=SC2086
  line=$(timeout $((DUR * 4 + 120)) "$BENCH" $args --endpoints "$eps" --pids "$pids" --duration "$DUR" \
           --prefix "b/$rep/$id/" --label "$sys" 2>&1 | grep '^RESULT' | tail -1)
  [ -n "$line" ] || line="RESULT scenario=$id label=$sys first_error=no-output"
  echo "$line id=$id rep=$rep load1=$(cut -d' ' -f1 /proc/loadavg) settle_s=$waited" | tee -a "$OUT"
  compact "$eps"
}
for rep in $(seq "$REPS"); do
  while IFS='|' read -r id args; do
    [ -z "$ONLY" ] || case " $ONLY " in *" $id "*) ;; *) continue;; esac
    if [ $((rep % 2)) = 1 ]; then order="etcd tern"; else order="tern etcd"; fi
    for sys in $order; do run_one "$sys" "$id" "$args" "$rep"; done
  done <<< "$MATRIX"
done

# Resident memory of each member at the end (MiB).
echo "# RSS MiB per member at the end: etcd$(echo " $(rss "$PIDS_ETCD")") tern$(echo " $(rss "$PIDS_TERN")")" | tee -a "$OUT"

# Table of medians: the headline figure per scenario, its p99, and the ratio Tern/etcd.
echo
awk -v out="$OUT" '
function med(list,   n, a, i, j, t) { n = split(list, a, " "); if (n == 0) return "";
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
  return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
/^RESULT/ {
  delete f; for (i = 2; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); f[k] = v }
  id = f["id"]; sys = f["label"]; if (!(id in seen)) { seen[id] = 1; order[++n] = id }
  if (id ~ /^(watch|wlat)/) { m = f["events_per_s"]; p = (id ~ /^wlat/) ? f["ack_to_event_p99_ms"] : f["put_to_event_p99_ms"]; x = f["missing"] }
  else if (id ~ /^catchup/) { m = f["get_rps"]; p = f["get_p99_ms"]; x = f["catchup_s"] }
  else { m = f["rps"]; p = f["p99_ms"]; x = f["err"] }
  M[id, sys] = M[id, sys] " " m; P[id, sys] = P[id, sys] " " p; X[id, sys] = X[id, sys] " " x
  if (f["client_bound"] == "YES") CB[id, sys]++
  if (f["server_cores"] != "") S[id, sys] = S[id, sys] " " f["server_cores"]
}
END {
  printf "%-12s %-10s %11s %11s %7s %10s %10s %8s %8s %9s %9s\n", "scenario", "metric", "etcd", "tern", "t/e", "etcd_p99", "tern_p99", "e_cores", "t_cores", "e_extra", "t_extra"
  for (k = 1; k <= n; k++) { id = order[k]
    metric = (id ~ /^(watch|wlat)/) ? "events/s" : (id ~ /^catchup/) ? "get/s" : "req/s"
    e = med(M[id, "etcd"]); t = med(M[id, "tern"]); r = (e + 0 > 0) ? sprintf("%.2f", t / e) : "-"
    flag = ((id, "etcd") in CB || (id, "tern") in CB) ? " client>0.5core" : ""
    printf "%-12s %-10s %11.0f %11.0f %7s %10.1f %10.1f %8.2f %8.2f %9s %9s%s\n", id, metric, e, t, r, med(P[id, "etcd"]), med(P[id, "tern"]), med(S[id, "etcd"]), med(S[id, "tern"]), med(X[id, "etcd"]), med(X[id, "tern"]), flag }
  print "p99 in ms (put/range: request; watch: put-issued-to-event; wlat: put-response-to-event; catchup: serializable get)."
  print "extra: put/range/txn/lease = errors; watch/wlat = missing events; catchup = seconds until all watchers caught up."
  print "cores = server CPU (all three members) per second of the run. Medians of the repetitions."
}' "$OUT" | tee -a "$OUT.table"
echo "(table also in $OUT.table)"
