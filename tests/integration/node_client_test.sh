#!/usr/bin/env bash
# The official JavaScript client (@kubernetes/client-node, pinned by tests/clients/node/package-lock.json)
# through the aggregation layer: kubelet-farm -> metrics-server <- fake-apiserver --aggregate-metrics <-
# new k8s.Metrics(kc). The checks are in tests/clients/node/metrics_check.mjs; npm installs the client
# under the build tree once per lock file.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
command -v node >/dev/null || fail "node is needed for the @kubernetes/client-node test"
command -v npm >/dev/null || fail "npm is needed to install @kubernetes/client-node (from tests/clients/node/package-lock.json)"

# The script runs beside its node_modules: ES modules resolve packages from their own directory.
client=$build/test-cache/client-node
mkdir -p "$client"
cp "$src/tests/clients/node/package.json" "$src/tests/clients/node/package-lock.json" \
  "$src/tests/clients/node/metrics_check.mjs" "$client/"
lock_hash=$(cat "$client/package.json" "$client/package-lock.json" | sha256sum | cut -d' ' -f1)
if [[ $(cat "$client/node_modules/.mpf-lock-hash" 2>/dev/null) != "$lock_hash" ]]; then
  rm -rf "$client/node_modules"
  (cd "$client" && npm ci --no-audit --no-fund) >"$MPF_TMP/npm.log" 2>&1 \
    || fail "npm ci for @kubernetes/client-node failed: $(tail -20 "$MPF_TMP/npm.log")"
  echo "$lock_hash" >"$client/node_modules/.mpf-lock-hash"
  pass "npm ci installed $(cd "$client" && node -p 'require("@kubernetes/client-node/package.json").version' 2>/dev/null)"
fi
version=$(cd "$client" && node -p 'require("./node_modules/@kubernetes/client-node/package.json").version') \
  || fail "@kubernetes/client-node is not installed in $client"

start_aggregated_stack "$build" node-client-token --nodes 3 --pods-per-node 4 --seed 31
pass "the aggregator proxies /apis/metrics.k8s.io/v1beta1/{nodes,pods}"

(cd "$client" && node metrics_check.mjs "$MPF_TMP/kubeconfig" "$MPF_TMP/expect.json") \
  || fail "@kubernetes/client-node $version: see above; fake-apiserver log: $(tail -5 "$MPF_TMP/api.log")"
pass "@kubernetes/client-node $version: Metrics and topPods on metrics.k8s.io/v1beta1"

kill -TERM "$ms_pid"
wait "$ms_pid" || fail "metrics-server did not exit 0 on SIGTERM"
(cd "$client" && node metrics_check.mjs "$MPF_TMP/kubeconfig" "$MPF_TMP/expect.json" --unavailable) \
  || fail "@kubernetes/client-node $version without metrics-server"
pass "@kubernetes/client-node $version: metrics-server down is an ApiException 503"
