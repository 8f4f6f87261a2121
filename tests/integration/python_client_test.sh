#!/usr/bin/env bash
# The official Python client (Debian's python3-kubernetes) through the aggregation layer: kubelet-farm ->
# metrics-server <- fake-apiserver --aggregate-metrics <- kubernetes.client.CustomObjectsApi. The checks
# (lists, gets, namespaces, label selectors, a 404) are in python_client_check.py.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
# Debian's package lives in the system interpreter's dist-packages; `python3` on PATH may be another one.
python=/usr/bin/python3
[[ -x "$python" ]] || fail "$python is missing (python3-kubernetes is a Debian package for it)"
client_version=$("$python" -c 'import kubernetes; print(kubernetes.__version__)' 2>&1) \
  || fail "python3-kubernetes is not importable with $python (apt-get install python3-kubernetes): $client_version"

start_aggregated_stack "$build" python-client-token --nodes 3 --pods-per-node 4 --seed 29
pass "the aggregator proxies /apis/metrics.k8s.io/v1beta1/{nodes,pods}"

"$python" "$src/tests/integration/python_client_check.py" "$MPF_TMP/kubeconfig" "$MPF_TMP/expect.json" \
  "$MPF_TMP/pods.json" || fail "python kubernetes $client_version: see above; fake-apiserver log: $(tail -5 "$MPF_TMP/api.log")"
pass "python kubernetes $client_version: CustomObjectsApi on metrics.k8s.io/v1beta1"
