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

# write_metrics_api_config PORT: $MPF_TMP/config.yaml for metrics-server's own chain against the
# simulators: kubelets found through $MPF_TMP/kubeconfig (port from node status, kubelet CA
# $MPF_TMP/kubelet-ca.pem) -> rates -> metrics_api on 127.0.0.1:PORT with certificates in $MPF_TMP/certs.
write_metrics_api_config() {
  cat >"$MPF_TMP/config.yaml" <<YAML
global: {resolution: 1s, scrape_timeout: 700ms, max_jitter: 0s}
sources:
  - plugin: kubelet_resource
    options:
      kubeconfig: $MPF_TMP/kubeconfig
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
      kubeconfig: $MPF_TMP/kubeconfig
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
cleanup() {
  local pid
  for pid in "${MPF_PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  rm -rf "$MPF_TMP"
}
trap cleanup EXIT
