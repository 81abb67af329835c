#!/usr/bin/env bash
# Installs what is missing, builds the dev and asan presets, and runs every test.
# Usage: scripts/test.sh [preset ...]   (default: dev asan)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(dev asan)

jobs=$(nproc)
for preset in "${presets[@]}"; do
  echo "== ${preset}: configure and build"
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -- -j"${jobs}"
  echo "== ${preset}: test"
  ctest --preset "${preset}" -j"${jobs}"
done
