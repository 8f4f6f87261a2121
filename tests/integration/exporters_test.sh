#!/usr/bin/env bash
# The exporters against real storage servers: simulated kubelets (kubelet-farm, plain HTTP, static node
# list) -> kubelet_resource -> rates -> totals -> prometheus_remote_write to Prometheus 2.x and to
# VictoriaMetrics, and influxdb to InfluxDB 1.x, all from one metrics-server (plus a standalone
# metrics_api sink for its /metrics). What each server answers to queries must equal the farm's ground
# truth (--expect-file): every node and container present, working sets exactly, CPU rates within 1 µcore
# (as pipeline_e2e_test.sh), the cumulative container CPU equal to rate × (sample time − start) within
# the rounding of the sample's time (ms in remote write, float seconds from the kubelet), the node
# counters' slope equal to the node's rate, namespace and cluster totals equal to the sums, the external
# label / extra tag on everything. Then each sink's self-metrics: samples sent, nothing failed or dropped.
# The servers come from Debian packages (prometheus, victoria-metrics, influxdb); a missing one fails.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
source "$src/tests/integration/lib_storage.sh"
bin=$build/bin/metrics-server
command -v curl >/dev/null || fail "curl is needed to query the servers"
command -v python3 >/dev/null || fail "python3 is needed to compare with the farm's ground truth"
require_binary prometheus prometheus
require_binary victoria-metrics victoria-metrics
require_binary influxd influxdb

nodes=3
start_farm "$build/bin/kubelet-farm" --nodes $nodes --pods-per-node 4 --containers-per-pod 2 --seed 7 --plain-http \
  --stats-interval-ms 0 --expect-file "$MPF_TMP/expect.json"
farm_port=$port
start_prometheus ""
start_victoria_metrics
start_influxdb mpf

write_config() {
  local i
  {
    echo "global: {resolution: 1s, scrape_timeout: 700ms, max_jitter: 0s}"
    echo "sources:"
    echo "  - plugin: kubelet_resource"
    echo "    options:"
    echo "      port: $farm_port"
    echo "      plain_http: true"
    echo "      nodes:"
    for ((i = 1; i <= nodes; i++)); do echo "        - {name: node-0000$i, address: 127.1.0.$i}"; done
    cat <<YAML
processors: [{plugin: rates}, {plugin: totals}]
sinks:
  - plugin: prometheus_remote_write
    name: prom
    options:
      url: http://127.0.0.1:$prom_port/api/v1/write
      external_labels: {cluster: e2e-prom}
      max_samples_per_request: 50
    timeout: 5s
    retry_on_failure: {enabled: true, initial_interval: 200ms, max_interval: 1s}
  - plugin: prometheus_remote_write
    name: vm
    options:
      url: http://127.0.0.1:$vm_port/api/v1/write
      external_labels: {cluster: e2e-vm}
    timeout: 5s
  - plugin: influxdb
    name: influx
    options:
      url: http://127.0.0.1:$influx_port
      version: "1"
      database: mpf
      tags: {cluster: e2e-influx}
      gzip: true
      max_lines_per_request: 40
    timeout: 5s
YAML
    standalone_metrics_api_sink "$1"
  } >"$MPF_TMP/config.yaml"
}
start_exporting_server "$bin" write_config
pass "metrics-server exports to Prometheus :$prom_port, VictoriaMetrics :$vm_port, InfluxDB :$influx_port"

for sink in prom vm influx; do
  wait_metric 1 30 mpf_sink_sent_samples_total sink=$sink \
    || fail "sink $sink sent nothing: $(self_metrics | grep "sink=\"$sink\"")"
done
pass "every exporter delivered samples"

# The comparison, repeated until it passes (the servers make data searchable a little after ingestion:
# VictoriaMetrics buffers for up to a second, and the rates need two cycles) or the deadline passes.
cat >"$MPF_TMP/check.py" <<'PY'
import json, sys, time, urllib.parse, urllib.request

expect_file, prom, vm, influx = sys.argv[1:5]
truth = json.load(open(expect_file))
RATE_TOL = 1000  # nanocores; see pipeline_e2e_test.sh: float64 seconds from the kubelet over ~1 s windows

nodes = {n["name"]: n for n in truth["nodes"]}
pods = {}        # (namespace, pod) -> pod, node
containers = {}  # (namespace, pod, container) -> container, node
for n in truth["nodes"]:
    for p in n["pods"]:
        pods[(p["namespace"], p["name"])] = (p, n["name"])
        for c in p["containers"]:
            containers[(p["namespace"], p["name"], c["name"])] = (c, n["name"])
