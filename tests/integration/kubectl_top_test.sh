#!/usr/bin/env bash
# The real `kubectl top` through the aggregation layer: kubelet-farm -> metrics-server (kubelet_resource ->
# rates -> metrics_api) <- fake-apiserver --aggregate-metrics <- kubectl top, for every kubectl found
# (`kubectl` on PATH and kubectl.1.27 ... kubectl.1.33 beside it) and Debian's kubectl 1.20 (package
# kubernetes-client, cached under the build tree). Every node and pod must be printed with the farm's
# usage as kubectl rounds it: CPU MilliValue() (nanocores rounded up to millicores) + "m", memory
# Value()/2^20 + "Mi" (kubectl's metricsutil/metrics_printer.go); `get nodemetrics`, `get podmetrics -A`
# and `get --raw .../nodes` must show the exact quantities served.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
token=kubectl-top-token
model=(--nodes 3 --pods-per-node 4 --seed 23)
command -v kubectl >/dev/null || fail "no kubectl on PATH"
command -v python3 >/dev/null || fail "python3 is needed to check kubectl's tables"

# kubelet-farm -> metrics-server <- fake-apiserver --aggregate-metrics; pods (with labels) in pods.json.
start_aggregated_stack "$build" "$token" "${model[@]}"
pass "the aggregator proxies /apis/metrics.k8s.io/v1beta1/{nodes,pods}"

export HOME=$MPF_TMP  # kubectl's discovery cache stays in the test's directory
# As a user of the view role (not system:masters), so that the aggregator and metrics-server both
# authorize every request by RBAC (metrics-server through SubjectAccessReview).
kc=(--kubeconfig "$MPF_TMP/users/viewer.kubeconfig")

cat >"$MPF_TMP/check.py" <<'PY'
import json, sys

NANO_PER_MILLI = 1000000
TOLERANCE = 1000  # nanocores per container: the metrics_api's rates against the farm's (1 µcore).

