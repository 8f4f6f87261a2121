# Shared helpers for the integration scripts: failure reporting and process cleanup.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# expect_contains <file-or-text-label> <haystack> <needle>
expect_contains() {
  local label=$1 haystack=$2 needle=$3
  [[ "$haystack" == *"$needle"* ]] || fail "$label: expected to contain <$needle>, got:
$haystack"
}

# Waits up to $2 seconds for command $1 (a string for bash -c) to succeed.
wait_for() {
  local cmd=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    if bash -c "$cmd" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

# start_farm BINARY ARGS...: starts kubelet-farm on a random free loopback port with ARGS (retrying on
# a taken port) and sets `port`. Ready file $MPF_TMP/farm-ready, log $MPF_TMP/farm.log.
start_farm() {
  local binary=$1 attempt
  shift
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 12000))
    rm -f "$MPF_TMP/farm-ready"
    "$binary" "$@" --port "$port" --ready-file "$MPF_TMP/farm-ready" >"$MPF_TMP/farm.log" 2>&1 &
    MPF_PIDS+=("$!")
    wait_for "[[ -f '$MPF_TMP/farm-ready' ]]" 20 && return 0
  done
  fail "kubelet-farm did not start: $(cat "$MPF_TMP/farm.log")"
}

# write_metrics_api_config PORT [KUBECONFIG]: $MPF_TMP/config.yaml for metrics-server's own chain against
# the simulators: kubelets found through KUBECONFIG (default $MPF_TMP/kubeconfig; port from node status,
# kubelet CA $MPF_TMP/kubelet-ca.pem) -> rates -> metrics_api on 127.0.0.1:PORT with certificates in
# $MPF_TMP/certs, authenticating and authorizing its clients through the same API server (delegated).
write_metrics_api_config() {
  local kubeconfig=${2:-$MPF_TMP/kubeconfig}
  cat >"$MPF_TMP/config.yaml" <<YAML
global: {resolution: 1s, scrape_timeout: 700ms, max_jitter: 0s}
sources:
  - plugin: kubelet_resource
    options:
      kubeconfig: $kubeconfig
      use_node_status_port: true
      preferred_address_types: [InternalIP]
      ca_file: $MPF_TMP/kubelet-ca.pem
processors: [{plugin: rates}]
sinks:
  - plugin: metrics_api
    options:
      bind_address: 127.0.0.1
      secure_port: $1
      cert_dir: $MPF_TMP/certs
      kubeconfig: $kubeconfig
YAML
}

# start_metrics_server BINARY: runs BINARY --config $MPF_TMP/config.yaml (stdout out.txt, stderr log.txt),
# sets `ms_pid`, and succeeds once it serves the Metrics API (killing it otherwise, e.g. a taken port).
start_metrics_server() {
  "$1" --config "$MPF_TMP/config.yaml" >"$MPF_TMP/out.txt" 2>"$MPF_TMP/log.txt" &
  ms_pid=$!
  MPF_PIDS+=("$ms_pid")
  wait_for "grep -q 'Serving the Metrics API' '$MPF_TMP/log.txt'" 20 && return 0
  kill "$ms_pid" 2>/dev/null || true
  return 1
}