namespaces = {}
for (ns, _), (p, _) in pods.items():
    t = namespaces.setdefault(ns, [0, 0])
    t[0] += p["cpu_nanocores"]
    t[1] += p["memory_bytes"]

def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)

def prom_raw(base, selector, window="15s"):
    """Latest raw sample (timestamp s, value) of every series matching selector, by its label set."""
    d = get(base + "/api/v1/query?" + urllib.parse.urlencode({"query": f"{selector}[{window}]"}))
    out = {}
    for s in d["data"]["result"]:
        ts, v = s["values"][-1]
        out[tuple(sorted(s["metric"].items()))] = (float(ts), float(v), s["metric"])
    return out

def prom_instant(base, q):
    d = get(base + "/api/v1/query?" + urllib.parse.urlencode({"query": q}))
    return [(s["metric"], float(s["value"][1])) for s in d["data"]["result"]]

def by(series, keys):
    out = {}
    for ts, v, m in series.values():
        out[tuple(m.get(k, "") for k in keys)] = (ts, v, m)
    return out

def check_prom(name, base, cluster, errors):
    def label_check(m, what):
        if m.get("cluster") != cluster:
            errors.append(f"{name}: {what} lacks the external label cluster={cluster}: {m}")

    got = by(prom_raw(base, "k8s_node_memory_working_set_bytes"), ["node"])
    if set(k[0] for k in got) != set(nodes):
        errors.append(f"{name}: node memory series for {sorted(k[0] for k in got)}, farm serves {sorted(nodes)}")
    for (node,), (ts, v, m) in got.items():
        label_check(m, f"node {node}")
        if node in nodes and v != nodes[node]["memory_bytes"]:
            errors.append(f"{name}: node {node} memory {v}, farm's {nodes[node]['memory_bytes']}")
    for (node,), (ts, v, m) in by(prom_raw(base, "k8s_node_cpu_usage_nanocores"), ["node"]).items():
        if node in nodes and abs(v - nodes[node]["cpu_nanocores"]) > RATE_TOL:
            errors.append(f"{name}: node {node} cpu {v} nanocores, farm's rate {nodes[node]['cpu_nanocores']}")
    # The node counter's slope over the last 20 s is the node's rate (regression over ms timestamps of
    # samples ~1 s apart: ±1 ms per point, so allow 0.5%).
    slopes = {m.get("node"): v for m, v in prom_instant(base, "deriv(k8s_node_cpu_usage_seconds_total[20s])")}
    if set(slopes) != set(nodes):
        errors.append(f"{name}: node cumulative CPU for {sorted(slopes)}, farm serves {sorted(nodes)}")
    for node, slope in slopes.items():
        rate = nodes.get(node, {}).get("cpu_nanocores", 0) / 1e9
        if abs(slope - rate) > 0.005 * rate:
            errors.append(f"{name}: node {node} cumulative CPU grows {slope} cores, farm's rate {rate}")

    keys = ["namespace", "pod", "container"]
    got = by(prom_raw(base, "k8s_container_memory_working_set_bytes"), keys)
    if set(got) != set(containers):
        errors.append(f"{name}: {len(got)} container memory series, farm serves {len(containers)} containers; "
                      f"missing {sorted(set(containers) - set(got))[:3]}, extra {sorted(set(got) - set(containers))[:3]}")
    for key, (ts, v, m) in got.items():
        label_check(m, f"container {key}")
        if key in containers:
            c, node = containers[key]
            if v != c["memory_bytes"]:
                errors.append(f"{name}: container {key} memory {v}, farm's {c['memory_bytes']}")
            if m.get("node") != node:
                errors.append(f"{name}: container {key} on node {m.get('node')}, farm's {node}")
    for key, (ts, v, m) in by(prom_raw(base, "k8s_container_cpu_usage_nanocores"), keys).items():
        if key in containers and abs(v - containers[key][0]["cpu_nanocores"]) > RATE_TOL:
            errors.append(f"{name}: container {key} cpu {v}, farm's rate {containers[key][0]['cpu_nanocores']}")
    # Cumulative: the farm's counter is rate × (t − start) / 1e9 core-ns at the sample's time t, which
    # is a whole millisecond (the kubelet's text carries ms), so remote write's ms timestamp loses
    # nothing: allow only the float rounding (seconds as float64 in the kubelet's text and in remote
    # write: ~1e-16 relative), i.e. 100 ns. A timestamp off by 1 ms is off by rate × 1 ms (≥ 1 µs here).
    got = by(prom_raw(base, "k8s_container_cpu_usage_seconds_total"), keys)
    if set(got) != set(containers):
        errors.append(f"{name}: {len(got)} cumulative container series, farm serves {len(containers)}")
    for key, (ts, v, m) in got.items():
        if key not in containers:
            continue
        c = containers[key][0]
        t_ns = round(ts * 1000) * 1_000_000
        expected = c["cpu_nanocores"] * (t_ns - c["start_unix_ns"]) // 1_000_000_000 / 1e9
        if abs(v - expected) > 100e-9:
            errors.append(f"{name}: container {key} cumulative {v!r} s at {ts}, expected {expected!r}")

    got = by(prom_raw(base, "k8s_pod_memory_working_set_bytes"), ["namespace", "pod"])
    if set(got) != set(pods):
        errors.append(f"{name}: {len(got)} pod series, farm serves {len(pods)} pods")
    for key, (ts, v, m) in got.items():
        if key in pods and (v != pods[key][0]["memory_bytes"] or m.get("node") != pods[key][1]):
            errors.append(f"{name}: pod {key} memory {v} on {m.get('node')}, farm's {pods[key][0]['memory_bytes']} "
                          f"on {pods[key][1]}")

    got = by(prom_raw(base, "k8s_namespace_memory_working_set_bytes"), ["namespace"])
    if {k[0]: v for k, (ts, v, m) in got.items()} != {ns: t[1] for ns, t in namespaces.items()}:
        errors.append(f"{name}: namespace memory {sorted((k[0], v) for k, (ts, v, m) in got.items())}, "
                      f"sums of the farm's pods {sorted((ns, t[1]) for ns, t in namespaces.items())}")
    for (ns,), (ts, v, m) in by(prom_raw(base, "k8s_namespace_cpu_usage_nanocores"), ["namespace"]).items():
        if ns in namespaces and abs(v - namespaces[ns][0]) > RATE_TOL * 20:
            errors.append(f"{name}: namespace {ns} cpu {v}, sum of the farm's pods {namespaces[ns][0]}")
    # The cluster series are the nodes' sum (as kubectl top nodes), not the pods'.
    cluster_memory = sum(n["memory_bytes"] for n in nodes.values())
    got = prom_raw(base, "k8s_cluster_memory_working_set_bytes")
    if [v for ts, v, m in got.values()] != [cluster_memory]:
        errors.append(f"{name}: cluster memory {[v for ts, v, m in got.values()]}, the nodes' sum {cluster_memory}")

    every = prom_instant(base, 'count by (__name__, cluster) ({__name__=~"k8s_.+"})')
    for m, count in every:
        label_check(m, f"{m.get('__name__')} ({int(count)} series)")
    names = {m.get("__name__") for m, _ in every}
    for required in ["k8s_node_cpu_usage_nanocores", "k8s_pod_cpu_usage_nanocores", "k8s_container_cpu_usage_nanocores",
                     "k8s_node_cpu_usage_seconds_total", "k8s_cluster_cpu_usage_nanocores"]:
        if required not in names:
            errors.append(f"{name}: no series {required} (has {sorted(names)})")

