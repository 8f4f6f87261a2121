#!/usr/bin/env bash
# The Metrics API end to end: kubelet-farm -> kubelet_resource (nodes from the fake kube-apiserver) ->
# rates -> metrics_api sink, read over HTTPS with curl and with the real kubectl. Every node must be
# listed with the farm's CPU (to 1 µcore) and memory (exactly); every Running pod of the model is served.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
bin=$build/bin/metrics-server
farm=$build/bin/kubelet-farm
apiserver=$build/bin/fake-apiserver
token=metrics-api-e2e-token
model=(--nodes 3 --pods-per-node 2 --seed 11)

start_farm "$farm" "${model[@]}" --stats-interval-ms 0 --require-token "$token" \
  --ca-file "$MPF_TMP/kubelet-ca.pem" --expect-file "$MPF_TMP/expect.json"

"$apiserver" "${model[@]}" --kubelet-port "$port" --token "$token" --kubeconfig-out "$MPF_TMP/kubeconfig" \
  --ca-file "$MPF_TMP/apiserver-ca.pem" --ready-file "$MPF_TMP/api-ready" >"$MPF_TMP/api.log" 2>&1 &
MPF_PIDS+=("$!")
wait_for "[[ -f '$MPF_TMP/api-ready' ]]" 20 || fail "fake-apiserver did not start: $(cat "$MPF_TMP/api.log")"

# Our own HTTPS port: a random free one (port 0 could not be told to this script).
api_port=""
for attempt in 1 2 3 4 5; do
  api_port=$((20000 + RANDOM % 12000))
  write_metrics_api_config "$api_port"
  start_metrics_server "$bin" && break
done
grep -q 'Serving the Metrics API' "$MPF_TMP/log.txt" || fail "metrics_api did not serve: $(tail -5 "$MPF_TMP/log.txt")"

base=https://127.0.0.1:$api_port/apis/metrics.k8s.io/v1beta1
nodes_json() { curl -sS --max-time 10 --cacert "$MPF_TMP/certs/apiserver.crt" -A test "$base/nodes"; }
wait_for "[[ \$(curl -s --cacert '$MPF_TMP/certs/apiserver.crt' '$base/nodes' | grep -c '\"name\": \"node-') == 3 ]]" 30 \
  || fail "not every node listed: $(nodes_json) $(tail -5 "$MPF_TMP/log.txt")"

# Quantity strings back to integers: "116246336n", "5m", "1500u", "2" and "1578392Ki", "50Mi", "1k".
cpu_nanocores() {
  local q=$1
  case $q in
    *n) echo "${q%n}" ;; *u) echo $((${q%u} * 1000)) ;; *m) echo $((${q%m} * 1000000)) ;; *) echo $((q * 1000000000)) ;;
  esac
}
memory_bytes() {
  local q=$1
  case $q in
    *Ki) echo $((${q%Ki} * 1024)) ;; *Mi) echo $((${q%Mi} * 1048576)) ;; *Gi) echo $((${q%Gi} * 1073741824)) ;;
    *k) echo $((${q%k} * 1000)) ;; *) echo "$q" ;;
  esac
}

