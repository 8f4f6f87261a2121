#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and starts metrics-server in standalone
# mode in the foreground: this machine served as a one-node cluster on https://127.0.0.1:4443 from the
# built-in default (deploy/config/standalone.yaml), for `kubectl top`. Ctrl-C stops it.
#   deploy/scripts/run-standalone.sh [metrics-server flags...]   e.g. --metric-resolution=5s -v 2
# Environment: MPF_STATE_DIR (certificate, token, kubeconfig; default ~/.local/state/mpf), MPF_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/scripts/install-deps.sh run
bash deploy/scripts/build.sh -DMPF_BUILD_TESTS=OFF

export MPF_STATE_DIR=${MPF_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/mpf}
port=${MPF_PORT:-4443}
# Standalone mode is what the binary chooses without --config, --kubeconfig or an in-cluster
# environment; unsetting the latter keeps it so inside a pod too.
unset KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT
cat >&2 <<EOT
Starting build/bin/metrics-server in standalone mode (Ctrl-C to stop). Once it logs "Standalone mode",
try, from another terminal (the first values appear after two scrapes, 15 s):

  kubectl --kubeconfig $MPF_STATE_DIR/kubeconfig top node
  kubectl --kubeconfig $MPF_STATE_DIR/kubeconfig top pod -A
  kubectl --kubeconfig $MPF_STATE_DIR/kubeconfig get --raw /apis/metrics.k8s.io/v1beta1/nodes
  curl --cacert $MPF_STATE_DIR/certificates/apiserver.crt -H "Authorization: Bearer \$(cat $MPF_STATE_DIR/token)" \\
    https://127.0.0.1:$port/apis/metrics.k8s.io/v1beta1/nodes

EOT
exec build/bin/metrics-server "$@"
