# Helpers for the exporter tests: real storage servers (Prometheus, VictoriaMetrics, InfluxDB 1.x) and
# the scripted fake receiver on 127.0.0.1 with data under $MPF_TMP, metrics-server with a standalone
# metrics_api sink for its /metrics and /readyz, and readers of their answers. Source lib.sh first: every
# process started here is put in MPF_PIDS, so lib.sh's cleanup kills it at exit.

# require_binary NAME PACKAGE: fails (never skips) when NAME is not on PATH.
require_binary() {
  command -v "$1" >/dev/null || fail "$1 is needed (Debian package $2; deploy/scripts/install-deps.sh installs it)"
}

# free_port: prints a loopback TCP port nothing listens on now. The kernel picks it (bind to port 0), so
# concurrent tests do not draw the same one; someone may still take it before it is used, which is why
# every start_* below retries with a new port when its server does not come up.
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Logs printed when a test fails, so that a failure in CI shows the servers' side too.
MPF_STORAGE_LOGS=()
storage_exit() {
  local status=$? log
  if ((status != 0)); then
    for log in "${MPF_STORAGE_LOGS[@]:-}"; do
      [[ -n $log && -f $log ]] || continue
      echo "----- last lines of $log -----" >&2
      tail -n 40 "$log" >&2 || true
    done
  fi
  cleanup
}
trap storage_exit EXIT

# http_ok URL: succeeds when URL answers 2xx within 2 s.
http_ok() { curl -sf --max-time 2 -o /dev/null "$1"; }

# start_prometheus [PORT]: Prometheus as a remote write receiver with an empty scrape config and its TSDB
# in $MPF_TMP; sets prom_port and prom_pid once /-/ready answers. With PORT, only that port is tried (the
# receiver-down-at-start test has pointed metrics-server at it already).
start_prometheus() {
  local fixed=${1:-} attempt dir
  require_binary prometheus prometheus
  printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' >"$MPF_TMP/prometheus.yml"
  for attempt in 1 2 3 4 5; do
    prom_port=${fixed:-$(free_port)}
    dir=$MPF_TMP/prometheus-$attempt
    mkdir -p "$dir"
    prometheus --config.file="$MPF_TMP/prometheus.yml" --storage.tsdb.path="$dir" \
      --web.listen-address="127.0.0.1:$prom_port" --web.enable-remote-write-receiver \
      >"$MPF_TMP/prometheus.log" 2>&1 &
    prom_pid=$!
    MPF_PIDS+=("$prom_pid")
    MPF_STORAGE_LOGS+=("$MPF_TMP/prometheus.log")
    wait_for "curl -sf --max-time 2 http://127.0.0.1:$prom_port/-/ready" 30 && return 0
    kill "$prom_pid" 2>/dev/null || true
    [[ -n $fixed ]] && break
  done
  fail "Prometheus did not start: $(tail -5 "$MPF_TMP/prometheus.log")"
}

# start_victoria_metrics: single-node VictoriaMetrics with its storage in $MPF_TMP; sets vm_port and vm_pid
# once /health answers. -search.latencyOffset=0s: by default it hides the last 30 s of samples from
# queries (still being ingested), which is all this test has. -inmemoryDataFlushInterval=1s keeps
# /internal/force_flush cheap.
start_victoria_metrics() {
  local attempt dir
  require_binary victoria-metrics victoria-metrics
  for attempt in 1 2 3 4 5; do
    vm_port=$(free_port)
    dir=$MPF_TMP/victoria-metrics-$attempt
    mkdir -p "$dir"
    victoria-metrics -storageDataPath="$dir" -httpListenAddr="127.0.0.1:$vm_port" -search.latencyOffset=0s \
      -search.disableCache -loggerLevel=WARN >"$MPF_TMP/victoria-metrics.log" 2>&1 &
    vm_pid=$!
    MPF_PIDS+=("$vm_pid")
    MPF_STORAGE_LOGS+=("$MPF_TMP/victoria-metrics.log")
    wait_for "curl -sf --max-time 2 http://127.0.0.1:$vm_port/health" 30 && return 0
    kill "$vm_pid" 2>/dev/null || true
  done
  fail "VictoriaMetrics did not start: $(tail -5 "$MPF_TMP/victoria-metrics.log")"
}

