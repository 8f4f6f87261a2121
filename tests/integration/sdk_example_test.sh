#!/usr/bin/env bash
# The SDK works out of tree: install it, build the examples against it with find_package, load them
# into metrics-server, see snapshots arrive; a build with another ABI version is refused.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
bin=$build/bin/metrics-server

cmake --install "$build" --component sdk --prefix "$MPF_TMP/sdk" >/dev/null
[[ -f "$MPF_TMP/sdk/lib/cmake/MpfSdk/MpfSdkConfig.cmake" ]] || fail "SDK package config not installed"
[[ -f "$MPF_TMP/sdk/include/mpf/sdk/plugin.h" ]] || fail "SDK headers not installed"

# The examples must build from the installed SDK alone, never from the source tree.
plugins=$MPF_TMP/plugins
mkdir -p "$plugins"
for example in hello_sink hello_source; do
  cmake -S "$src/sdk/examples/$example" -B "$MPF_TMP/build-$example" -G Ninja \
    -DCMAKE_PREFIX_PATH="$MPF_TMP/sdk" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$MPF_TMP/build-$example" >/dev/null
  cp "$MPF_TMP/build-$example/lib$example.so" "$plugins/"
done
pass "examples built against the installed SDK"

list=$("$bin" --plugin-dir "$plugins" --list-plugins)
expect_contains "--list-plugins" "$list" "hello_sink"
expect_contains "--list-plugins" "$list" "$plugins/libhello_sink.so"
expect_contains "--list-plugins" "$list" "hello_source"
pass "external plugins listed with their origin"

out=$MPF_TMP/snapshots.txt
cat >"$MPF_TMP/config.yaml" <<YAML
global:
  resolution: 200ms
  scrape_timeout: 100ms
  max_jitter: 0s
  plugin_dir: $plugins
sources:
  - plugin: hello_source
    options: {nodes: 4, pods_per_node: 3}
sinks:
  - plugin: hello_sink
    options: {path: $out, prefix: got}
YAML
"$bin" --config "$MPF_TMP/config.yaml" --validate-config >/dev/null || fail "example config does not validate"
"$bin" --config "$MPF_TMP/config.yaml" 2>"$MPF_TMP/log.txt" &
pid=$!
MPF_PIDS+=("$pid")
wait_for "[[ \$(wc -l < '$out' 2>/dev/null || echo 0) -ge 3 ]]" 20 || fail "no snapshots arrived: $(cat "$MPF_TMP/log.txt")"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc -eq 0 ]] || fail "metrics-server exited $rc after SIGTERM: $(tail -5 "$MPF_TMP/log.txt")"
first=$(head -1 "$out")
[[ "$first" == "got cycle=1 targets=4 failed=0 samples=12" ]] || fail "unexpected first line: $first"
second=$(sed -n 2p "$out")
[[ "$second" == "got cycle=2 targets=4 failed=0 samples=12" ]] || fail "unexpected second line: $second"
pass "the external sink received snapshots from the external source; SIGTERM exits 0"

# Same sink, built as if against SDK ABI 99: refused, naming both versions.
cmake -S "$src/sdk/examples/hello_sink" -B "$MPF_TMP/build-abi99" -G Ninja -DCMAKE_PREFIX_PATH="$MPF_TMP/sdk" \
  -DCMAKE_CXX_FLAGS=-DMPF_SDK_ABI_VERSION=99 >/dev/null
cmake --build "$MPF_TMP/build-abi99" >/dev/null
mkdir -p "$MPF_TMP/abi99"
cp "$MPF_TMP/build-abi99/libhello_sink.so" "$MPF_TMP/abi99/"
rc=0
msg=$("$bin" --plugin-dir "$MPF_TMP/abi99" --list-plugins 2>&1) || rc=$?
[[ $rc -ne 0 ]] || fail "a wrong-ABI plugin was accepted"
expect_contains "wrong ABI" "$msg" "SDK ABI version 99"
abi=$(sed -n 's/^#define MPF_SDK_ABI_VERSION \([0-9]*\)$/\1/p' "$src/sdk/include/mpf/sdk/version.h")
[[ -n "$abi" ]] || fail "no MPF_SDK_ABI_VERSION in sdk/include/mpf/sdk/version.h"
expect_contains "wrong ABI" "$msg" "SDK ABI version $abi "
expect_contains "wrong ABI" "$msg" "hello_sink"
pass "wrong-ABI plugin refused: $(grep -m1 'ABI version 99' <<<"$msg")"
