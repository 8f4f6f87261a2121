#!/usr/bin/env bash
# The whole pipeline on real processes: simulated kubelets (kubelet-farm) -> kubelet_resource source ->
# rates processor -> debug sink. Every healthy node's CPU rate (to 1 µcore) and memory (exactly) must equal
# the farm's ground truth; a hung node and a 500 node fail with their reasons without disturbing the others.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
bin=$build/bin/metrics-server
farm=$build/bin/kubelet-farm

start_farm "$farm" --nodes 5 --pods-per-node 6 --plain-http --stats-interval-ms 0 \
  --fault-nodes hang:node-00004 --fault-nodes 500:node-00005 --expect-file "$MPF_TMP/expect.json"

nodes=""
for i in 1 2 3 4 5; do nodes+="        - {name: node-0000$i, address: 127.1.0.$i}"$'\n'; done
cat >"$MPF_TMP/config.yaml" <<YAML
global: {resolution: 1s, scrape_timeout: 700ms, max_jitter: 0s}
sources:
  - plugin: kubelet_resource
    options:
      port: $port
      plain_http: true
      nodes:
$nodes
processors: [{plugin: rates}]
sinks: [{plugin: debug, options: {verbosity: detailed, output: stdout}}]
YAML
"$bin" --config "$MPF_TMP/config.yaml" >"$MPF_TMP/out.txt" 2>"$MPF_TMP/log.txt" &
pid=$!
MPF_PIDS+=("$pid")
wait_for "grep -q '^cycle=3 ' '$MPF_TMP/out.txt'" 30 || fail "no third cycle: $(tail -5 "$MPF_TMP/log.txt")"
kill -TERM "$pid"
wait "$pid" || fail "metrics-server did not exit 0 on SIGTERM"

# The last cycle's lines, from its summary line on.
last=$(awk '/^cycle=/{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$MPF_TMP/out.txt")
expect_contains "summary" "$last" "targets=5 failed=2 samples=36 nodes=3 pods=18 containers=36"
for i in 1 2 3; do
  node=node-0000$i
  truth=$(grep -o "\"name\":\"$node\",\"address\":\"[^\"]*\",\"fault\":\"none\",\"cpu_nanocores\":[0-9]*,\"memory_bytes\":[0-9]*" \
    "$MPF_TMP/expect.json")
  cpu=$(sed 's/.*"cpu_nanocores":\([0-9]*\).*/\1/' <<<"$truth")
  memory=$(sed 's/.*"memory_bytes":\([0-9]*\).*/\1/' <<<"$truth")
  [[ -n "$cpu" && -n "$memory" ]] || fail "no ground truth for $node"
  line=$(grep "^node=$node " <<<"$last") || fail "$node not served: $last"
  got_cpu=$(sed 's/.*cpu_nanocores=\([0-9]*\).*/\1/' <<<"$line")
  got_memory=$(sed 's/.*memory_bytes=\([0-9]*\).*/\1/' <<<"$line")
  # Cumulative CPU travels as float64 seconds (kubelet's format), so each sample may be off by a few ns
  # after ×1e9; over a ~1 s window that is a few nanocores. Allow 1 µcore, far below kubectl's 1m unit.
  diff=$((got_cpu - cpu))
  ((diff <= 1000 && diff >= -1000)) || fail "$node: cpu_nanocores $got_cpu, farm's rate $cpu"
  ((got_memory == memory)) || fail "$node: memory $got_memory, farm's $memory"
done
expect_contains "hung node" "$last" "target=node-00004 reason=timeout"
expect_contains "500 node" "$last" "target=node-00005 reason=http_status"
pass "healthy nodes' CPU (within 1 µcore) and memory (exactly) equal the farm's; faulty nodes fail with their reasons"
