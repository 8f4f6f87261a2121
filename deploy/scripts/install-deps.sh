#!/usr/bin/env bash
# Installs the Debian 12 packages this project builds and tests with. Idempotent: packages already
# installed are skipped, and apt-get runs only when something is missing.
#   deploy/scripts/install-deps.sh [build|run|test]   (default: build)
# run: build's, plus a kubectl (Debian's kubernetes-client) and curl when none is on PATH, for the
# commands the run script prints.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev libboost-filesystem-dev
  libpoco-dev rapidjson-dev libyaml-cpp-dev libssl-dev zlib1g-dev libsnappy-dev
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev openssl curl python3
  libprotobuf-dev protobuf-compiler python3-kubernetes
  prometheus victoria-metrics influxdb
)

wanted=("${build_packages[@]}")
if [[ "${1:-build}" == "test" ]]; then
  wanted+=("${test_packages[@]}")
fi
if [[ "${1:-build}" == "run" ]]; then
  command -v kubectl >/dev/null || wanted+=(kubernetes-client)
  command -v curl >/dev/null || wanted+=(curl)
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
