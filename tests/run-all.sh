#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, runs the whole suite
# through ctest. Extra arguments go to ctest (e.g. -L unit, -R Scheduler).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/scripts/install-deps.sh test
bash deploy/scripts/build.sh -DMPF_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
