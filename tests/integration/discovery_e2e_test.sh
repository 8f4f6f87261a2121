#!/usr/bin/env bash
# Node discovery end to end, as a cluster runs metrics-server: nodes come from the (fake) kube-apiserver
# through --kubeconfig, the kubelet port from each Node's status (--kubelet-use-node-status-port), and
# kubelets are called with the API server identity (the kubeconfig's token; the farm refuses any other)
# over TLS verified with the kubelet CA. A node selector keeps the batch pool out; a node deleted from
# the API server stops being scraped without a restart.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
bin=$build/bin/metrics-server
farm=$build/bin/kubelet-farm
apiserver=$build/bin/fake-apiserver
token=discovery-e2e-token
model=(--nodes 8 --pods-per-node 3 --seed 7)

start_farm "$farm" "${model[@]}" --stats-interval-ms 0 --require-token "$token" \
  --ca-file "$MPF_TMP/kubelet-ca.pem" --fault-nodes 500:node-00002

# The API server says every kubelet listens on the farm's port; metrics-server's own default (10250)
# would find nothing there.
"$apiserver" "${model[@]}" --kubelet-port "$port" --token "$token" --kubeconfig-out "$MPF_TMP/kubeconfig" \
  --ca-file "$MPF_TMP/apiserver-ca.pem" --ready-file "$MPF_TMP/api-ready" >"$MPF_TMP/api.log" 2>&1 &
MPF_PIDS+=("$!")
wait_for "[[ -f '$MPF_TMP/api-ready' ]]" 20 || fail "fake-apiserver did not start: $(cat "$MPF_TMP/api.log")"
api_url=$(sed -n 's/^url=//p' "$MPF_TMP/api-ready")

cat >"$MPF_TMP/config.yaml" <<YAML
global: {resolution: 1s, scrape_timeout: 700ms, max_jitter: 0s}
sources:
  - plugin: kubelet_resource
    options:
      kubeconfig: $MPF_TMP/kubeconfig
      use_node_status_port: true
      preferred_address_types: [InternalIP]
      ca_file: $MPF_TMP/kubelet-ca.pem
      node_selector: sim.mpf.io/pool!=batch
processors: [{plugin: rates}]
sinks: [{plugin: debug, options: {verbosity: detailed, output: stdout}}]
YAML
"$bin" --config "$MPF_TMP/config.yaml" >"$MPF_TMP/out.txt" 2>"$MPF_TMP/log.txt" &
pid=$!
MPF_PIDS+=("$pid")
wait_for "grep -q '^cycle=3 ' '$MPF_TMP/out.txt'" 30 || fail "no third cycle: $(tail -5 "$MPF_TMP/log.txt")"

# Every 4th node (node-00004, node-00008) is in the batch pool: 6 of 8 nodes are targets; node-00002
# answers 500; the other 5 are served with their pods.
last_cycle() { awk '/^cycle=/{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$MPF_TMP/out.txt"; }
last=$(last_cycle)
expect_contains "summary" "$last" "targets=6 failed=1 samples=30 nodes=5 pods=15"
expect_contains "500 node" "$last" "target=node-00002 reason=http_status"
for n in 4 8; do
  [[ "$last" != *"node-0000$n"* ]] || fail "node-0000$n is in the batch pool and must not be scraped: $last"
done
pass "nodes discovered from the API server, port from node status, token from the kubeconfig, selector applied"

# Deleting a node from the API server removes its target within a cycle or two.
curl -sf -X POST --cacert "$MPF_TMP/apiserver-ca.pem" -H "Authorization: Bearer $token" \
  "$api_url/fake/delete-node?name=node-00003" >/dev/null || fail "could not delete node-00003"
export before; before=$(grep -c '^cycle=' "$MPF_TMP/out.txt")
wait_for "(( \$(grep -c '^cycle=' '$MPF_TMP/out.txt') >= before + 3 ))" 20 || fail "cycles stopped"
last=$(last_cycle)
expect_contains "summary after delete" "$last" "targets=5 failed=1 samples=24 nodes=4 pods=12"
[[ "$last" != *"node-00003"* ]] || fail "node-00003 was deleted and must not be scraped: $last"
kill -TERM "$pid"
wait "$pid" || fail "metrics-server did not exit 0 on SIGTERM"
grep -q "Listed from the kube-apiserver" "$MPF_TMP/log.txt" || fail "no discovery log line: $(cat "$MPF_TMP/log.txt")"
pass "a node deleted from the API server stops being scraped without a restart"
