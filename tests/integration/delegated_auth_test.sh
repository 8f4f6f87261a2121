#!/usr/bin/env bash
# Delegated authentication and authorization end to end, with curl and openssl as the clients:
# metrics-server as its ServiceAccount (RBAC of deploy/kubernetes/rbac.yaml) behind fake-apiserver's
# aggregator, which also answers its TokenReviews and SubjectAccessReviews by RBAC and publishes the
# front-proxy CA in ConfigMap kube-system/extension-apiserver-authentication.
#  1. who gets in directly: anonymous (health only), bearer tokens (TokenReview, cached), the front
#     proxy's certificate with X-Remote-* headers, and the spoofing attempts (headers on plain TLS, on a
#     certificate of another CA);
#  2. the front proxy's CA rotates in the ConfigMap: the old certificate stops working, the aggregator
#     goes on with the new one;
#  3. a second server configured by flags (--requestheader-client-ca-file, --requestheader-allowed-names,
#     --client-ca-file, --authentication-skip-lookup): allowed names, client certificates, system:masters;
#  4. TLS below 1.2 is refused;
#  5. every API call metrics-server made was allowed by its RBAC.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
command -v openssl >/dev/null || fail "openssl is needed"
model=(--nodes 2 --pods-per-node 3 --seed 5)
start_aggregated_stack "$build" "delegated-auth-admin-token" "${model[@]}"
pass "metrics-server serves as its ServiceAccount behind the aggregator"

ms=https://127.0.0.1:$api_port
ca=(--cacert "$MPF_TMP/certs/apiserver.crt")
# call OUTFILE ARGS... : curl to metrics-server; prints the HTTP status, the body goes to OUTFILE.
call() {
  local out=$1
  shift
  curl -sS --max-time 10 "${ca[@]}" -o "$out" -w '%{http_code}' "$@"
}
stats() { apiserver_get /fake/stats; }
stat_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
body() { cat "$MPF_TMP/body"; }
message() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message"])' "$MPF_TMP/body"; }

# --- 1. direct clients -------------------------------------------------------------------------------
for path in /healthz /livez /readyz; do
  [[ $(call "$MPF_TMP/body" "$ms$path") == 200 ]] || fail "anonymous $path: $(body)"
done
pass "health endpoints are open to anonymous clients (--authorization-always-allow-paths)"

code=$(call "$MPF_TMP/body" "$ms/apis/metrics.k8s.io/v1beta1/nodes")
[[ $code == 403 ]] || fail "anonymous node list: want 403, got $code $(body)"
[[ $(message) == 'nodes.metrics.k8s.io is forbidden: User "system:anonymous" cannot list resource "nodes" in API group "metrics.k8s.io" at the cluster scope' ]] \
  || fail "anonymous 403 message: $(body)"
code=$(call "$MPF_TMP/body" "$ms/metrics")
[[ $code == 403 ]] || fail "anonymous /metrics: want 403, got $code"
[[ $(message) == 'forbidden: User "system:anonymous" cannot get path "/metrics"' ]] || fail "anonymous /metrics message: $(body)"
pass "anonymous clients get the API server's 403 Status for resources and /metrics"

# Spoofing 1: identity headers on a connection without a client certificate count for nothing.
code=$(call "$MPF_TMP/body" -H "X-Remote-User: sim-admin" -H "X-Remote-Group: system:masters" \
  "$ms/apis/metrics.k8s.io/v1beta1/nodes")
[[ $code == 403 ]] || fail "X-Remote-* on plain TLS: want 403 (anonymous), got $code $(body)"
expect_contains "spoofed headers" "$(message)" 'User "system:anonymous"'
pass "X-Remote-User/Group without a front-proxy certificate are ignored (anonymous)"

# Spoofing 2: a client certificate of another CA with a proxy's name.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=rogue-ca" \
  -keyout "$MPF_TMP/rogue-ca.key" -out "$MPF_TMP/rogue-ca.crt" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
issue() {  # issue CA NAME CN [O]: NAME.crt / NAME.key, a client certificate signed by CA
  local ca=$1 name=$2 cn=$3 org=${4:-}
  local subject="/CN=$cn"
  [[ -n "$org" ]] && subject="/O=$org/CN=$cn"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$subject" \
    -keyout "$MPF_TMP/$name.key" -out "$MPF_TMP/$name.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$MPF_TMP/$name.ext"
  openssl x509 -req -in "$MPF_TMP/$name.csr" -CA "$MPF_TMP/$ca.crt" -CAkey "$MPF_TMP/$ca.key" -CAcreateserial \
    -days 1 -extfile "$MPF_TMP/$name.ext" -out "$MPF_TMP/$name.crt" 2>/dev/null
}
issue rogue-ca rogue front-proxy-client
code=$(call "$MPF_TMP/body" --cert "$MPF_TMP/rogue.crt" --key "$MPF_TMP/rogue.key" \
  -H "X-Remote-User: sim-admin" -H "X-Remote-Group: system:masters" "$ms/apis/metrics.k8s.io/v1beta1/nodes")
