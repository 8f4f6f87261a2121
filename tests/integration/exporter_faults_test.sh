#!/usr/bin/env bash
# The sink runtime's delivery faults on real processes, all sinks in one metrics-server at a 1 s
# resolution (so one run covers every case in well under two minutes, and shows the sinks do not
# disturb each other), fed by kubelet-farm:
#   down    prometheus_remote_write to a port nothing listens on: retried (mpf_sink_retried_batches_total
#           grows), degraded in /readyz?verbose; then the real Prometheus starts on that port: the data
#           arrives (queried back) and the sink is ok again.
#   flaky   to fake_receiver.py answering 500, 500, then 204: the first batch is sent three times (same
#           body), then delivered: sent counted, retried >= 1, nothing failed.
#   reject  to a receiver answering 400: every batch counted failed with reason="permanent", none retried
#           (each body reaches the receiver once), and the process and the other sinks carry on.
#   hang    to a receiver that never answers, timeout 1s: attempts time out and are retried, the queue
#           stays within max_snapshots while snapshots are dropped and counted, scrape cycles stay on time
#           (cycle metrics; the jsonl sink receives every cycle); SIGTERM exits within the shutdown bound
#           and counts the batch it cut off (reason="shutdown") while /metrics still serves.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
source "$src/tests/integration/lib_storage.sh"
bin=$build/bin/metrics-server
command -v curl >/dev/null || fail "curl is needed"
command -v python3 >/dev/null || fail "python3 is needed for the fake receiver"
require_binary prometheus prometheus

start_farm "$build/bin/kubelet-farm" --nodes 2 --pods-per-node 3 --containers-per-pod 2 --plain-http \
  --stats-interval-ms 0 --expect-file "$MPF_TMP/expect.json"
farm_port=$port
start_fake_receiver flaky --script 500,500,204
flaky_port=$receiver_port
start_fake_receiver reject --script 400
reject_port=$receiver_port
start_fake_receiver hang --mode hang
hang_port=$receiver_port
down_port=$(free_port)  # Prometheus comes here later; until then nothing listens
queue_max=2
shutdown_timeout_s=2

