#!/usr/bin/env bash
# What delegated authentication and authorization cost per request (not run by ctest): the aggregated
# stack of tests/integration/lib.sh, plus a second metrics-server with delegated_auth: false as the
# baseline, then N sequential keep-alive GETs of one node's metrics per case:
#   baseline (no auth) | front-proxy certificate + X-Remote-User viewer (SubjectAccessReview cached) |
#   bearer token of system:masters (TokenReview cached, no review) | anonymous /healthz (always allowed).
# Usage: auth_overhead.sh BUILD_DIR [REQUESTS]
build=$(cd "$1" && pwd)
requests=${2:-3000}
source "$(dirname "$0")/../lib.sh"
start_aggregated_stack "$build" "auth-overhead-admin" --nodes 3 --pods-per-node 4 --seed 9 >/dev/null
sa_kubeconfig=$MPF_TMP/users/system_serviceaccount_kube-system_metrics-server.kubeconfig
base_port=""
for attempt in 1 2 3 4 5; do
  base_port=$((20000 + RANDOM % 12000))
  write_metrics_api_config "$base_port" "$sa_kubeconfig"
  sed -i "s|cert_dir: $MPF_TMP/certs|cert_dir: $MPF_TMP/certs|; \$a\\      delegated_auth: false" "$MPF_TMP/config.yaml"
  "$build/bin/metrics-server" --config "$MPF_TMP/config.yaml" >"$MPF_TMP/base-out.txt" 2>"$MPF_TMP/base-log.txt" &
  MPF_PIDS+=("$!")
  wait_for "grep -q 'Serving the Metrics API' '$MPF_TMP/base-log.txt'" 20 && break
done
node=/apis/metrics.k8s.io/v1beta1/nodes/node-00001
wait_for "curl -sf --cacert '$MPF_TMP/certs/apiserver.crt' https://127.0.0.1:$base_port$node" 30 || fail "baseline not serving"
python3 "$(dirname "$0")/auth_overhead.py" "$MPF_TMP/certs/apiserver.crt" "$requests" \
  "no authentication (delegated_auth: false)=https://127.0.0.1:$base_port$node" \
  "front proxy, viewer (review cached)=https://127.0.0.1:$api_port$node,cert=$MPF_TMP/front-proxy.crt,key=$MPF_TMP/front-proxy.key,header=X-Remote-User:viewer" \
  "bearer token, system:masters (cached)=https://127.0.0.1:$api_port$node,header=Authorization:Bearer $MPF_TOKEN" \
  "anonymous /healthz (always allowed)=https://127.0.0.1:$api_port/healthz" \
  "no authentication, /healthz=https://127.0.0.1:$base_port/healthz"