# start_influxdb DATABASE: InfluxDB 1.x (influxd) from a generated config: HTTP and the RPC bind address on
# loopback ports, every directory in $MPF_TMP, no reporting, no self-monitoring store; creates DATABASE.
# Sets influx_port and influx_pid.
start_influxdb() {
  local database=$1 attempt dir rpc_port
  require_binary influxd influxdb
  for attempt in 1 2 3 4 5; do
    influx_port=$(free_port)
    rpc_port=$(free_port)
    [[ $rpc_port != "$influx_port" ]] || continue
    dir=$MPF_TMP/influxdb-$attempt
    mkdir -p "$dir"
    cat >"$dir/influxdb.conf" <<TOML
reporting-disabled = true
bind-address = "127.0.0.1:$rpc_port"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[coordinator]
[retention]
  enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$influx_port"
  log-enabled = false
TOML
    influxd -config "$dir/influxdb.conf" >"$MPF_TMP/influxdb.log" 2>&1 &
    influx_pid=$!
    MPF_PIDS+=("$influx_pid")
    MPF_STORAGE_LOGS+=("$MPF_TMP/influxdb.log")
    if wait_for "curl -sf --max-time 2 http://127.0.0.1:$influx_port/ping" 30; then
      curl -sf --max-time 10 -XPOST "http://127.0.0.1:$influx_port/query" \
        --data-urlencode "q=CREATE DATABASE $database" >/dev/null || fail "CREATE DATABASE $database failed"
      return 0
    fi
    kill "$influx_pid" 2>/dev/null || true
  done
  fail "InfluxDB did not start: $(tail -5 "$MPF_TMP/influxdb.log")"
}

# start_fake_receiver NAME ARGS...: tests/integration/fake_receiver.py on a free port with ARGS (e.g.
# --script 500,204); sets receiver_port and receiver_pid, request log $MPF_TMP/<NAME>.jsonl.
start_fake_receiver() {
  local name=$1 attempt p pid
  shift
  for attempt in 1 2 3 4 5; do
    p=$(free_port)
    rm -f "$MPF_TMP/$name.ready"
    python3 "$MPF_SRC/tests/integration/fake_receiver.py" --port "$p" --log "$MPF_TMP/$name.jsonl" \
      --ready-file "$MPF_TMP/$name.ready" "$@" >"$MPF_TMP/$name.log" 2>&1 &
    pid=$!
    MPF_PIDS+=("$pid")
    MPF_STORAGE_LOGS+=("$MPF_TMP/$name.log")
    if wait_for "[[ -f '$MPF_TMP/$name.ready' ]]" 10; then
      receiver_port=$p
      receiver_pid=$pid
      return 0
    fi
    kill "$pid" 2>/dev/null || true
  done
  fail "fake_receiver $name did not start: $(tail -5 "$MPF_TMP/$name.log")"
}

# start_exporting_server BINARY WRITE_CONFIG: picks api_port, calls `WRITE_CONFIG $api_port` (which writes
# $MPF_TMP/config.yaml with a standalone metrics_api sink on 127.0.0.1:$api_port), runs BINARY on it
# (stdout $MPF_TMP/out.txt, stderr $MPF_TMP/log.txt) and returns once the metrics_api sink serves; sets
# ms_pid. Retries with another port when that one was taken.
start_exporting_server() {
  local binary=$1 write_config=$2 attempt
  MPF_STORAGE_LOGS+=("$MPF_TMP/log.txt")
  for attempt in 1 2 3 4 5; do
    api_port=$(free_port)
    "$write_config" "$api_port"
    "$binary" --config "$MPF_TMP/config.yaml" >"$MPF_TMP/out.txt" 2>"$MPF_TMP/log.txt" &
    ms_pid=$!
    MPF_PIDS+=("$ms_pid")
    wait_for "grep -q 'Serving the Metrics API' '$MPF_TMP/log.txt'" 20 && return 0
    kill "$ms_pid" 2>/dev/null || true
    grep -qi 'address already in use\|bind' "$MPF_TMP/log.txt" || break
  done
  fail "metrics-server did not start: $(tail -20 "$MPF_TMP/log.txt")"
}