[[ $code == 401 ]] || fail "proxy name from another CA: want 401, got $code $(body)"
[[ $(body) == '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}' ]] \
  || fail "401 body: $(body)"
grep -q 'Unable to authenticate the request.*x509: certificate signed by unknown authority' "$MPF_TMP/log.txt" \
  || fail "no authentication error logged: $(grep -i authenticat "$MPF_TMP/log.txt" | tail -3)"
pass "a certificate of another CA with X-Remote-* headers is refused (401, x509 reason logged)"

# The real front proxy's certificate (the aggregator's) makes the headers count; RBAC decides.
proxy=(--cert "$MPF_TMP/front-proxy.crt" --key "$MPF_TMP/front-proxy.key")
code=$(call "$MPF_TMP/body" "${proxy[@]}" -H "X-Remote-User: viewer" -H "X-Remote-Group: system:authenticated" \
  "$ms/apis/metrics.k8s.io/v1beta1/nodes")
[[ $code == 200 ]] || fail "front proxy as viewer: want 200, got $code $(body)"
code=$(call "$MPF_TMP/body" "${proxy[@]}" -H "X-Remote-User: nobody" -H "X-Remote-Group: system:authenticated" \
  "$ms/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")
[[ $code == 403 ]] || fail "front proxy as nobody: want 403, got $code $(body)"
[[ $(message) == 'pods.metrics.k8s.io is forbidden: User "nobody" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "default"' ]] \
  || fail "nobody's 403 message: $(body)"
pass "behind the front-proxy certificate, X-Remote-User is authorized by SubjectAccessReview"

# Bearer tokens: TokenReview, then SubjectAccessReview; both answers cached (10 s by default).
before=$(stats)
for i in 1 2 3; do
  code=$(call "$MPF_TMP/body" -H "Authorization: Bearer $TEAM_A_TOKEN" "$ms/apis/metrics.k8s.io/v1beta1/namespaces/team-a/pods")
  [[ $code == 200 ]] || fail "team-a-viewer in team-a (try $i): want 200, got $code $(body)"
done
after=$(stats)
reviews=$(($(stat_of tokenReviews <<<"$after") - $(stat_of tokenReviews <<<"$before")))
accesses=$(($(stat_of subjectAccessReviews <<<"$after") - $(stat_of subjectAccessReviews <<<"$before")))
[[ $reviews == 1 && $accesses == 1 ]] || fail "3 identical requests made $reviews TokenReviews and $accesses SubjectAccessReviews (want 1 and 1)"
code=$(call "$MPF_TMP/body" -H "Authorization: Bearer $TEAM_A_TOKEN" "$ms/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")
[[ $code == 403 ]] || fail "team-a-viewer in default: want 403, got $code"
code=$(call "$MPF_TMP/body" -H "Authorization: Bearer $TEAM_A_TOKEN" "$ms/apis/metrics.k8s.io/v1beta1/pods")
[[ $code == 403 ]] || fail "team-a-viewer across namespaces: want 403, got $code"
code=$(call "$MPF_TMP/body" -H "Authorization: Bearer not-a-token" "$ms/apis/metrics.k8s.io/v1beta1/nodes")
[[ $code == 401 ]] || fail "unknown token: want 401, got $code $(body)"
code=$(call "$MPF_TMP/body" -H "Authorization: Bearer not-a-token" "$ms/healthz")
[[ $code == 401 ]] || fail "unknown token on /healthz: want 401 (authentication comes first), got $code"
code=$(call "$MPF_TMP/body" -H "Authorization: Bearer $MPF_TOKEN" "$ms/metrics")
[[ $code == 200 ]] || fail "system:masters token on /metrics: want 200, got $code"
grep -q '^apiserver_delegated_authn_request_total{code="201"}' "$MPF_TMP/body" || fail "no TokenReview counter in /metrics"
grep -q '^apiserver_delegated_authz_request_total{code="201"}' "$MPF_TMP/body" || fail "no SubjectAccessReview counter in /metrics"
pass "bearer tokens: TokenReview + SubjectAccessReview once for 3 requests; namespaces enforced; bad token 401"

