#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, runs the whole suite
# through ctest, then builds the libFuzzer targets with clang and runs each for a bounded time
# (MPF_FUZZ_SECONDS, default 20). Extra arguments go to the main ctest run (e.g. -L unit, -R Scheduler).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/scripts/install-deps.sh test
bash deploy/scripts/build.sh -DMPF_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"

if [[ $# -eq 0 ]]; then
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMPF_FUZZING=ON \
    -DMPF_BUILD_TESTS=OFF -DMPF_FUZZ_SECONDS="${MPF_FUZZ_SECONDS:-20}" >/dev/null
  ninja -C build-fuzz -j"$(nproc)" fuzzers
  ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$(nproc)"
fi