# standalone_metrics_api_sink PORT: the YAML of a metrics_api sink entry (indented for a `sinks:` list)
# that needs no API server (standalone: state and certificate in $MPF_TMP/state). Its /metrics, /readyz and
# /healthz need no token.
standalone_metrics_api_sink() {
  cat <<YAML
  - plugin: metrics_api
    options: {standalone: true, state_dir: $MPF_TMP/state, bind_address: 127.0.0.1, secure_port: $1}
YAML
}

# self_metrics: metrics-server's /metrics (Prometheus text) from the metrics_api listener at api_port.
self_metrics() { curl -sk --max-time 5 "https://127.0.0.1:$api_port/metrics"; }
# readyz_verbose: /readyz?verbose (any status; the body lists each check and each sink's state).
readyz_verbose() { curl -sk --max-time 5 "https://127.0.0.1:$api_port/readyz?verbose"; }

# metric_sum NAME [LABEL=VALUE...]: the sum of NAME's series in the Prometheus text on stdin whose labels
# include every LABEL=VALUE given; 0 when none matches (so a counter not created yet reads 0).
metric_sum() {
  python3 -c '
import re, sys
name, wanted = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
line_re = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")
label_re = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")
total = 0.0
for line in sys.stdin:
    m = line_re.match(line)
    if not m or m.group(1) != name:
        continue
    labels = dict(label_re.findall(m.group(2) or ""))
    if all(labels.get(k) == v for k, v in wanted):
        total += float(m.group(3))
print(int(total) if total == int(total) else total)
' "$@"
}

# self_metric NAME [LABEL=VALUE...]: metric_sum over a fresh /metrics.
self_metric() { self_metrics | metric_sum "$@"; }

# wait_metric MIN SECONDS NAME [LABEL=VALUE...]: waits up to SECONDS for self_metric NAME LABELS to reach
# MIN; sets `metric_value` to the last reading. Fails (returns 1) at the deadline.
wait_metric() {
  local min=$1 seconds=$2 i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    metric_value=$(self_metric "$@")
    python3 -c "import sys; sys.exit(0 if $metric_value >= $min else 1)" && return 0
    sleep 0.2
  done
  return 1
}

# prom_query BASE_URL PROMQL: the JSON of an instant query (Prometheus or VictoriaMetrics).
prom_query() {
  curl -sS --fail --max-time 10 -G "$1/api/v1/query" --data-urlencode "query=$2"
}

# vm_flush: makes VictoriaMetrics' buffered samples searchable now.
vm_flush() { curl -sf --max-time 10 "http://127.0.0.1:$vm_port/internal/force_flush" >/dev/null; }

# influx_query DATABASE INFLUXQL: the JSON answer of InfluxDB, timestamps in ns.
influx_query() {
  curl -sS --fail --max-time 10 -G "http://127.0.0.1:$influx_port/query" --data-urlencode "db=$1" \
    --data-urlencode "epoch=ns" --data-urlencode "q=$2"
}

# prom_series_count JSON_ON_STDIN: how many series an instant query returned (-1 when it failed).
prom_series_count() {
  python3 -c 'import json, sys
try:
    d = json.load(sys.stdin)
    print(len(d["data"]["result"]) if d.get("status") == "success" else -1)
except Exception:
    print(-1)'
}
