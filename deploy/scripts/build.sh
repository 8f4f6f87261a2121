#!/usr/bin/env bash
# Configures and builds into build/ (Ninja, ccache when present).
#   deploy/scripts/build.sh [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
ninja -C build -j"$(nproc)"
