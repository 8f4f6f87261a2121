#!/usr/bin/env bash
# The remote-write delivery benchmark against a real receiver: starts VictoriaMetrics (Debian's
# victoria-metrics) on 127.0.0.1 with a temporary data directory, sends ROUNDS W5000 snapshots through
# the sink runtime and the exporter, and prints CPU, wall time and memory per snapshot. Not a ctest
# (minutes and a lot of memory); the README's performance section quotes it.
#   tests/plugins/sinks/prometheus_remote_write/run_delivery_bench.sh BUILD_DIR [NODES=5000] [ROUNDS=3] [MAX_SAMPLES_PER_REQUEST=2000]
set -euo pipefail
build=$(cd "$1" && pwd)
nodes=${2:-5000}
rounds=${3:-3}
per_request=${4:-2000}
command -v victoria-metrics >/dev/null || { echo "victoria-metrics is not installed (apt-get install victoria-metrics)" >&2; exit 2; }
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
victoria-metrics -storageDataPath="$tmp/vm" -httpListenAddr="127.0.0.1:$port" >"$tmp/vm.log" 2>&1 &
vm=$!
trap 'kill $vm 2>/dev/null; wait $vm 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
"$build/bin/remote_write_delivery_bench" "http://127.0.0.1:$port/api/v1/write" "$nodes" "$rounds" "$per_request"