def milli_up(nanocores):
    return -(-nanocores // NANO_PER_MILLI)

def cpu_ok(text, nanocores, containers):
    if not text.endswith("m"):
        return False
    got = int(text[:-1])
    return milli_up(nanocores - TOLERANCE * containers) <= got <= milli_up(nanocores + TOLERANCE * containers)

def mem_text(memory_bytes):
    return "%dMi" % (memory_bytes // (1 << 20))

def table(path):
    lines = [l.split() for l in open(path).read().splitlines() if l.strip()]
    if not lines:
        sys.exit("empty output")
    return lines[0], lines[1:]

def want(cond, message):
    if not cond:
        sys.exit(message)

def quantity(text):  # CPU in nanocores
    for suffix, scale in (("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("n", 1), ("u", 1000),
                          ("m", 1000000), ("k", 1000 * 10**9)):
        if text.endswith(suffix):
            return int(text[:-len(suffix)]) * scale
    return int(text) * 10**9

def memory(text):  # bytes
    for suffix, scale in (("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("k", 1000)):
        if text.endswith(suffix):
            return int(text[:-len(suffix)]) * scale
    return int(text)

mode, expect_path, pods_path, out_path = sys.argv[1:5]
args = sys.argv[5:]
expect = json.load(open(expect_path))
labels = {(p["metadata"]["namespace"], p["metadata"]["name"]): p["metadata"].get("labels", {})
          for p in json.load(open(pods_path))["items"]}
nodes = {n["name"]: n for n in expect["nodes"]}
pods = {(p["namespace"], p["name"]): p for n in expect["nodes"] for p in n["pods"]}

if mode == "raw-nodes":
    # `get --raw /apis/metrics.k8s.io/v1beta1/nodes`: the NodeMetricsList as served, exact quantities.
    body = json.load(open(out_path))
    want(body.get("kind") == "NodeMetricsList" and body.get("apiVersion") == "metrics.k8s.io/v1beta1",
         "kind/apiVersion: %s/%s" % (body.get("kind"), body.get("apiVersion")))
    got = {i["metadata"]["name"]: i for i in body["items"]}
    want(sorted(got) == sorted(nodes), "nodes listed %s, want %s" % (sorted(got), sorted(nodes)))
    for name, item in got.items():
        cpu, mem = quantity(item["usage"]["cpu"]), memory(item["usage"]["memory"])
        want(abs(cpu - nodes[name]["cpu_nanocores"]) <= TOLERANCE,
             "%s cpu %s, farm's %d nanocores" % (name, item["usage"]["cpu"], nodes[name]["cpu_nanocores"]))
        want(mem == nodes[name]["memory_bytes"],
             "%s memory %s, farm's %d bytes" % (name, item["usage"]["memory"], nodes[name]["memory_bytes"]))
    sys.exit(0)

head, rows = table(out_path)

if mode.startswith("node"):
    want(head[:3] == ["NAME", "CPU(cores)", "MEMORY(bytes)"] or head[:2] == ["NAME", "CPU(cores)"],
         "node header: %s" % head)
    want("CPU(cores)" in head and "MEMORY(bytes)" in head, "node header: %s" % head)
    cpu_col, mem_col = head.index("CPU(cores)"), head.index("MEMORY(bytes)")
    names = [r[0] for r in rows]
    wanted = [args[0]] if mode == "node-one" else sorted(nodes)
    want(sorted(names) == sorted(wanted), "nodes printed %s, want %s" % (names, wanted))
    for r in rows:
        n = nodes[r[0]]
        want(cpu_ok(r[cpu_col], n["cpu_nanocores"], 1),
             "%s cpu %s, farm's %d nanocores -> %dm" % (r[0], r[cpu_col], n["cpu_nanocores"], milli_up(n["cpu_nanocores"])))
        want(r[mem_col] == mem_text(n["memory_bytes"]),
             "%s memory %s, farm's %d bytes -> %s" % (r[0], r[mem_col], n["memory_bytes"], mem_text(n["memory_bytes"])))
    if mode == "node-sorted":
        cpus = [int(r[cpu_col][:-1]) for r in rows]
        want(cpus == sorted(cpus, reverse=True), "--sort-by=cpu not descending: %s" % cpus)
elif mode in ("pod-all", "pod-selected", "pod-selected-ns"):
    if mode == "pod-selected-ns":
        # One namespace (the context's): no NAMESPACE column; rows are re-keyed with it.
        namespace = args[1]
        want(head[:3] == ["NAME", "CPU(cores)", "MEMORY(bytes)"], "pod header: %s" % head)
        rows = [[namespace] + r for r in rows]
    else:
        want(head[:4] == ["NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"], "pod header: %s" % head)
    printed = sorted((r[0], r[1]) for r in rows)
    if mode == "pod-all":
        wanted = sorted(pods)
    else:
        key, value = args[0].split("=", 1)
        wanted = sorted(k for k in pods if labels.get(k, {}).get(key) == value
                        and (mode == "pod-selected" or k[0] == args[1]))
        want(0 < len(wanted) < len(pods), "selector %s selects %d of %d pods" % (args[0], len(wanted), len(pods)))
    want(printed == wanted, "pods printed %s, want %s" % (printed, wanted))
    for r in rows:
        p = pods[(r[0], r[1])]
        n = len(p["containers"])
        want(cpu_ok(r[2], p["cpu_nanocores"], n), "%s/%s cpu %s, farm's %d nanocores" % (r[0], r[1], r[2], p["cpu_nanocores"]))
        want(r[3] == mem_text(p["memory_bytes"]), "%s/%s memory %s, farm's %d bytes" % (r[0], r[1], r[3], p["memory_bytes"]))
elif mode == "containers":
    namespace = args[0]
    want(head[:4] == ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"], "container header: %s" % head)
    wanted = sorted((k[1], c["name"]) for k, p in pods.items() if k[0] == namespace for c in p["containers"])
    printed = sorted((r[0], r[1]) for r in rows)
    want(printed == wanted, "containers printed %s, want %s" % (printed, wanted))
    for r in rows:
        c = next(c for c in pods[(namespace, r[0])]["containers"] if c["name"] == r[1])
        want(cpu_ok(r[2], c["cpu_nanocores"], 1), "%s/%s cpu %s, farm's %d nanocores" % (r[0], r[1], r[2], c["cpu_nanocores"]))
        want(r[3] == mem_text(c["memory_bytes"]), "%s/%s memory %s, farm's %d bytes" % (r[0], r[1], r[3], c["memory_bytes"]))
elif mode in ("get-nodes", "get-pods"):
    # `kubectl get nodemetrics` / `get podmetrics -A`: the server's Table printed as is, column names
    # upper-cased; cells are the exact quantities the API serves (pods: the containers' sums).
    if mode == "get-nodes":
        want(head == ["NAME", "CPU", "MEMORY", "WINDOW"], "nodemetrics header: %s" % head)
        printed = sorted(r[0] for r in rows)
        want(printed == sorted(nodes), "nodemetrics printed %s, want %s" % (printed, sorted(nodes)))
        items = [(nodes[r[0]], r[1], r[2], r[3], 1) for r in rows]
    else:
        want(head == ["NAMESPACE", "NAME", "CPU", "MEMORY", "WINDOW"], "podmetrics header: %s" % head)
        printed = sorted((r[0], r[1]) for r in rows)
        want(printed == sorted(pods), "podmetrics printed %s, want %s" % (printed, sorted(pods)))
        items = [(pods[(r[0], r[1])], r[2], r[3], r[4], len(pods[(r[0], r[1])]["containers"])) for r in rows]
    for item, cpu, mem, window, n in items:
        got = quantity(cpu)
        want(abs(got - item["cpu_nanocores"]) <= TOLERANCE * n,
             "cpu cell %s = %d nanocores, farm's %d" % (cpu, got, item["cpu_nanocores"]))
        want(memory(mem) == item["memory_bytes"], "memory cell %s, farm's %d bytes" % (mem, item["memory_bytes"]))
        want(window.endswith("s"), "window cell %s" % window)
else:
    sys.exit("unknown mode " + mode)
PY

namespace=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"][0]["pods"][0]["namespace"])' "$MPF_TMP/expect.json")
app=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["metadata"]["labels"]["app"])' "$MPF_TMP/pods.json")
# `top pod -l` without -A looks in the kubeconfig context's namespace, which is "default" here.
default_app=$(python3 -c 'import json,sys
print(next(p["metadata"]["labels"]["app"] for p in json.load(open(sys.argv[1]))["items"] if p["metadata"]["namespace"] == "default"))' \
  "$MPF_TMP/pods.json") || fail "no pod with an app label in namespace default"
[[ -n "$namespace" && -n "$app" && -n "$default_app" ]] || fail "no namespace or app label to test with"

# Debian's kubectl 1.20 needs no special handling: its tables differ from the newer ones only in trailing
# padding (every cell is followed by three spaces), which the checker's split() ignores; it has -A, -l,
# --containers and --sort-by, and no --sum/--show-capacity, which are not used here.
find_kubectls "$build"

# run_top <kubectl> <check mode> <check args...> -- <top args...>
run_top() {
  local k=$1 mode=$2 check_args=() top_args
  shift 2
  while [[ $1 != -- ]]; do check_args+=("$1"); shift; done
  shift
  top_args=("$@")
  rm -rf "$MPF_TMP/.kube"
  "$k" "${kc[@]}" top "${top_args[@]}" >"$MPF_TMP/top.txt" 2>"$MPF_TMP/top.err" \
    || fail "$k top ${top_args[*]} exited $?: $(cat "$MPF_TMP/top.err")"
  python3 "$MPF_TMP/check.py" "$mode" "$MPF_TMP/expect.json" "$MPF_TMP/pods.json" "$MPF_TMP/top.txt" \
    "${check_args[@]}" 2>"$MPF_TMP/check.err" \
    || fail "$k top ${top_args[*]}: $(cat "$MPF_TMP/check.err")
$(cat "$MPF_TMP/top.txt")"
}

# run_get <kubectl> <check mode> -- <get args...>: kubectl get on the metrics resources (Table output).
run_get() {
  local k=$1 mode=$2
  shift 3
  rm -rf "$MPF_TMP/.kube"
  "$k" "${kc[@]}" get "$@" >"$MPF_TMP/get.txt" 2>"$MPF_TMP/get.err" \
    || fail "$k get $* exited $?: $(cat "$MPF_TMP/get.err")"
  python3 "$MPF_TMP/check.py" "$mode" "$MPF_TMP/expect.json" "$MPF_TMP/pods.json" "$MPF_TMP/get.txt" \
    2>"$MPF_TMP/check.err" || fail "$k get $*: $(cat "$MPF_TMP/check.err")
$(cat "$MPF_TMP/get.txt")"
}

# run_raw <kubectl> <path>: kubectl get --raw on the NodeMetricsList, parsed and compared.
run_raw() {
  local k=$1 path=$2
  rm -rf "$MPF_TMP/.kube"
  "$k" "${kc[@]}" get --raw "$path" >"$MPF_TMP/raw.json" 2>"$MPF_TMP/raw.err" \
    || fail "$k get --raw $path exited $?: $(cat "$MPF_TMP/raw.err")"
  python3 "$MPF_TMP/check.py" raw-nodes "$MPF_TMP/expect.json" "$MPF_TMP/pods.json" "$MPF_TMP/raw.json" \
    2>"$MPF_TMP/check.err" || fail "$k get --raw $path: $(cat "$MPF_TMP/check.err")
$(head -c 2000 "$MPF_TMP/raw.json")"
}

passed=()
for k in "${kubectls[@]}"; do
  version=$("$k" version --client -o json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])' || echo unknown)
  run_top "$k" node -- node
  run_top "$k" node-one node-00001 -- node node-00001
  run_top "$k" pod-all -- pod -A
  run_top "$k" containers "$namespace" -- pod -n "$namespace" --containers
  run_top "$k" pod-selected "app=$app" -- pod -A -l "app=$app"
  run_top "$k" node-sorted -- node --sort-by=cpu
  run_top "$k" pod-selected-ns "app=$default_app" default -- pod -l "app=$default_app"
  run_get "$k" get-nodes -- nodemetrics
  run_get "$k" get-pods -- podmetrics -A
  run_raw "$k" /apis/metrics.k8s.io/v1beta1/nodes
  name=$(basename "$k")
  [[ $k == "$debian_kubectl" ]] && name="debian-kubectl"
  passed+=("$name ($version)")
  pass "$name $version: top node, node NAME, pod -A, pod -n --containers, pod -A -l, pod -l, node --sort-by=cpu, get nodemetrics, get podmetrics -A, get --raw .../nodes"
done
echo "kubectl versions that passed: ${passed[*]}"

# Both authorizations really happened for the viewer: the aggregator's own (source "request") and
# metrics-server's SubjectAccessReview for the identity the front proxy passed on.
python3 - "$MPF_TMP/rbac-usage.json" <<'PY' || fail "RBAC decisions for viewer: $(head -c 1500 "$MPF_TMP/rbac-usage.json")"
import json, sys
decisions = json.load(open(sys.argv[1]))["decisions"]
def seen(source, resource):
    return any(d["user"] == "viewer" and d.get("source") == source and d.get("group") == "metrics.k8s.io"
               and d.get("resource") == resource and d["allowed"] for d in decisions)
missing = [(s, r) for s in ("request", "subjectaccessreview") for r in ("nodes", "pods") if not seen(s, r)]
if missing:
    sys.exit("no allowed decision for viewer: %s" % missing)
PY
pass "kubectl ran as viewer: the aggregator and metrics-server (SubjectAccessReview) both authorized it by RBAC"

# The aggregator's answer when metrics-server is gone: 503 as kube-apiserver gives it.
kill -TERM "$ms_pid"
wait "$ms_pid" || fail "metrics-server did not exit 0 on SIGTERM"
out=$(kubectl "${kc[@]}" top node 2>&1) && fail "kubectl top node succeeded without metrics-server: $out"
expect_contains "kubectl top without metrics-server" "$out" "the server is currently unable to handle the request"
pass "metrics-server down: 503 ServiceUnavailable through the aggregator"