check_nodes() {
  local label=$1 body=$2 i node truth cpu memory item got_cpu got_memory diff
  expect_contains "$label kind" "$body" '"kind":"NodeMetricsList","apiVersion":"metrics.k8s.io/v1beta1"'
  for i in 1 2 3; do
    node=node-0000$i
    truth=$(grep -o "\"name\":\"$node\",\"address\":\"[^\"]*\",\"fault\":\"none\",\"cpu_nanocores\":[0-9]*,\"memory_bytes\":[0-9]*" \
      "$MPF_TMP/expect.json")
    cpu=$(sed 's/.*"cpu_nanocores":\([0-9]*\).*/\1/' <<<"$truth")
    memory=$(sed 's/.*"memory_bytes":\([0-9]*\).*/\1/' <<<"$truth")
    [[ -n "$cpu" && -n "$memory" ]] || fail "no ground truth for $node"
    # One item per line, then the node's line.
    item=$(sed 's/{"metadata":/\n/g' <<<"$body" | grep "^{\"name\":\"$node\"") || fail "$label: $node not listed: $body"
    got_cpu=$(cpu_nanocores "$(sed 's/.*"cpu":"\([^"]*\)".*/\1/' <<<"$item")")
    got_memory=$(memory_bytes "$(sed 's/.*"memory":"\([^"]*\)".*/\1/' <<<"$item")")
    diff=$((got_cpu - cpu))
    ((diff <= 1000 && diff >= -1000)) || fail "$label: $node cpu $got_cpu nanocores, farm's rate $cpu"
    ((got_memory == memory)) || fail "$label: $node memory $got_memory, farm's $memory"
  done
}
check_nodes curl "$(nodes_json)"
pass "curl: every node listed with the farm's CPU and memory"

pods=$(curl -sS --max-time 10 --cacert "$MPF_TMP/certs/apiserver.crt" -A test "$base/pods")
(( $(grep -o '"containers":\[' <<<"$pods" | wc -l) == 6 )) || fail "expected 6 pods: $pods"
pass "curl: every Running pod listed"

ready=$(curl -sS --max-time 10 --cacert "$MPF_TMP/certs/apiserver.crt" "https://127.0.0.1:$api_port/readyz")
[[ "$ready" == ok ]] || fail "/readyz once metrics are served: $ready"
pass "curl: /readyz is ok once metrics are served"

# The host's own /metrics and /version, on the same port.
self=$(curl -sS --max-time 10 --cacert "$MPF_TMP/certs/apiserver.crt" "https://127.0.0.1:$api_port/metrics")
expect_contains "/metrics" "$self" 'mpf_scrape_total{'
expect_contains "/version" "$(curl -sS --max-time 10 --cacert "$MPF_TMP/certs/apiserver.crt" \
  "https://127.0.0.1:$api_port/version")" '"gitVersion":"v'
pass "curl: /metrics has the host's self-metrics and /version its gitVersion"

# metrics-server's own families, with its types and HELP texts: exactly the six its e2e test expects.
families=$(grep -o '^# TYPE metrics_server_[a-z_]*' <<<"$self" | awk '{print $3}' | sort | tr '\n' ' ')
expected_families="metrics_server_api_metric_freshness_seconds metrics_server_kubelet_last_request_time_seconds \
metrics_server_kubelet_request_duration_seconds metrics_server_kubelet_request_total \
metrics_server_manager_tick_duration_seconds metrics_server_storage_points "
[[ "$families" == "$expected_families" ]] || fail "metrics_server_* families: got '$families'"
for family in 'metrics_server_api_metric_freshness_seconds histogram' \
  'metrics_server_kubelet_last_request_time_seconds gauge' \
  'metrics_server_kubelet_request_duration_seconds histogram' 'metrics_server_kubelet_request_total counter' \
  'metrics_server_manager_tick_duration_seconds histogram' 'metrics_server_storage_points gauge'; do
  expect_contains "/metrics TYPE" "$self" "# TYPE $family"$'\n'
done
expect_contains "/metrics HELP" "$self" \
  '# HELP metrics_server_kubelet_request_total [ALPHA] Number of requests sent to Kubelet API'
expect_contains "/metrics HELP" "$self" \
  '# HELP metrics_server_manager_tick_duration_seconds [ALPHA] The total time spent collecting and storing metrics in seconds.'
expect_contains "/metrics requests" "$self" 'metrics_server_kubelet_request_total{success="true"} '
expect_contains "/metrics per node" "$self" 'metrics_server_kubelet_request_duration_seconds_bucket{node="node-'
expect_contains "/metrics per node" "$self" 'metrics_server_kubelet_last_request_time_seconds{node="node-'
# Every node has a rate by now (the Metrics API lists all three).
expect_contains "/metrics storage" "$self" 'metrics_server_storage_points{type="node"} 3'$'\n'
pass "curl: /metrics has metrics-server's kubelet, manager and storage families"

# The real kubectl, through a kubeconfig pointing at our server and its CA, with the fake apiserver's
# token: metrics-server checks it with a TokenReview (a made-up token is refused, 401).
cat >"$MPF_TMP/kubectl.yaml" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: mpf, cluster: {server: "https://127.0.0.1:$api_port", certificate-authority: "$MPF_TMP/certs/apiserver.crt"}}]
users: [{name: admin, user: {token: "$token"}}]
contexts: [{name: mpf, context: {cluster: mpf, user: admin}}]
current-context: mpf
YAML
raw=$(kubectl --kubeconfig "$MPF_TMP/kubectl.yaml" get --raw /apis/metrics.k8s.io/v1beta1/nodes 2>&1) \
  || fail "kubectl get --raw failed: $raw"
check_nodes kubectl "$raw"
sed -i "s/token: \"$token\"/token: \"made-up\"/" "$MPF_TMP/kubectl.yaml"
raw=$(kubectl --kubeconfig "$MPF_TMP/kubectl.yaml" get --raw /apis/metrics.k8s.io/v1beta1/nodes 2>&1) \
  && fail "kubectl with a made-up token was served: $raw"
expect_contains "kubectl with a made-up token" "$raw" "Unauthorized"
pass "kubectl get --raw: every node listed with the farm's CPU and memory (token reviewed; a made-up one is 401)"

kill -TERM "$ms_pid"
wait "$ms_pid" || fail "metrics-server did not exit 0 on SIGTERM"