# --- 2. the front proxy's CA rotates -----------------------------------------------------------------
cp "$MPF_TMP/front-proxy.crt" "$MPF_TMP/old-proxy.crt"
cp "$MPF_TMP/front-proxy.key" "$MPF_TMP/old-proxy.key"
curl -sS --fail --max-time 5 --cacert "$MPF_TMP/apiserver-ca.pem" -H "Authorization: Bearer $MPF_TOKEN" \
  -X POST "https://127.0.0.1:$apiserver_port/fake/rotate-front-proxy" >/dev/null || fail "rotation refused"
old=(--cert "$MPF_TMP/old-proxy.crt" --key "$MPF_TMP/old-proxy.key" -H "X-Remote-User: viewer")
for ((i = 0; i < 100; i++)); do
  [[ $(call "$MPF_TMP/body" "${old[@]}" "$ms/apis/metrics.k8s.io/v1beta1/nodes") == 401 ]] && break
  sleep 0.1
done
((i < 100)) || fail "the rotated-out proxy certificate still works"
viewer=(--kubeconfig "$MPF_TMP/users/viewer.kubeconfig")
out=$(kubectl "${viewer[@]}" get --raw /apis/metrics.k8s.io/v1beta1/nodes 2>&1) || fail "kubectl after rotation: $out"
expect_contains "kubectl after rotation" "$out" '"kind":"NodeMetricsList"'
out=$(kubectl --kubeconfig "$MPF_TMP/users/nobody.kubeconfig" top node 2>&1) && fail "nobody could run kubectl top: $out"
pass "front-proxy CA rotation is picked up from the ConfigMap watch; the aggregator keeps working"

# --- 3. configured by flags --------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=proxy-ca" \
  -keyout "$MPF_TMP/proxy-ca.key" -out "$MPF_TMP/proxy-ca.crt" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=users-ca" \
  -keyout "$MPF_TMP/users-ca.key" -out "$MPF_TMP/users-ca.crt" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
issue proxy-ca good-proxy aggregator
issue proxy-ca bad-proxy intruder
issue users-ca alice alice system:masters
issue users-ca bob bob team-b
second_port=""
for attempt in 1 2 3 4 5; do
  second_port=$((20000 + RANDOM % 12000))
  "$build/bin/metrics-server" --kubeconfig "$MPF_TMP/users/system_serviceaccount_kube-system_metrics-server.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$second_port" --cert-dir "$MPF_TMP/certs2" --metric-resolution 10s \
    --kubelet-certificate-authority "$MPF_TMP/kubelet-ca.pem" --kubelet-use-node-status-port \
    --kubelet-preferred-address-types InternalIP --authentication-skip-lookup \
    --requestheader-client-ca-file "$MPF_TMP/proxy-ca.crt" --requestheader-allowed-names aggregator \
    --client-ca-file "$MPF_TMP/users-ca.crt" >"$MPF_TMP/out2.txt" 2>"$MPF_TMP/log2.txt" &
  MPF_PIDS+=("$!")
  wait_for "grep -q 'Serving the Metrics API' '$MPF_TMP/log2.txt'" 20 && break
done
grep -q 'Serving the Metrics API' "$MPF_TMP/log2.txt" || fail "second server did not start: $(tail -5 "$MPF_TMP/log2.txt")"
ms2=https://127.0.0.1:$second_port
ca=(--cacert "$MPF_TMP/certs2/apiserver.crt")
code=$(call "$MPF_TMP/body" --cert "$MPF_TMP/good-proxy.crt" --key "$MPF_TMP/good-proxy.key" -H "X-Remote-User: viewer" "$ms2/apis/metrics.k8s.io/v1beta1/nodes")
[[ $code == 200 ]] || fail "allowed proxy name: want 200, got $code $(body)"
code=$(call "$MPF_TMP/body" --cert "$MPF_TMP/bad-proxy.crt" --key "$MPF_TMP/bad-proxy.key" -H "X-Remote-User: viewer" "$ms2/apis/metrics.k8s.io/v1beta1/nodes")
[[ $code == 401 ]] || fail "proxy name not in --requestheader-allowed-names: want 401, got $code $(body)"
grep -q 'x509: subject with cn=intruder is not in the allowed list' "$MPF_TMP/log2.txt" || fail "allowed-names refusal not logged"
before=$(stats)
code=$(call "$MPF_TMP/body" --cert "$MPF_TMP/alice.crt" --key "$MPF_TMP/alice.key" "$ms2/apis/metrics.k8s.io/v1beta1/pods")
[[ $code == 200 ]] || fail "client certificate in system:masters: want 200, got $code $(body)"
[[ $(stat_of subjectAccessReviews <<<"$(stats)") == $(stat_of subjectAccessReviews <<<"$before") ]] \
  || fail "system:masters needed a SubjectAccessReview"
