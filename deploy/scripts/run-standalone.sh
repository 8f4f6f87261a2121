#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and starts the pipeline in the
# foreground with the embedded default config (deploy/config/standalone.yaml). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/scripts/install-deps.sh build
bash deploy/scripts/build.sh -DMPF_BUILD_TESTS=OFF
echo "Starting build/bin/metrics-server --config deploy/config/standalone.yaml (Ctrl-C to stop)" >&2
exec build/bin/metrics-server --config deploy/config/standalone.yaml "$@"
