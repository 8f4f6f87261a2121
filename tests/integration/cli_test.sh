#!/usr/bin/env bash
# The command line: --list-plugins, --validate-config, --print-config, --describe-plugin, --help.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
source "$src/tests/integration/lib.sh"
bin=$build/bin/metrics-server

list=$("$bin" --list-plugins)
expect_contains "--list-plugins" "$list" "sink        debug"
expect_contains "--list-plugins" "$list" "builtin"
pass "--list-plugins lists the built-ins"

cat >"$MPF_TMP/misspelled.yaml" <<'YAML'
global:
  resolution: 15s
sinks:
  - plugin: debug
    options:
      verbosty: detailed
YAML
rc=0
msg=$("$bin" --config "$MPF_TMP/misspelled.yaml" --validate-config 2>&1) || rc=$?
[[ $rc -eq 1 ]] || fail "--validate-config with a misspelled key exited $rc, want 1: $msg"
expect_contains "misspelled key" "$msg" "sinks[0].options.verbosty"
expect_contains "misspelled key" "$msg" "\"debug\""
expect_contains "misspelled key" "$msg" "did you mean \"verbosity\""
pass "--validate-config names the misspelled key's path"

cat >"$MPF_TMP/many-errors.yaml" <<'YAML'
global:
  resolution: soon
  log_format: xml
sources:
  - plugin: no_such_source
sinks:
  - plugin: debug
    options: {output: 3, extra: 1}
YAML
rc=0
msg=$("$bin" --config "$MPF_TMP/many-errors.yaml" --validate-config 2>&1) || rc=$?
[[ $rc -eq 1 ]] || fail "--validate-config with many errors exited $rc"
expect_contains "all errors" "$msg" "global.resolution"
expect_contains "all errors" "$msg" "sources[0].plugin"
expect_contains "all errors" "$msg" "sinks[0].options.extra"
pass "--validate-config reports every error"

cat >"$MPF_TMP/good.yaml" <<'YAML'
global:
  resolution: ${MPF_TEST_RESOLUTION:-20s}
sinks:
  - plugin: debug
YAML
"$bin" --config "$MPF_TMP/good.yaml" --validate-config >/dev/null || fail "a good config did not validate"
printed=$(MPF_TEST_RESOLUTION=45s "$bin" --config "$MPF_TMP/good.yaml" --print-config)
expect_contains "--print-config" "$printed" "resolution: 45s"
expect_contains "--print-config" "$printed" "verbosity: basic"
expect_contains "--print-config" "$printed" "scrape_timeout: 10s"
# The printed config is itself a valid config that prints the same.
printf '%s\n' "$printed" >"$MPF_TMP/printed.yaml"
again=$("$bin" --config "$MPF_TMP/printed.yaml" --print-config)
[[ "$printed" == "$again" ]] || fail "--print-config is not a fixed point"
pass "--print-config shows defaults and env expansion, and round-trips"

# Flags override the file.
printed=$("$bin" --config "$MPF_TMP/good.yaml" --metric-resolution=30s --print-config)
expect_contains "flag override" "$printed" "resolution: 30s"
pass "command-line flags override the file"

doc=$("$bin" --describe-plugin debug)
expect_contains "--describe-plugin" "$doc" "verbosity"
expect_contains "--describe-plugin" "$doc" "basic"
rc=0
"$bin" --describe-plugin no_such_plugin >/dev/null 2>&1 || rc=$?
[[ $rc -ne 0 ]] || fail "--describe-plugin of an unknown plugin succeeded"
pass "--describe-plugin"

help=$("$bin" --help)
for flag in --metric-resolution --kubelet-insecure-tls --secure-port --config --list-plugins --validate-config; do
  expect_contains "--help" "$help" "$flag"
done
rc=0
"$bin" --no-such-flag >/dev/null 2>&1 || rc=$?
[[ $rc -ne 0 ]] || fail "an unknown flag was accepted"
pass "--help and unknown flags"

# Every shipped config validates.
for config in "$src"/deploy/config/*.yaml; do
  "$bin" --config "$config" --validate-config >/dev/null 2>&1 || fail "$config does not validate: $("$bin" --config "$config" --validate-config 2>&1)"
done
pass "deploy/config/*.yaml validate"
