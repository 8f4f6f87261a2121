"""The official Python client (python3-kubernetes) against the Metrics API through the aggregator.

Usage: python_client_check.py KUBECONFIG EXPECT_JSON PODS_JSON

EXPECT_JSON is kubelet-farm's --expect-file (usage per node, pod and container), PODS_JSON the fake
apiserver's pod list (for labels). Every call goes through kubernetes.client.CustomObjectsApi, as a
Python controller reading metrics.k8s.io would; quantities are parsed as Kubernetes does
(apimachinery resource.Quantity: decimal and binary SI suffixes, exponents), not by string comparison.
Exits non-zero with one line saying what differed.
"""
import json
import re
import sys
from decimal import Decimal

from kubernetes import client, config
from kubernetes.client.rest import ApiException

GROUP, VERSION = "metrics.k8s.io", "v1beta1"
# Nanocores per container: metrics-server's rates against the farm's (as in kubectl_top_test.sh).
CPU_TOLERANCE_NANOCORES = 1000

_SUFFIXES = {
    "n": Decimal(10) ** -9, "u": Decimal(10) ** -6, "m": Decimal(10) ** -3, "": Decimal(1),
    "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9, "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30, "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$")


def parse_quantity(text):
    """A Kubernetes quantity string as an exact Decimal in base units (cores, bytes)."""
    match = _QUANTITY.match(str(text))
    if not match:
        raise ValueError("not a Kubernetes quantity: %r" % (text,))
    number, exponent, suffix = match.groups()
    value = Decimal(number)
    if exponent:
        return value * Decimal(10) ** int(exponent[1:])
    return value * _SUFFIXES[suffix or ""]


def check(cond, message):
    if not cond:
        sys.exit("FAIL: " + message)


def check_usage(what, usage, want, containers):
    cpu_nanocores = parse_quantity(usage["cpu"]) * 10**9
    check(abs(cpu_nanocores - want["cpu_nanocores"]) <= CPU_TOLERANCE_NANOCORES * containers,
          "%s cpu %s = %s nanocores, farm's %d" % (what, usage["cpu"], cpu_nanocores, want["cpu_nanocores"]))
    memory = parse_quantity(usage["memory"])
    check(memory == want["memory_bytes"],
          "%s memory %s = %s bytes, farm's %d" % (what, usage["memory"], memory, want["memory_bytes"]))


def check_node(item, nodes):
    name = item["metadata"]["name"]
    check(name in nodes, "unexpected node %s" % name)
    check(item.get("window"), "node %s has no window" % name)
    check_usage("node " + name, item["usage"], nodes[name], 1)


def check_pod(item, pods):
    key = (item["metadata"]["namespace"], item["metadata"]["name"])
    check(key in pods, "unexpected pod %s/%s" % key)
    want = {c["name"]: c for c in pods[key]["containers"]}
    got = {c["name"]: c for c in item["containers"]}
    check(sorted(got) == sorted(want), "pod %s/%s containers %s, want %s" % (key + (sorted(got), sorted(want))))
    for name, container in got.items():
        check_usage("container %s/%s/%s" % (key + (name,)), container["usage"], want[name], 1)
    # What kubectl top prints for a pod: the sum of its containers.
    cpu = sum(parse_quantity(c["usage"]["cpu"]) for c in item["containers"]) * 10**9
    memory = sum(parse_quantity(c["usage"]["memory"]) for c in item["containers"])
    check(abs(cpu - pods[key]["cpu_nanocores"]) <= CPU_TOLERANCE_NANOCORES * len(want),
          "pod %s/%s cpu sum %s nanocores, farm's %d" % (key + (cpu, pods[key]["cpu_nanocores"])))
    check(memory == pods[key]["memory_bytes"],
          "pod %s/%s memory sum %s, farm's %d" % (key + (memory, pods[key]["memory_bytes"])))
    return key


def check_list(body, kind):
    check(body.get("kind") == kind, "kind %s, want %s" % (body.get("kind"), kind))
    check(body.get("apiVersion") == GROUP + "/" + VERSION, "apiVersion %s" % body.get("apiVersion"))
    return body["items"]


