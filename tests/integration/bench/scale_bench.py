#!/usr/bin/env python3
"""The scale benchmark driver (README "Performance", issue #8).

For each cluster size it starts the simulated cluster (kubelet-farm and fake-apiserver, core 0) and the
real `metrics-server` in its drop-in flag mode (core 1), warms up, measures a number of scrape cycles and
then the Metrics API under load, and in the same run Prometheus scraping the same farm (core 1) for the
same number of intervals. It prints, and writes as markdown with --out, one row per scenario:

  CPU core-seconds per cycle (utime + stime of /proc/PID/stat), cycle wall time p50/p99 (metrics-server's
  "Scrape finished" lines; they include metrics-server's start jitter of min(8 ms x nodes, 4 s)), RSS
  steady and peak (VmRSS/VmHWM), list-all latency (JSON and gzip, closed loop, one connection), small
  query throughput and latency (one pod, four connections), HPA-style query throughput (namespace + app
  selector, four connections), and Prometheus's CPU and memory over the same intervals with the ratios.

Scenarios: `steady`, `churn` (a tenth of the pods renamed every cycle on both the farm and the API
server, so every pod is renamed over 10 cycles) and `faulty` (10% of the nodes slow, hung, refusing,
answering 500 or garbage). `idle` is a one-node, one-pod cluster.

  tests/integration/bench/scale_bench.py --build build-release --sizes 100,1000,5000 --out results.md
  tests/integration/bench/scale_bench.py --build build --smoke      # the CI check (correctness only)

--smoke runs 50 nodes with 10% faults for 3 cycles at a 2 s resolution and asserts correctness, not
timing: every healthy node and pod is served with the farm's known values (CPU to the nanocore
rounding, memory exactly) and every faulty node is logged with the failure reason its mode must give.
Not part of CI otherwise: a full run takes about an hour and wants a quiet machine.
"""

import argparse
import json
import os
import re
import shutil
import shlex
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "scale-bench-token"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SIM_CORE, SERVER_CORE = "0", "1"
FAULT_REASONS = {"hang": "timeout", "slow": "timeout", "500": "http_status", "garbage": "parse_error",
                 "refuse": "connection_refused"}


def log(message):
    print(message, file=sys.stderr, flush=True)


def pinned(core, argv):
    if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1:
        return ["taskset", "-c", core] + argv
    return argv