def influx_series(q):
    d = get(influx + "/query?" + urllib.parse.urlencode({"db": "mpf", "epoch": "ns", "q": q}))
    result = d["results"][0]
    if "error" in result:
        raise RuntimeError(result["error"])
    out = []
    for s in result.get("series", []):
        rows = [dict(zip(s["columns"], v)) for v in s["values"]]
        out.append((s.get("tags", {}), rows))
    return out

def check_influx(errors):
    name = "influxdb"
    def tag_check(tags, what):
        if tags.get("cluster") != "e2e-influx":
            errors.append(f"{name}: {what} lacks the extra tag cluster=e2e-influx: {tags}")

    seen = set()
    for tags, rows in influx_series("SELECT memory_working_set_bytes, cpu_usage_nanocores FROM kubernetes_node "
                                    "WHERE memory_working_set_bytes >= 0 GROUP BY * ORDER BY time DESC LIMIT 1"):
        node = tags.get("node_name")
        seen.add(node)
        tag_check(tags, f"node {node}")
        if node in nodes:
            if rows[0]["memory_working_set_bytes"] != nodes[node]["memory_bytes"]:
                errors.append(f"{name}: node {node} memory {rows[0]['memory_working_set_bytes']}, farm's {nodes[node]['memory_bytes']}")
            if abs(rows[0]["cpu_usage_nanocores"] - nodes[node]["cpu_nanocores"]) > RATE_TOL:
                errors.append(f"{name}: node {node} cpu {rows[0]['cpu_usage_nanocores']}, farm's {nodes[node]['cpu_nanocores']}")
    if seen != set(nodes):
        errors.append(f"{name}: kubernetes_node for {sorted(seen)}, farm serves {sorted(nodes)}")
    # Node counters: ns timestamps, so the slope between the last two points is the rate to ~1 ns/s
    # plus the float seconds the kubelet sends (a few ns per sample).
    for tags, rows in influx_series("SELECT cpu_usage_core_nanoseconds FROM kubernetes_node WHERE "
                                    "cpu_usage_core_nanoseconds >= 0 GROUP BY * ORDER BY time DESC LIMIT 2"):
        node = tags.get("node_name")
        if node not in nodes or len(rows) < 2:
            errors.append(f"{name}: node {node}: {len(rows)} cumulative points")
            continue
        slope = (rows[0]["cpu_usage_core_nanoseconds"] - rows[1]["cpu_usage_core_nanoseconds"]) * 1e9 / (rows[0]["time"] - rows[1]["time"])
        if abs(slope - nodes[node]["cpu_nanocores"]) > RATE_TOL:
            errors.append(f"{name}: node {node} counter grows {slope} nanocores, farm's rate {nodes[node]['cpu_nanocores']}")

    keys = ("namespace", "pod_name", "container_name")
    seen = set()
    for tags, rows in influx_series("SELECT memory_working_set_bytes, cpu_usage_nanocores FROM kubernetes_pod_container "
                                    "WHERE memory_working_set_bytes >= 0 GROUP BY * ORDER BY time DESC LIMIT 1"):
        key = tuple(tags.get(k) for k in keys)
        seen.add(key)
        tag_check(tags, f"container {key}")
        if key in containers:
            c, node = containers[key]
            if rows[0]["memory_working_set_bytes"] != c["memory_bytes"] or tags.get("node_name") != node:
                errors.append(f"{name}: container {key} memory {rows[0]['memory_working_set_bytes']} on "
                              f"{tags.get('node_name')}, farm's {c['memory_bytes']} on {node}")
            if abs(rows[0]["cpu_usage_nanocores"] - c["cpu_nanocores"]) > RATE_TOL:
                errors.append(f"{name}: container {key} cpu {rows[0]['cpu_usage_nanocores']}, farm's {c['cpu_nanocores']}")
    if seen != set(containers):
        errors.append(f"{name}: {len(seen)} kubernetes_pod_container series, farm serves {len(containers)}")
    # Container counters: rate × (t − start) / 1e9 at the point's time t (ns, a whole ms as the kubelet
    # sent it), up to the float seconds of the kubelet's text: 100 ns, as for remote write.
    seen = set()
    for tags, rows in influx_series("SELECT cpu_usage_core_nanoseconds FROM kubernetes_pod_container WHERE "
                                    "cpu_usage_core_nanoseconds >= 0 GROUP BY * ORDER BY time DESC LIMIT 1"):
        key = tuple(tags.get(k) for k in keys)
        seen.add(key)
        if key not in containers:
            continue
        c = containers[key][0]
        expected = c["cpu_nanocores"] * (rows[0]["time"] - c["start_unix_ns"]) // 1_000_000_000
        got = rows[0]["cpu_usage_core_nanoseconds"]
        if abs(got - expected) > 100:
            errors.append(f"{name}: container {key} counter {got} ns at {rows[0]['time']}, expected {expected}")
    if seen != set(containers):
        errors.append(f"{name}: {len(seen)} containers with cpu_usage_core_nanoseconds, farm serves {len(containers)}")

    seen = {}
    for tags, rows in influx_series("SELECT memory_working_set_bytes FROM kubernetes_pod WHERE "
                                    "memory_working_set_bytes >= 0 GROUP BY * ORDER BY time DESC LIMIT 1"):
        seen[(tags.get("namespace"), tags.get("pod_name"))] = rows[0]["memory_working_set_bytes"]
    expected = {k: p["memory_bytes"] for k, (p, _) in pods.items()}
    if seen != expected:
        errors.append(f"{name}: kubernetes_pod memory differs from the farm's: {len(seen)} pods vs {len(expected)}; "
                      f"first differences {[(k, seen.get(k), v) for k, v in expected.items() if seen.get(k) != v][:3]}")
    pods_per_namespace = {}
    for (ns, _) in pods:
        pods_per_namespace[ns] = pods_per_namespace.get(ns, 0) + 1
    seen = {}
    for tags, rows in influx_series("SELECT memory_working_set_bytes, pod_count FROM kubernetes_namespace "
                                    "GROUP BY * ORDER BY time DESC LIMIT 1"):
        tag_check(tags, f"namespace {tags.get('namespace')}")
        seen[tags.get("namespace")] = (rows[0]["memory_working_set_bytes"], rows[0]["pod_count"])
    expected = {ns: (t[1], pods_per_namespace[ns]) for ns, t in namespaces.items()}
    if seen != expected:
        errors.append(f"{name}: kubernetes_namespace (memory, pods) {sorted(seen.items())}, "
                      f"the farm's sums {sorted(expected.items())}")
    got = influx_series("SELECT node_memory_working_set_bytes, node_count FROM kubernetes_cluster GROUP BY * "
                        "ORDER BY time DESC LIMIT 1")
    cluster_memory = sum(n["memory_bytes"] for n in nodes.values())
    if len(got) != 1 or got[0][1][0]["node_memory_working_set_bytes"] != cluster_memory or got[0][1][0]["node_count"] != len(nodes):
        errors.append(f"{name}: kubernetes_cluster {got}, expected node memory {cluster_memory} over {len(nodes)} nodes")