code=$(call "$MPF_TMP/body" --cert "$MPF_TMP/bob.crt" --key "$MPF_TMP/bob.key" "$ms2/apis/metrics.k8s.io/v1beta1/pods")
[[ $code == 403 ]] || fail "client certificate of bob: want 403, got $code $(body)"
expect_contains "bob's 403" "$(message)" 'User "bob" cannot list resource "pods"'
pass "flags: --requestheader-allowed-names enforced, client certificates name users, system:masters skips review"

# --- 4. TLS versions ---------------------------------------------------------------------------------
if echo | openssl s_client -connect "127.0.0.1:$api_port" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' >"$MPF_TMP/s_client.txt" 2>&1; then
  fail "TLS 1.1 handshake accepted: $(grep -E 'Protocol|Cipher' "$MPF_TMP/s_client.txt" | head -3)"
fi
echo | openssl s_client -connect "127.0.0.1:$api_port" -tls1_2 >"$MPF_TMP/s_client.txt" 2>&1 || fail "TLS 1.2 refused"
pass "TLS 1.1 refused, TLS 1.2 accepted"

# --- 5. RBAC: every call metrics-server made was allowed -----------------------------------------------
python3 - "$MPF_TMP/rbac-usage.json" <<'PY' || fail "RBAC check: $(cat "$MPF_TMP/rbac-usage.json" | head -c 2000)"
import json, sys
usage = json.load(open(sys.argv[1]))
sa = "system:serviceaccount:kube-system:metrics-server"
mine = [d for d in usage["decisions"] if d["user"] == sa]
denied = [d for d in mine if not d["allowed"]]
if denied:
    sys.exit("denied to metrics-server: %s" % denied[:5])
calls = sorted({(d["verb"], d.get("group", ""), d.get("resource", ""), d.get("subresource", "")) for d in mine})
want = {("list", "", "nodes", ""), ("watch", "", "nodes", ""), ("list", "", "pods", ""), ("watch", "", "pods", ""),
        ("list", "", "configmaps", ""), ("watch", "", "configmaps", ""),
        ("create", "authentication.k8s.io", "tokenreviews", ""),
        ("create", "authorization.k8s.io", "subjectaccessreviews", "")}
missing = want - set(calls)
extra = set(calls) - want
if missing or extra:
    sys.exit("metrics-server's API calls: missing %s, unexpected %s" % (sorted(missing), sorted(extra)))
print("calls:", calls)
PY
pass "metrics-server's API calls (nodes, pods, the authentication ConfigMap, both reviews) are all allowed by its RBAC"

# --- 6. the ConfigMap lookup fails ---------------------------------------------------------------------
# As "nobody" (no extension-apiserver-authentication-reader), the lookup is forbidden: start-up fails
# like the API server's, unless --authentication-tolerate-lookup-failure.
lookup_args=(--kubeconfig "$MPF_TMP/users/system_serviceaccount_kube-system_metrics-server.kubeconfig"
  --authentication-kubeconfig "$MPF_TMP/users/nobody.kubeconfig" --bind-address 127.0.0.1 --cert-dir "$MPF_TMP/certs3"
  --metric-resolution 10s --kubelet-certificate-authority "$MPF_TMP/kubelet-ca.pem" --kubelet-use-node-status-port
  --kubelet-preferred-address-types InternalIP)
rc=0
timeout 60 "$build/bin/metrics-server" "${lookup_args[@]}" --secure-port 0 >"$MPF_TMP/out3.txt" 2>"$MPF_TMP/log3.txt" || rc=$?
[[ $rc != 0 && $rc != 124 ]] || fail "a forbidden ConfigMap lookup did not stop start-up (exit $rc): $(tail -3 "$MPF_TMP/log3.txt")"
grep -q 'unable to load configmap based request-header-client-ca-file' "$MPF_TMP/log3.txt" \
  || fail "no lookup error: $(tail -3 "$MPF_TMP/log3.txt")"
grep -q 'Usually fixed by .kubectl create rolebinding -n kube-system' "$MPF_TMP/log3.txt" || fail "no RoleBinding hint logged"
third_port=$((20000 + RANDOM % 12000))
"$build/bin/metrics-server" "${lookup_args[@]}" --secure-port "$third_port" --authentication-tolerate-lookup-failure \
  >"$MPF_TMP/out3.txt" 2>"$MPF_TMP/log3.txt" &
MPF_PIDS+=("$!")
wait_for "grep -q 'Serving the Metrics API' '$MPF_TMP/log3.txt'" 30 || fail "tolerated lookup failure did not start: $(tail -5 "$MPF_TMP/log3.txt")"
grep -q 'This may treat all requests as anonymous' "$MPF_TMP/log3.txt" || fail "no warning about anonymous requests"
pass "a forbidden ConfigMap lookup stops start-up, or is tolerated with the API server's warnings"
