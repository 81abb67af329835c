#!/usr/bin/env bash
# The demo on a fresh machine: installs what is missing, builds the release
# preset, starts the target server on a free loopback port, and runs a 20 s
# distributed load test of examples/scenarios/demo.yaml against it: one
# cicada-master with two local cicada-worker processes (--processes 2).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target cicada-master cicada-target

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
target_port=$(free_port)
master_port=$(free_port)
build/release/bench/cicada-target --port "$target_port" >/dev/null &
target=$!
trap 'kill $target 2>/dev/null' EXIT
sleep 0.5

build/release/master/cicada-master -f examples/scenarios/demo.yaml -H "http://127.0.0.1:$target_port" \
  --headless -u 40 -r 20 -t 20s --processes 2 --master-bind-host 127.0.0.1 \
  --master-bind-port "$master_port" --only-summary "$@"