MPF_PIDS=()
MPF_TMP=$(mktemp -d)
MPF_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cleanup() {
  local pid i
  for pid in "${MPF_PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  # Processes write their last files while they exit (fake-apiserver's RBAC usage, say): wait for them
  # (5 s at most each) before removing the directory, and never fail the test over the removal.
  for pid in "${MPF_PIDS[@]:-}"; do
    for ((i = 0; i < 50; i++)); do
      [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  rm -rf "$MPF_TMP" 2>/dev/null || { sleep 0.5; rm -rf "$MPF_TMP" 2>/dev/null; } || true
}
trap cleanup EXIT

# apiserver_get PATH: GET PATH from the fake apiserver started by start_aggregated_stack, with its token
# and CA (no client involved, so any test can wait on or inspect the aggregator).
apiserver_get() {
  curl -sS --fail --max-time 5 --cacert "$MPF_TMP/apiserver-ca.pem" -H "Authorization: Bearer $MPF_TOKEN" \
    "https://127.0.0.1:$apiserver_port$1"
}

# write_test_users: $MPF_TMP/users.yaml for fake-apiserver --users, with a random token per user, exported
# as MS_TOKEN (metrics-server's ServiceAccount, system:serviceaccount:kube-system:metrics-server),
# VIEWER_TOKEN (viewer: view + node-reader), TEAM_A_TOKEN (team-a-viewer: view in team-a only) and
# NOBODY_TOKEN (nobody: no role). Roles: deploy/kubernetes/rbac.yaml and tests/integration/fixtures/cluster-rbac.yaml.
write_test_users() {
  MS_TOKEN=ms-$RANDOM$RANDOM VIEWER_TOKEN=viewer-$RANDOM$RANDOM TEAM_A_TOKEN=team-a-$RANDOM$RANDOM
  NOBODY_TOKEN=nobody-$RANDOM$RANDOM
  cat >"$MPF_TMP/users.yaml" <<YAML
users:
  - {token: $MS_TOKEN, username: "system:serviceaccount:kube-system:metrics-server", uid: "ms-uid"}
  - {token: $VIEWER_TOKEN, username: viewer, groups: [test-viewers]}
  - {token: $TEAM_A_TOKEN, username: team-a-viewer}
  - {token: $NOBODY_TOKEN, username: nobody}
YAML
}

# start_aggregated_stack BUILD TOKEN MODEL_ARGS...: the chain Kubernetes clients see, secured as in a
# cluster: kubelet-farm (kubelets requiring metrics-server's ServiceAccount token; expected usage in
# $MPF_TMP/expect.json) <- metrics-server (kubelet_resource -> rates -> metrics_api, running as that
# ServiceAccount with the RBAC of deploy/kubernetes/rbac.yaml, delegated authentication and
# authorization) <- fake-apiserver --aggregate-metrics (front-proxy certificate and X-Remote-* headers;
# kubeconfig $MPF_TMP/kubeconfig with TOKEN, a system:masters user, and per-user kubeconfigs in
# $MPF_TMP/users/<user>.kubeconfig; RBAC decisions in $MPF_TMP/rbac-usage.json; log $MPF_TMP/api.log).
# Sets port, api_port, apiserver_port, api_pid, ms_pid, MPF_TOKEN and the write_test_users tokens, writes
# the apiserver's pods to $MPF_TMP/pods.json, and returns once every node and pod of expect.json is served
# through the aggregator.
start_aggregated_stack() {
  local build=$1 attempt nnodes npods i body
  MPF_TOKEN=$2
  shift 2
  command -v curl >/dev/null || fail "curl is needed to wait for the aggregator"
  command -v python3 >/dev/null || fail "python3 is needed to read the farm's expectations"
  write_test_users
  start_farm "$build/bin/kubelet-farm" "$@" --stats-interval-ms 0 --require-token "$MS_TOKEN" \
    --ca-file "$MPF_TMP/kubelet-ca.pem" --expect-file "$MPF_TMP/expect.json"
  # metrics-server's port is chosen here so that the fake apiserver can be told where to proxy; both
  # start together (metrics-server reads nodes from the apiserver, the apiserver proxies to it).
  api_port="" apiserver_port="" api_pid="" ms_pid=""
  for attempt in 1 2 3 4 5; do
    api_port=$((20000 + RANDOM % 12000))
    apiserver_port=$((20000 + RANDOM % 12000))
    rm -f "$MPF_TMP/api-ready"
    "$build/bin/fake-apiserver" "$@" --port "$apiserver_port" --kubelet-port "$port" --token "$MPF_TOKEN" \
      --users "$MPF_TMP/users.yaml" --kubeconfig-dir "$MPF_TMP/users" \
      --rbac "$MPF_SRC/deploy/kubernetes/rbac.yaml" --rbac "$MPF_SRC/tests/integration/fixtures/cluster-rbac.yaml" \
      --rbac-usage-out "$MPF_TMP/rbac-usage.json" --front-proxy-ca-out "$MPF_TMP/front-proxy-ca.pem" \
      --front-proxy-cert-out "$MPF_TMP/front-proxy.crt" --front-proxy-key-out "$MPF_TMP/front-proxy.key" \
      --kubeconfig-out "$MPF_TMP/kubeconfig" --ready-file "$MPF_TMP/api-ready" --log-requests \
      --aggregate-metrics "https://127.0.0.1:$api_port" --aggregate-ca "$MPF_TMP/certs/apiserver.crt" \
      >"$MPF_TMP/api.log" 2>&1 &
    api_pid=$!
    MPF_PIDS+=("$api_pid")
    if ! wait_for "[[ -f '$MPF_TMP/api-ready' ]]" 20; then
      kill "$api_pid" 2>/dev/null || true
      continue
    fi
    write_metrics_api_config "$api_port" "$MPF_TMP/users/system_serviceaccount_kube-system_metrics-server.kubeconfig"
    start_metrics_server "$build/bin/metrics-server" && break
    kill "$api_pid" 2>/dev/null || true
  done
  grep -q 'Serving the Metrics API' "$MPF_TMP/log.txt" || fail "metrics_api did not serve: $(tail -5 "$MPF_TMP/log.txt")"
  sed -n 's/^ *certificate-authority-data: *//p' "$MPF_TMP/kubeconfig" | base64 -d >"$MPF_TMP/apiserver-ca.pem" || true
  [[ -s "$MPF_TMP/apiserver-ca.pem" ]] || fail "no CA data in the fake apiserver's kubeconfig"
  read -r nnodes npods < <(python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["nodes"]
print(len(n), sum(len(x["pods"]) for x in n))' "$MPF_TMP/expect.json")
  # wait_for's commands run in a new bash, which does not see apiserver_get: poll here instead. Bodies are
  # parsed, not grepped (kube-apiserver pretty-prints for curl's user agent).
  local count='import json,sys
try: print(len(json.load(sys.stdin)["items"]))
except Exception: print(-1)'
  for ((i = 0; i < 300; i++)); do
    body=$(apiserver_get /apis/metrics.k8s.io/v1beta1/nodes 2>&1) || true
    [[ $(python3 -c "$count" <<<"$body") == "$nnodes" ]] && break
    sleep 0.1
  done
  ((i < 300)) || fail "not every node listed through the aggregator: $body $(tail -5 "$MPF_TMP/api.log")"
  for ((i = 0; i < 300; i++)); do
    body=$(apiserver_get /apis/metrics.k8s.io/v1beta1/pods 2>&1) || true
    [[ $(python3 -c "$count" <<<"$body") == "$npods" ]] && break
    sleep 0.1
  done
  ((i < 300)) || fail "not every pod listed through the aggregator: $body"
  apiserver_get /api/v1/pods >"$MPF_TMP/pods.json" || fail "listing pods from the fake apiserver failed"
}

# fetch_debian_kubectl CACHE_DIR: sets `debian_kubectl` to Debian's kubectl (package kubernetes-client, 1.20 in
# bookworm), downloaded with `apt-get download` and unpacked with `dpkg-deb -x` into CACHE_DIR once, then
# reused. Missing apt lists are fetched with `apt-get update` (through sudo when not root); a package that
# still cannot be had is a failure, never a skip.
fetch_debian_kubectl() {
  local cache=$1 work log
  debian_kubectl=$cache/unpacked/usr/bin/kubectl
  [[ -x "$debian_kubectl" ]] && return 0
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
    || fail "apt-get and dpkg-deb are needed to fetch Debian's kubectl (package kubernetes-client)"
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/download.XXXXXX")
  log=$work/apt.log
  if ! (cd "$work" && apt-get download kubernetes-client) >"$log" 2>&1; then
    echo "apt-get download kubernetes-client failed ($(tail -1 "$log")); running apt-get update" >&2
    if [[ $(id -u) == 0 ]]; then
      apt-get update >>"$log" 2>&1 || true
    else
      sudo -n apt-get update >>"$log" 2>&1 || true
    fi
    if ! (cd "$work" && apt-get download kubernetes-client) >>"$log" 2>&1; then
      local detail
      detail=$(tail -5 "$log")
      rm -rf "$work"
      fail "cannot download Debian's kubectl (apt-get download kubernetes-client, after apt-get update): $detail"
    fi
  fi
  dpkg-deb -x "$work"/kubernetes-client_*.deb "$work/unpacked" || { rm -rf "$work"; fail "dpkg-deb -x failed on $(ls "$work")"; }
  [[ -x "$work/unpacked/usr/bin/kubectl" ]] || { rm -rf "$work"; fail "kubernetes-client has no usr/bin/kubectl"; }
  # Moved into place whole, so that a concurrent or interrupted run never sees half a tree.
  mv "$work"/kubernetes-client_*.deb "$cache/" 2>/dev/null || true
  rm -rf "$cache/unpacked"
  mv "$work/unpacked" "$cache/unpacked" || [[ -x "$debian_kubectl" ]] || fail "could not move kubectl into $cache"
  rm -rf "$work"
}

# find_kubectls BUILD_DIR: sets `kubectls` to every kubectl to test with: `kubectl` on PATH, kubectl.1.27 ...
# kubectl.1.33 beside its real path, and Debian bookworm's kubectl 1.20 (package kubernetes-client, the
# oldest client a distribution still ships; cached under BUILD_DIR/test-cache by fetch_debian_kubectl).
find_kubectls() {
  local dir minor
  kubectls=("$(command -v kubectl)")
  dir=$(dirname "$(readlink -f "$(command -v kubectl)")")
  for minor in 27 28 29 30 31 32 33; do
    [[ -x "$dir/kubectl.1.$minor" ]] && kubectls+=("$dir/kubectl.1.$minor")
  done
  fetch_debian_kubectl "$1/test-cache/kubernetes-client"
  kubectls+=("$debian_kubectl")
}