write_config() {
  cat >"$MPF_TMP/config.yaml" <<YAML
global: {resolution: 1s, scrape_timeout: 700ms, max_jitter: 0s, shutdown_timeout: ${shutdown_timeout_s}s}
sources:
  - plugin: kubelet_resource
    options:
      port: $farm_port
      plain_http: true
      nodes:
        - {name: node-00001, address: 127.1.0.1}
        - {name: node-00002, address: 127.1.0.2}
processors: [{plugin: rates}, {plugin: totals}]
sinks:
  - plugin: prometheus_remote_write
    name: hang
    options: {url: http://127.0.0.1:$hang_port/api/v1/write}
    timeout: 1s
    queue: {max_snapshots: $queue_max}
    # Fixed 3 s waits between 1 s attempts: SIGTERM sent during an attempt then finds the batch about to
    # wait past the drain bound, so it is cut off (reason="shutdown") within 1 s, while /metrics still serves.
    retry_on_failure: {enabled: true, initial_interval: 3s, multiplier: 1, randomization_factor: 0, max_interval: 3s, max_elapsed_time: 5m}
  - plugin: prometheus_remote_write
    name: down
    options: {url: http://127.0.0.1:$down_port/api/v1/write, external_labels: {case: down}}
    timeout: 1s
    queue: {max_snapshots: 2}
    retry_on_failure: {enabled: true, initial_interval: 200ms, multiplier: 1.5, max_interval: 1s, max_elapsed_time: 5m}
  - plugin: prometheus_remote_write
    name: flaky
    options: {url: http://127.0.0.1:$flaky_port/api/v1/write}
    timeout: 1s
    retry_on_failure: {enabled: true, initial_interval: 100ms, max_interval: 500ms}
  - plugin: prometheus_remote_write
    name: reject
    options: {url: http://127.0.0.1:$reject_port/api/v1/write}
    timeout: 1s
    retry_on_failure: {enabled: true, initial_interval: 100ms, max_interval: 500ms}
  - plugin: jsonl
    name: every-cycle
    options: {output: $MPF_TMP/cycles.jsonl, shape: snapshot}
YAML
  standalone_metrics_api_sink "$1" >>"$MPF_TMP/config.yaml"
}
start_exporting_server "$bin" write_config

# sink_state NAME: the sink's line of /readyz?verbose, "sink NAME: <starting|ok|degraded: error|stopped>".
sink_state() { readyz_verbose | grep "^sink $1: " | head -1; }

# --- 1. receiver down at start -------------------------------------------------------------------------
wait_metric 2 20 mpf_sink_retried_batches_total sink=down \
  || fail "down: no retries counted: $(self_metrics | grep 'sink="down"')"
failed=$(self_metric mpf_sink_failed_batches_total sink=down)
[[ $failed == 0 ]] || fail "down: $failed batches given up while retries were still allowed"
state=$(sink_state down)
[[ $state == "sink down: degraded: retryable: "*"connection refused"* ]] || fail "down: /readyz?verbose does not show the sink degraded: $(readyz_verbose)"
pass "down: refused deliveries retried ($(self_metric mpf_sink_retried_batches_total sink=down) retries), readyz: $state"

start_prometheus "$down_port"
count='import json,sys
try: print(len(json.load(sys.stdin)["data"]["result"]))
except Exception: print(-1)'
for ((i = 0; i < 150; i++)); do
  got=$(prom_query "http://127.0.0.1:$down_port" 'k8s_node_memory_working_set_bytes{case="down"}' 2>/dev/null | python3 -c "$count")
  [[ $got == 2 ]] && break
  sleep 0.1
done
[[ $got == 2 ]] || fail "down: Prometheus holds $got node series after it came up"
wait_for "curl -sk --max-time 5 'https://127.0.0.1:$api_port/readyz?verbose' | grep -qx 'sink down: ok'" 15 \
  || fail "down: the sink did not become ok: $(readyz_verbose)"
sent=$(self_metric mpf_sink_sent_samples_total sink=down)
((sent > 0)) || fail "down: data arrived but no samples counted sent"
pass "down: Prometheus started on :$down_port received the data ($sent samples sent), readyz: $(sink_state down)"

# --- 2. 500, 500, then 204 -----------------------------------------------------------------------------
wait_for "[[ \$(wc -l <'$MPF_TMP/flaky.jsonl') -ge 4 ]]" 20 || fail "flaky: fewer than 4 requests: $(cat "$MPF_TMP/flaky.jsonl")"
metrics=$(self_metrics)
python3 - "$MPF_TMP/flaky.jsonl" <<'PY' || fail "flaky: the receiver's log does not show one batch sent three times"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
first = log[:3]
assert [r["answer"] for r in first] == [500, 500, 204], [r["answer"] for r in first]
assert len({r["body_sha256"] for r in first}) == 1, "the retries carried different bodies"
assert all(r["method"] == "POST" and r["path"] == "/api/v1/write" for r in log)
h = first[0]["headers"]
assert h.get("content-encoding") == "snappy" and h.get("content-type") == "application/x-protobuf", h
assert h.get("x-prometheus-remote-write-version", "").startswith("0.1"), h
PY
retried=$(metric_sum mpf_sink_retried_batches_total sink=flaky <<<"$metrics")
sent=$(metric_sum mpf_sink_sent_batches_total sink=flaky <<<"$metrics")
failed=$(metric_sum mpf_sink_failed_batches_total sink=flaky <<<"$metrics")
((retried >= 2 && sent >= 1 && failed == 0)) \
  || fail "flaky: retried $retried, sent $sent, failed $failed: $(grep 'sink="flaky"' <<<"$metrics")"
pass "flaky: the first batch was retried twice with the same body, then delivered (sent $sent, retried $retried, failed 0)"

# --- 3. 400 --------------------------------------------------------------------------------------------
wait_metric 3 20 mpf_sink_failed_batches_total sink=reject \
  || fail "reject: not 3 batches failed: $(self_metrics | grep 'sink="reject"')"
metrics=$(self_metrics)
permanent=$(metric_sum mpf_sink_failed_batches_total sink=reject reason=permanent <<<"$metrics")
all_failed=$(metric_sum mpf_sink_failed_batches_total sink=reject <<<"$metrics")
retried=$(metric_sum mpf_sink_retried_batches_total sink=reject <<<"$metrics")
sent=$(metric_sum mpf_sink_sent_batches_total sink=reject <<<"$metrics")
((permanent >= 3 && permanent == all_failed && retried == 0 && sent == 0)) \
  || fail "reject: permanent $permanent of $all_failed failed, retried $retried, sent $sent"
# The receiver saw each batch once: as many requests as batches counted (one more may be in flight),
# all with different bodies.
python3 - "$MPF_TMP/reject.jsonl" "$permanent" <<'PY' || fail "reject: a batch reached the receiver twice"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
counted = int(sys.argv[2])
assert counted <= len(log) <= counted + 1, f"{len(log)} requests for {counted} failed batches"
assert len({r["body_sha256"] for r in log}) == len(log), "a body was sent twice"
PY
kill -0 "$ms_pid" 2>/dev/null || fail "metrics-server died"
pass "reject: $permanent batches failed with reason=permanent, each sent once, never retried"

# --- 4. hanging receiver; the other sinks and the scrape cycles meanwhile ------------------------------
wait_metric 1 15 mpf_sink_retried_batches_total sink=hang \
  || fail "hang: attempts did not time out and get retried: $(self_metrics | grep 'sink="hang"')"
before=$(self_metrics)
lines_before=$(wc -l <"$MPF_TMP/cycles.jsonl")
max_queue=0
for ((i = 0; i < 12; i++)); do  # 6 s at 1 s resolution
  q=$(self_metric mpf_sink_queue_length sink=hang)
  ((q > max_queue)) && max_queue=$q
  sleep 0.5
done
after=$(self_metrics)
lines_after=$(wc -l <"$MPF_TMP/cycles.jsonl")
delta() { echo $(($(metric_sum "$@" <<<"$after") - $(metric_sum "$@" <<<"$before"))); }
fdelta() { python3 -c "print($(metric_sum "$@" <<<"$after") - $(metric_sum "$@" <<<"$before"))"; }
((max_queue <= queue_max)) || fail "hang: queue length reached $max_queue, max_snapshots is $queue_max"
dropped=$(delta mpf_sink_dropped_snapshots_total sink=hang)
((dropped > 0)) || fail "hang: no snapshot dropped in 6 s with a queue of $queue_max"
retried=$(delta mpf_sink_retried_batches_total sink=hang)
((retried >= 1)) || fail "hang: no retry in 6 s with a 1 s attempt timeout and 3 s between attempts"
[[ $(metric_sum mpf_sink_sent_batches_total sink=hang <<<"$after") == 0 ]] || fail "hang: a batch counted sent"
python3 - "$MPF_TMP/hang.jsonl" <<'PY' || fail "hang: the receiver's log does not show one batch retried"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
assert len(log) >= 3, f"{len(log)} attempts"
assert len({r["body_sha256"] for r in log}) == 1, "the hanging batch was given up for another"
# Attempts 1 s (the timeout) + 3 s (the fixed backoff) apart: without the timeout there would be one.
gaps = [b["time"] - a["time"] for a, b in zip(log, log[1:])]
assert all(3.8 <= g <= 4.6 for g in gaps), gaps
PY
cycles=$(delta mpf_cycles_total)
skipped=$(delta mpf_scheduler_skipped_ticks_total)
late=$(delta mpf_scheduler_late_cycles_total)
duration_sum=$(fdelta mpf_cycle_duration_seconds_sum)
duration_count=$(delta mpf_cycle_duration_seconds_count)
((cycles >= 5)) || fail "cycles: only $cycles in 6 s at 1 s resolution while a sink hangs"
[[ $skipped == 0 && $late == 0 ]] || fail "cycles: $skipped ticks skipped, $late cycles late while a sink hangs"
python3 -c "import sys; sys.exit(0 if $duration_count > 0 and $duration_sum / $duration_count < 0.3 else 1)" \
  || fail "cycles: mean duration $duration_sum / $duration_count s while a sink hangs"
python3 - "$MPF_TMP/cycles.jsonl" "$lines_before" "$lines_after" <<'PY' || fail "jsonl: cycles missing or late while a sink hangs"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]) - 1:int(sys.argv[3])]
cycles = [l["cycle"] for l in lines]
assert len(lines) >= 6, f"{len(lines)} lines"
assert cycles == list(range(cycles[0], cycles[0] + len(cycles))), cycles
starts = [l["started"] for l in lines]
starts = [s / 1e9 if isinstance(s, (int, float)) else None for s in starts]
if None not in starts:  # RFC 3339 text is not compared; numbers must be ~1 s apart
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert all(0.5 < g < 1.5 for g in gaps), gaps
PY
for other in down flaky; do
  sent=$(delta mpf_sink_sent_batches_total sink=$other)
  ((sent >= 4)) || fail "$other delivered only $sent batches in 6 s while the hang sink hung"
done
pass "hang: $retried timeouts retried, queue <= $max_queue of $queue_max, $dropped snapshots dropped; $cycles cycles \
on time (mean $(python3 -c "print(round($duration_sum / $duration_count, 4))") s, 0 skipped, 0 late), jsonl got every cycle, \
down and flaky kept delivering"

# --- SIGTERM with the hanging batch in flight ----------------------------------------------------------
# /metrics is served until every sink stopped draining: keep its last answer to read the final counts.
dropped_before=$(self_metric mpf_sink_dropped_snapshots_total sink=hang)
(
  while curl -sk --max-time 1 "https://127.0.0.1:$api_port/metrics" >"$MPF_TMP/final.tmp" 2>/dev/null; do
    mv "$MPF_TMP/final.tmp" "$MPF_TMP/final-metrics.txt"
    sleep 0.05
  done
) &
poller=$!
MPF_PIDS+=("$poller")
# SIGTERM right after an attempt began (a new request in the receiver's log).
attempts=$(wc -l <"$MPF_TMP/hang.jsonl")
wait_for "[[ \$(wc -l <'$MPF_TMP/hang.jsonl') -gt $attempts ]]" 6 || fail "hang: no new attempt within 6 s"
start_ns=$(date +%s%N)
kill -TERM "$ms_pid"
status=0
wait "$ms_pid" || status=$?
elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
wait "$poller" 2>/dev/null || true
((status == 0)) || fail "metrics-server exited $status on SIGTERM: $(tail -5 "$MPF_TMP/log.txt")"
# The bound: shutdown_timeout, plus the scrape timeout the last cycle may take, plus 1 s of slack.
((elapsed_ms <= shutdown_timeout_s * 1000 + 700 + 1000)) \
  || fail "metrics-server took $elapsed_ms ms to exit, shutdown_timeout is ${shutdown_timeout_s}s"
shutdown_failed=$(metric_sum mpf_sink_failed_batches_total sink=hang reason=shutdown <"$MPF_TMP/final-metrics.txt")
dropped_after=$(metric_sum mpf_sink_dropped_snapshots_total sink=hang <"$MPF_TMP/final-metrics.txt")
((shutdown_failed > 0)) \
  || fail "hang: nothing counted at shutdown (failed{reason=shutdown} $shutdown_failed, dropped $dropped_before -> $dropped_after): \
$(grep 'sink="hang"' "$MPF_TMP/final-metrics.txt")"
pass "SIGTERM: exited 0 in $elapsed_ms ms; hang counted $shutdown_failed batches failed with reason=shutdown, \
dropped $dropped_before -> $dropped_after snapshots"
