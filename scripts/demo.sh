#!/usr/bin/env bash
# The demo on a fresh machine: installs what is missing, builds the release
# preset, starts the target server on a free loopback port, and runs a 10 s
# headless load test of examples/scenarios/demo.yaml against it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target cicada-standalone cicada-target

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
build/release/bench/cicada-target --port "$port" >/dev/null &
target=$!
trap 'kill $target 2>/dev/null' EXIT
sleep 0.5

build/release/standalone/cicada -f examples/scenarios/demo.yaml -H "http://127.0.0.1:$port" \
  --headless -u 20 -r 10 -t 10s --only-summary "$@"
