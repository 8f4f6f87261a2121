# Shared helpers for the integration scripts: failure reporting and process cleanup.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# expect_contains <file-or-text-label> <haystack> <needle>
expect_contains() {
  local label=$1 haystack=$2 needle=$3
  [[ "$haystack" == *"$needle"* ]] || fail "$label: expected to contain <$needle>, got:
$haystack"
}

# Waits up to $2 seconds for command $1 (a string for bash -c) to succeed.
wait_for() {
  local cmd=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    if bash -c "$cmd" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

MPF_PIDS=()
MPF_TMP=$(mktemp -d)
cleanup() {
  local pid
  for pid in "${MPF_PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  rm -rf "$MPF_TMP"
}
trap cleanup EXIT
