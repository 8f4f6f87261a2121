#!/usr/bin/env bash
# The Metrics API benchmarks of the README: a synthetic cluster (default 5000 nodes x 30 pods = 150 000
# pods, 2 containers each) served by the real metrics_api plugin over HTTPS on core 0, loaded from a
# second process on core 1. Not part of CI (it runs ~2 minutes and wants a quiet machine).
#   tests/plugins/api/metrics_api/bench/run_list_benchmarks.sh BUILD_DIR [NODES] [PODS_PER_NODE]
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [NODES] [PODS_PER_NODE]}
nodes=${2:-5000}
pods_per_node=${3:-30}
tool="$build/bin/metrics_api_load"
work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

pin() {  # pin to a core when taskset exists and the machine has two
  local core=$1; shift
  if command -v taskset >/dev/null && (($(nproc) > 1)); then taskset -c "$core" "$@"; else "$@"; fi
}

pin 0 "$tool" serve --nodes "$nodes" --pods-per-node "$pods_per_node" --port-file "$work/port" &
server=$!
for _ in $(seq 1 600); do [[ -s "$work/port" ]] && break; sleep 0.1; done
port=$(cat "$work/port")
run() { pin 1 "$tool" load --port "$port" "$@"; }

pods=/apis/metrics.k8s.io/v1beta1/pods
selector="/apis/metrics.k8s.io/v1beta1/namespaces/ns-00042/pods?labelSelector=app%3Da3"
run --target "$pods" --seconds 3 --label "warm-up" >/dev/null
run --target "$pods" --seconds 20 --label "list all pods, JSON"
run --target "$pods" --seconds 20 --gzip --label "list all pods, JSON, gzip"
# The same 150 000 pods through a selector every pod matches: rendered for each request, for comparison.
run --target "$pods?labelSelector=tier%3Dweb" --seconds 20 --label "all pods via a selector (rendered per request)"
run --target "$pods?labelSelector=tier%3Dweb" --seconds 20 --gzip --label "... and gzip per request"
run --target "$pods" --seconds 20 --accept "application/vnd.kubernetes.protobuf, */*" --label "list all pods, protobuf"
run --target /apis/metrics.k8s.io/v1beta1/nodes --seconds 10 --label "list all nodes, JSON"
run --target "$selector" --seconds 10 --connections 4 --label "namespace + labelSelector, closed loop"
run --target "$selector" --seconds 10 --connections 2 --rate 1000 --label "namespace + labelSelector, 1000 req/s"