deadline = time.time() + float(sys.argv[5])
while True:
    errors = []
    try:
        urllib.request.urlopen(vm + "/internal/force_flush", timeout=10).read()
        check_prom("prometheus", prom, "e2e-prom", errors)
        check_prom("victoria-metrics", vm, "e2e-vm", errors)
        check_influx(errors)
    except Exception as e:  # a server not answering yet counts as a difference, retried
        errors.append(f"query failed: {e!r}")
    if not errors or time.time() > deadline:
        break
    time.sleep(1)
for e in errors:
    print(e)
print(f"{len(nodes)} nodes, {len(pods)} pods, {len(containers)} containers compared")
sys.exit(1 if errors else 0)
PY
result=$(python3 "$MPF_TMP/check.py" "$MPF_TMP/expect.json" "http://127.0.0.1:$prom_port" "http://127.0.0.1:$vm_port" \
  "http://127.0.0.1:$influx_port" 45) || fail "the servers' data differs from the farm's:
$result"
pass "Prometheus, VictoriaMetrics and InfluxDB hold the farm's values ($(tail -1 <<<"$result")): memory exactly, \
CPU rates within 1 µcore, cumulative CPU within its timestamp's rounding, totals, external label and tag"

metrics=$(self_metrics)
for sink in prom vm influx; do
  sent=$(metric_sum mpf_sink_sent_samples_total sink=$sink <<<"$metrics")
  batches=$(metric_sum mpf_sink_sent_batches_total sink=$sink <<<"$metrics")
  failed=$(metric_sum mpf_sink_failed_samples_total sink=$sink <<<"$metrics")
  failed_batches=$(metric_sum mpf_sink_failed_batches_total sink=$sink <<<"$metrics")
  dropped=$(metric_sum mpf_sink_dropped_snapshots_total sink=$sink <<<"$metrics")
  ((sent > 0 && batches > 0)) || fail "$sink: sent $sent samples in $batches batches"
  [[ $failed == 0 && $failed_batches == 0 && $dropped == 0 ]] \
    || fail "$sink: $failed samples ($failed_batches batches) failed, $dropped snapshots dropped: $(grep "sink=\"$sink\"" <<<"$metrics")"
done
# prom's max_samples_per_request of 50 must cut each snapshot into several requests.
prom_batches=$(metric_sum mpf_sink_sent_batches_total sink=prom <<<"$metrics")
vm_batches=$(metric_sum mpf_sink_sent_batches_total sink=vm <<<"$metrics")
((prom_batches > vm_batches)) || fail "max_samples_per_request: 50 sent $prom_batches batches, the default $vm_batches"
pass "self-metrics: every sink sent samples, none failed or dropped; prom cut snapshots into $prom_batches batches"
readyz=$(readyz_verbose)
for sink in prom vm influx; do
  grep -qx "sink $sink: ok" <<<"$readyz" || fail "/readyz?verbose does not show sink $sink ok: $readyz"
done
pass "/readyz?verbose shows every exporter ok"

kill -TERM "$ms_pid"
wait "$ms_pid" || fail "metrics-server did not exit 0 on SIGTERM: $(tail -5 "$MPF_TMP/log.txt")"
pass "metrics-server exited cleanly"