def main():
    kubeconfig, expect_path, pods_path = sys.argv[1:4]
    expect = json.load(open(expect_path))
    nodes = {n["name"]: n for n in expect["nodes"]}
    pods = {(p["namespace"], p["name"]): p for n in expect["nodes"] for p in n["pods"]}
    labels = {(p["metadata"]["namespace"], p["metadata"]["name"]): p["metadata"].get("labels") or {}
              for p in json.load(open(pods_path))["items"]}
    check(len(nodes) > 1 and len(pods) > 1, "the farm's model is too small to test with")

    config.load_kube_config(config_file=kubeconfig)
    api = client.CustomObjectsApi()

    items = check_list(api.list_cluster_custom_object(GROUP, VERSION, "nodes"), "NodeMetricsList")
    for item in items:
        check_node(item, nodes)
    names = sorted(i["metadata"]["name"] for i in items)
    check(names == sorted(nodes), "nodes listed %s, want %s" % (names, sorted(nodes)))
    print("ok: list_cluster_custom_object nodes: %d nodes, usage as the farm's" % len(items))

    items = check_list(api.list_cluster_custom_object(GROUP, VERSION, "pods"), "PodMetricsList")
    keys = sorted(check_pod(item, pods) for item in items)
    check(keys == sorted(pods), "pods listed %s, want %s" % (keys, sorted(pods)))
    print("ok: list_cluster_custom_object pods: %d pods, containers and sums as the farm's" % len(items))

    # The namespace with the most pods, so that the filter has something to drop and keep.
    counts = {}
    for namespace, _ in pods:
        counts[namespace] = counts.get(namespace, 0) + 1
    namespace = max(sorted(counts), key=counts.get)
    items = check_list(api.list_namespaced_custom_object(GROUP, VERSION, namespace, "pods"), "PodMetricsList")
    keys = sorted(check_pod(item, pods) for item in items)
    wanted = sorted(k for k in pods if k[0] == namespace)
    check(keys == wanted and len(wanted) < len(pods), "pods in %s listed %s, want %s" % (namespace, keys, wanted))
    print("ok: list_namespaced_custom_object %s: %d of %d pods" % (namespace, len(items), len(pods)))

    node = sorted(nodes)[0]
    item = api.get_cluster_custom_object(GROUP, VERSION, "nodes", node)
    check(item.get("kind") == "NodeMetrics", "kind %s, want NodeMetrics" % item.get("kind"))
    check(item["metadata"]["name"] == node, "asked for %s, got %s" % (node, item["metadata"]["name"]))
    check_node(item, nodes)
    print("ok: get_cluster_custom_object nodes/%s" % node)

    pod_key = sorted(pods)[0]
    item = api.get_namespaced_custom_object(GROUP, VERSION, pod_key[0], "pods", pod_key[1])
    check(item.get("kind") == "PodMetrics", "kind %s, want PodMetrics" % item.get("kind"))
    check(check_pod(item, pods) == pod_key, "asked for %s/%s, got another pod" % pod_key)
    print("ok: get_namespaced_custom_object %s/pods/%s" % pod_key)

    # A label shared by some pods but not all: the selector must keep exactly those.
    apps = {}
    for key in pods:
        app = labels.get(key, {}).get("app")
        if app:
            apps.setdefault(app, []).append(key)
    app = max(sorted(apps), key=lambda a: len(apps[a]))
    items = check_list(api.list_cluster_custom_object(GROUP, VERSION, "pods", label_selector="app=" + app),
                       "PodMetricsList")
    keys = sorted(check_pod(item, pods) for item in items)
    wanted = sorted(apps[app])
    check(keys == wanted and len(wanted) < len(pods), "app=%s listed %s, want %s" % (app, keys, wanted))
    items = check_list(api.list_cluster_custom_object(GROUP, VERSION, "pods", label_selector="app!=" + app),
                       "PodMetricsList")
    keys = sorted(check_pod(item, pods) for item in items)
    wanted = sorted(k for k in pods if labels.get(k, {}).get("app") != app)
    check(keys == wanted, "app!=%s listed %s, want %s" % (app, keys, wanted))
    print("ok: list_cluster_custom_object pods label_selector app=%s (%d pods) and app!=%s" % (app, len(apps[app]), app))

    try:
        api.get_cluster_custom_object(GROUP, VERSION, "nodes", "no-such-node")
        sys.exit("FAIL: get_cluster_custom_object nodes/no-such-node succeeded")
    except ApiException as e:
        check(e.status == 404, "nodes/no-such-node: ApiException status %s, want 404: %s" % (e.status, e.body))
        status = json.loads(e.body)
        check(status.get("kind") == "Status" and status.get("reason") == "NotFound",
              "nodes/no-such-node: body is not a NotFound Status: %s" % e.body)
    print("ok: get_cluster_custom_object nodes/no-such-node raises ApiException 404 NotFound")


if __name__ == "__main__":
    main()