class Process:
    """A child process with its log, CPU time and memory read from /proc."""

    def __init__(self, name, argv, work, core, env=None):
        self.name = name
        self.log_path = os.path.join(work, name + ".log")
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(pinned(core, argv), stdout=self.log_file, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)

    @property
    def pid(self):
        return self.proc.pid

    def cpu_seconds(self):
        fields = open("/proc/%d/stat" % self.pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def memory_mib(self):
        status = dict(line.split(":", 1) for line in open("/proc/%d/status" % self.pid))
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024

    def alive(self):
        return self.proc.poll() is None

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise SystemExit("timed out after %ds waiting for %s" % (seconds, what))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """kubelet-farm and fake-apiserver for one model, on the simulator's core."""

    def __init__(self, build, work, nodes, pods, containers, faults, seed=7):
        self.work = work
        self.kubelet_port = free_port()
        model = ["--nodes", str(nodes), "--pods-per-node", str(pods), "--containers-per-pod", str(containers),
                 "--seed", str(seed)]
        farm = [os.path.join(build, "bin", "kubelet-farm")] + model + [
            "--port", str(self.kubelet_port), "--ca-file", os.path.join(work, "kubelet-ca.pem"),
            "--require-token", TOKEN, "--ready-file", os.path.join(work, "farm-ready"),
            "--expect-file", os.path.join(work, "expect.json"), "--stats-interval-ms", "0",
            # One certificate per node, as real kubelets have: a single certificate naming 5000 addresses
            # costs every client ~0.7 MB per connection to keep and much CPU to verify.
            "--per-node-certs"]
        for mode, fraction in faults:
            farm += ["--fault", "%s:%s" % (mode, fraction)]
        self.farm = Process("kubelet-farm", farm, work, SIM_CORE)
        api = [os.path.join(build, "bin", "fake-apiserver")] + model + [
            "--kubelet-port", str(self.kubelet_port), "--token", TOKEN,
            "--kubeconfig-out", os.path.join(work, "kubeconfig"), "--ready-file", os.path.join(work, "api-ready")]
        self.api = Process("fake-apiserver", api, work, SIM_CORE)
        wait_for(lambda: os.path.exists(os.path.join(work, "farm-ready")) or not self.farm.alive(), 300, "kubelet-farm")
        wait_for(lambda: os.path.exists(os.path.join(work, "api-ready")) or not self.api.alive(), 300, "fake-apiserver")
        if not (self.farm.alive() and self.api.alive()):
            raise SystemExit("the simulator did not start:\n" + self.farm.text()[-2000:] + self.api.text()[-2000:])
        self.api_url = re.search(r"server: \"?([^\"\s]+)", open(os.path.join(work, "kubeconfig")).read()).group(1)

    def api_get(self, path):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        request = urllib.request.Request(self.api_url + path, headers={"Authorization": "Bearer " + TOKEN})
        with urllib.request.urlopen(request, context=context, timeout=60) as answer:
            return json.load(answer)

    def rename_pods(self):
        """The next churn generation (a tenth of the pods) on both, as one rollout would."""
        os.kill(self.farm.pid, signal.SIGUSR1)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        request = urllib.request.Request(self.api_url + "/fake/rename-pods", method="POST", data=b"",
                                         headers={"Authorization": "Bearer " + TOKEN})
        urllib.request.urlopen(request, context=context, timeout=60).read()

    def expectations(self):
        return json.load(open(os.path.join(self.work, "expect.json")))

    def stop(self):
        self.farm.stop()
        self.api.stop()


class MetricsServer:
    """The real binary in metrics-server's flag mode against the simulated cluster, on its own core."""

    def __init__(self, build, work, cluster, resolution, timeout, wrapper=()):
        self.port = free_port()
        self.work = work
        argv = list(wrapper) + [os.path.join(build, "bin", "metrics-server"), "--kubeconfig", os.path.join(work, "kubeconfig"),
                "--secure-port", str(self.port), "--bind-address", "127.0.0.1",
                "--cert-dir", os.path.join(work, "certs"), "--kubelet-use-node-status-port",
                "--kubelet-preferred-address-types=InternalIP",
                "--kubelet-certificate-authority", os.path.join(work, "kubelet-ca.pem"),
                "--metric-resolution", "%ds" % resolution, "--kubelet-request-timeout", timeout, "-v", "1"]
        self.process = Process("metrics-server", argv, work, SERVER_CORE)
        wait_for(lambda: "Serving the Metrics API" in self.process.text() or not self.process.alive(), 60,
                 "metrics-server to serve")
        if not self.process.alive():
            raise SystemExit("metrics-server exited:\n" + self.process.text()[-3000:])

    def cycles(self):
        """[(cycle, seconds, targets, failures)] of every "Scrape finished" line so far."""
        out = []
        for m in re.finditer(r'"Scrape finished" cycle=(\d+) duration="([^"]+)" targets=(\d+) failures=(\d+)',
                             self.process.text()):
            out.append((int(m.group(1)), go_duration(m.group(2)), int(m.group(3)), int(m.group(4))))
        return out

    def wait_cycle(self, n, seconds):
        wait_for(lambda: len(self.cycles()) >= n or not self.process.alive(), seconds, "cycle %d" % n)
        if not self.process.alive():
            raise SystemExit("metrics-server exited:\n" + self.process.text()[-3000:])

    def get(self, path):
        context = ssl.create_default_context(cafile=os.path.join(self.work, "certs", "apiserver.crt"))
        request = urllib.request.Request("https://127.0.0.1:%d%s" % (self.port, path),
                                         headers={"Authorization": "Bearer " + TOKEN})
        with urllib.request.urlopen(request, context=context, timeout=60) as answer:
            return json.load(answer)

    def stop(self):
        self.process.stop()


def go_duration(text):
    total = 0.0
    for number, unit in re.findall(r"([0-9.]+)(ns|us|µs|ms|s|m|h)", text):
        total += float(number) * {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def hpa_target(pod_list):
    """What an HPA asks for: one Deployment's pods, by namespace and app label: (namespace, app, pods). The
    app with the fewest pods (at least two where there are); the simulated catalog has 12 apps, so it still matches about
    a twelfth of the cluster."""
    counts = {}
    for pod in pod_list["items"]:
        meta = pod["metadata"]
        key = (meta["namespace"], meta.get("labels", {}).get("app"))
        if key[1]:
            counts[key] = counts.get(key, 0) + 1
    groups = [(n, key) for key, n in counts.items() if n >= 2] or [(n, key) for key, n in counts.items()]
    n, (namespace, app) = min(groups)
    return namespace, app, n


def load(build, port, target, seconds, connections=1, gzip=False):
    """metrics_api_load closed loop on the simulator's core: (requests/s, p50 ms, p99 ms, body KiB)."""
    argv = [os.path.join(build, "bin", "metrics_api_load"), "load", "--port", str(port), "--target", target,
            "--seconds", str(seconds), "--connections", str(connections), "--token", TOKEN]
    if gzip:
        argv.append("--gzip")
    done = subprocess.run(pinned(SIM_CORE, argv), capture_output=True, text=True)
    out = done.stdout
    m = re.search(r"requests=(\d+) errors=(\d+) req/s=(\d+) body=([0-9.]+) KiB p50=([0-9.]+) ms p99=([0-9.]+) ms", out)
    if not m or int(m.group(1)) == 0:
        raise SystemExit("metrics_api_load printed: " + out + done.stderr)
    if int(m.group(2)) != 0:
        # Reported in the row's log line rather than ending the run: one scenario's refusals (a renamed
        # pod's 404) must not lose the others' figures.
        log("warning: %s errors of %s requests on %s" % (m.group(2), m.group(1), target))
    return float(m.group(3)), float(m.group(5)), float(m.group(6)), float(m.group(4))


def measure_metrics_server(args, build, work, cluster, nodes, churn):
    server = MetricsServer(build, work, cluster, args.resolution, args.scrape_timeout,
                           shlex.split(args.server_wrapper))
    try:
        wait = args.resolution * (args.warmup + 2) + 120
        server.wait_cycle(args.warmup, wait)
        first = len(server.cycles())
        cpu_start = server.process.cpu_seconds()
        for i in range(args.cycles):
            if churn:
                cluster.rename_pods()
            server.wait_cycle(first + i + 1, args.resolution + 120)
        cpu = (server.process.cpu_seconds() - cpu_start) / args.cycles
        measured = server.cycles()[first:first + args.cycles]
        if churn:
            # The last rename's pods need two samples before they are served: let the queries below
            # find the names the API server lists.
            server.wait_cycle(first + args.cycles + 2, 2 * args.resolution + 120)
        durations = [c[1] for c in measured]
        rss, peak = server.process.memory_mib()
        row = {"cpu_per_cycle": cpu, "cycle_p50": percentile(durations, 50), "cycle_p99": percentile(durations, 99),
               "rss": rss, "peak": peak, "failures": measured[-1][3], "targets": measured[-1][2]}
        if args.load_seconds > 0:
            pod_list = cluster.api_get("/api/v1/pods")
            namespace, app, matched = hpa_target(pod_list)
            selector = "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods?labelSelector=app%%3D%s" % (namespace, app)
            # One pod the server serves now (under churn, the API server's newest names may not have
            # their two samples yet).
            served = server.get("/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods" % namespace)["items"]
            one = served[len(served) // 2]["metadata"]
            single = "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods/%s" % (one["namespace"], one["name"])
            row["list_json"] = load(build, server.port, "/apis/metrics.k8s.io/v1beta1/pods", args.load_seconds)
            row["list_gzip"] = load(build, server.port, "/apis/metrics.k8s.io/v1beta1/pods", args.load_seconds, gzip=True)
            row["hpa"] = load(build, server.port, selector, args.load_seconds, connections=4)
            row["hpa_pods"] = matched
            row["single"] = load(build, server.port, single, args.load_seconds, connections=4)
            row["peak"] = server.process.memory_mib()[1]
        return row
    finally:
        server.stop()


def measure_prometheus(args, work, cluster, nodes):
    binary = shutil.which("prometheus")
    if binary is None:
        return None
    targets = ["%s:%d" % (node["address"], cluster.kubelet_port) for node in cluster.expectations()["nodes"]]
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        f.write("global:\n  scrape_interval: %ds\n  scrape_timeout: %s\n" % (args.resolution, args.scrape_timeout))
        f.write("scrape_configs:\n  - job_name: kubelet\n    scheme: https\n    metrics_path: /metrics/resource\n")
        f.write("    authorization: {credentials: %s}\n" % TOKEN)
        f.write("    tls_config: {ca_file: %s}\n" % os.path.join(work, "kubelet-ca.pem"))
        f.write("    static_configs:\n      - targets: %s\n" % json.dumps(targets))
    data = os.path.join(work, "prometheus-data")
    port = free_port()
    prometheus = Process("prometheus", [binary, "--config.file", config, "--storage.tsdb.path", data,
                                        "--web.listen-address", "127.0.0.1:%d" % port, "--log.level", "warn"],
                         work, SERVER_CORE)
    try:
        time.sleep(args.resolution * args.warmup)
        if not prometheus.alive():
            raise SystemExit("prometheus exited:\n" + prometheus.text()[-3000:])
        cpu_start = prometheus.cpu_seconds()
        for _ in range(args.cycles):
            time.sleep(args.resolution)
        cpu = (prometheus.cpu_seconds() - cpu_start) / args.cycles
        rss, peak = prometheus.memory_mib()
        up = urllib.request.urlopen("http://127.0.0.1:%d/api/v1/query?query=sum(up)" % port, timeout=30).read()
        return {"cpu_per_cycle": cpu, "rss": rss, "peak": peak, "up": json.loads(up)["data"]["result"][0]["value"][1]}
    finally:
        prometheus.stop()


def scenario_faults(name):
    if name == "faulty":
        return [("slow", "0.02"), ("hang", "0.02"), ("refuse", "0.02"), ("500", "0.02"), ("garbage", "0.02")]
    return []


def run_scenario(args, build, nodes, name):
    work = tempfile.mkdtemp(prefix="scale-bench-")
    pods, containers = (1, 1) if name == "idle" else (args.pods_per_node, 2)
    log("== %s, %d nodes x %d pods x %d containers" % (name, nodes, pods, containers))
    cluster = Cluster(build, work, nodes, pods, containers, scenario_faults(name))
    try:
        row = measure_metrics_server(args, build, work, cluster, nodes, churn=(name == "churn"))
        row.update({"scenario": name, "nodes": nodes, "pods": nodes * pods})
        if args.prometheus and name in args.prometheus_scenarios.split(","):
            row["prometheus"] = measure_prometheus(args, work, cluster, nodes)
        log(json.dumps(row))
        return row
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


def markdown(rows, args):
    out = ["| scenario | nodes | pods | cycle CPU (core-s) | cycle p50 / p99 (s) | RSS steady / peak (MiB) | "
           "list all JSON p50 / p99 (ms) | gzip p50 / p99 (ms) | one pod: queries/s (p50 / p99 ms) | "
           "app selector: pods, queries/s (p50 / p99 ms) | Prometheus CPU (core-s) / peak RSS (MiB) | "
           "CPU / memory vs Prometheus |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        def lat(key):
            return "%.1f / %.1f" % (r[key][1], r[key][2]) if key in r else "–"
        hpa = ("%d, %.0f (%.2f / %.2f)" % (r["hpa_pods"], r["hpa"][0], r["hpa"][1], r["hpa"][2])
               if "hpa" in r else "–")
        single = "%.0f (%.2f / %.2f)" % (r["single"][0], r["single"][1], r["single"][2]) if "single" in r else "–"
        prom = r.get("prometheus")
        prom_text = "%.3f / %.0f" % (prom["cpu_per_cycle"], prom["peak"]) if prom else "–"
        ratio = ("%.0f× / %.0f×" % (prom["cpu_per_cycle"] / max(r["cpu_per_cycle"], 1e-9), prom["peak"] / r["peak"])
                 if prom else "–")
        out.append("| %s | %d | %d | %.3f | %.3f / %.3f | %.0f / %.0f | %s | %s | %s | %s | %s | %s |" % (
            r["scenario"], r["nodes"], r["pods"], r["cpu_per_cycle"], r["cycle_p50"], r["cycle_p99"], r["rss"],
            r["peak"], lat("list_json"), lat("list_gzip"), single, hpa, prom_text, ratio))
    out.append("")
    out.append("%d warm-up + %d measured cycles at %ds; metrics-server and Prometheus on core %s, the simulator "
               "and the load on core %s; list and query load %ds each." % (
                   args.warmup, args.cycles, args.resolution, SERVER_CORE, SIM_CORE, args.load_seconds))
    return "\n".join(out) + "\n"


def quantity_nanocores(text):
    if text.endswith("n"):
        return int(text[:-1])
    if text.endswith("u"):
        return int(text[:-1]) * 1000
    if text.endswith("m"):
        return int(text[:-1]) * 1000000
    return int(float(text) * 1e9)


def quantity_bytes(text):
    for suffix, scale in (("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30)):
        if text.endswith(suffix):
            return int(text[:-2]) * scale
    return int(text)


def smoke(args, build):
    """50 nodes, 10% faulty, 3 cycles at 2 s: every healthy node and pod has the farm's values; every faulty
    node is logged with its reason."""
    work = tempfile.mkdtemp(prefix="scale-smoke-")
    nodes = 50
    faults = [("hang", "0.02"), ("refuse", "0.02"), ("500", "0.02"), ("garbage", "0.02"), ("slow", "0.02")]
    cluster = Cluster(build, work, nodes, 6, 2, faults)
    failures = []
    try:
        # slow answers after 3 s, past the 1500 ms timeout the 2 s resolution allows.
        server = MetricsServer(build, work, cluster, 2, "1500ms")
        try:
            server.wait_cycle(3, 60)
            expect = cluster.expectations()
            node_list = {i["metadata"]["name"]: i for i in server.get("/apis/metrics.k8s.io/v1beta1/nodes")["items"]}
            pod_list = {(i["metadata"]["namespace"], i["metadata"]["name"]): i
                        for i in server.get("/apis/metrics.k8s.io/v1beta1/pods")["items"]}
            text = server.process.text()
            healthy = faulty = pods_checked = 0
            for node in expect["nodes"]:
                name = node["name"]
                if node["fault"] == "none":
                    healthy += 1
                    got = node_list.get(name)
                    if got is None:
                        failures.append("healthy node %s is not served" % name)
                        continue
                    check_usage(failures, name, got["usage"], node["cpu_nanocores"], node["memory_bytes"], 1)
                    for pod in node["pods"]:
                        served = pod_list.get((pod["namespace"], pod["name"]))
                        if served is None:
                            failures.append("pod %s/%s of healthy node %s is not served" % (pod["namespace"], pod["name"], name))
                            continue
                        for container in pod["containers"]:
                            usage = next((c["usage"] for c in served["containers"] if c["name"] == container["name"]), None)
                            if usage is None:
                                failures.append("container %s of pod %s is not served" % (container["name"], pod["name"]))
                                continue
                            check_usage(failures, pod["name"] + "/" + container["name"], usage,
                                        container["cpu_nanocores"], container["memory_bytes"], 1)
                        pods_checked += 1
                else:
                    faulty += 1
                    if name in node_list:
                        failures.append("faulty node %s (%s) is served" % (name, node["fault"]))
                    want = FAULT_REASONS[node["fault"]]
                    if not re.search(r'"Failed to scrape target".*target="%s".*reason="%s"' % (name, want), text):
                        failures.append("faulty node %s (%s) was not logged with reason %s" % (name, node["fault"], want))
            log("smoke: %d healthy nodes and %d pods checked, %d faulty nodes" % (healthy, pods_checked, faulty))
            if faulty != 5 or healthy != 45:
                failures.append("expected 45 healthy and 5 faulty nodes, got %d and %d" % (healthy, faulty))
        finally:
            server.stop()
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        raise SystemExit("FAIL:\n  " + "\n  ".join(failures[:40]))
    print("ok: smoke at 50 nodes: every healthy node and pod served with the farm's values; faults reported")


def check_usage(failures, what, usage, cpu_nanocores, memory_bytes, containers):
    cpu = quantity_nanocores(usage["cpu"])
    # The API serves whole nanocores of a rate over two samples; the farm's truth is exact. 1 µcore slack.
    if abs(cpu - cpu_nanocores) > 1000 * containers:
        failures.append("%s: cpu %s, the farm's rate is %dn" % (what, usage["cpu"], cpu_nanocores))
    if quantity_bytes(usage["memory"]) != memory_bytes:
        failures.append("%s: memory %s, the farm's is %d" % (what, usage["memory"], memory_bytes))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="build directory (use a Release build for figures)")
    parser.add_argument("--sizes", default="100,1000,5000", help="node counts, comma-separated")
    parser.add_argument("--scenarios", default="steady,churn,faulty", help="steady, churn, faulty (comma-separated)")
    parser.add_argument("--pods-per-node", type=int, default=30)
    parser.add_argument("--resolution", type=int, default=15, help="seconds between cycles")
    parser.add_argument("--scrape-timeout", default="10s")
    parser.add_argument("--warmup", type=int, default=2, help="cycles before measuring")
    parser.add_argument("--cycles", type=int, default=10, help="cycles measured")
    parser.add_argument("--load-seconds", type=int, default=10, help="seconds of each Metrics API load (0: none)")
    parser.add_argument("--no-prometheus", dest="prometheus", action="store_false")
    parser.add_argument("--prometheus-scenarios", default="steady",
                        help="scenarios Prometheus is also measured in (comma-separated; it scrapes the same farm)")
    parser.add_argument("--no-idle", dest="idle", action="store_false")
    parser.add_argument("--out", help="also write the markdown table here")
    parser.add_argument("--smoke", action="store_true", help="the CI correctness check")
    parser.add_argument("--server-wrapper", default="",
                        help="command prefix for metrics-server, for profiling (e.g. \"heaptrack -o /tmp/ms\"); "
                             "its CPU and memory figures then include the wrapper's")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    if args.smoke:
        return smoke(args, build)
    if args.prometheus and shutil.which("prometheus") is None:
        raise SystemExit("prometheus is not installed (apt-get install prometheus), or pass --no-prometheus")
    rows = []
    if args.idle:
        rows.append(run_scenario(args, build, 1, "idle"))
    for size in [int(s) for s in args.sizes.split(",") if s]:
        for name in [s for s in args.scenarios.split(",") if s]:
            rows.append(run_scenario(args, build, size, name))
    table = markdown(rows, args)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
