#!/usr/bin/env bash
# What serving the web UI costs the load: cicada standalone at full speed (GET
# 100 B, 50 users, no wait) headless, and with its UI polled harder than a
# browser tab polls it (/stats/requests, /tasks, /logs and /metrics every 0.5 s
# by one keep-alive client, where a tab asks /stats/requests every 2 s),
# interleaved run by run. nginx on core 0 counts the requests; cicada alone on
# core 1; the poller on core 0 beside nginx. In the headless runs the same
# poller runs against a port nobody listens on, so nginx's core carries the
# same poller in both modes.
# Writes bench/results/ui_overhead.md.
#
#   bench/ui_overhead.sh [runs] [seconds]     (defaults: 5 runs, 10 s windows)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-5}
window=${2:-10}
warmup=3
port=${BENCH_PORT:-18091}
web_port=$((port + 1))

bench_install nginx curl
bench_build_release cicada

work=$(mktemp -d /tmp/cicada-ui-bench.XXXXXX)
trap 'pkill -P $$ 2>/dev/null || true; pkill -f "^bash -c poll \(\)" 2>/dev/null || true; bench_nginx_stop "$work/nginx"; rm -rf "$work"' EXIT
bench_nginx_start "$work/nginx" "$port"
url="http://127.0.0.1:$port"
run_for=$((warmup + window + 5))
base="build/release/standalone/cicada -f bench/scenarios/get_100.yaml -H $url -u 50 -r 50 -t ${run_for}s --only-summary"
headless="$base --headless"
with_ui="$base --autostart --autoquit 0 --web-host 127.0.0.1 --web-port $web_port"

poll() {  # web port: the four routes every 0.5 s over one connection, until killed
  local base="http://127.0.0.1:$1"
  while true; do
    curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
      "$base/stats/requests" "$base/tasks" "$base/logs" "$base/metrics" || true
    sleep 0.5
  done
}

measure() {  # command port-to-poll -> nginx req/s over the window
  # shellcheck disable=SC2086
  taskset -c 1 $1 >"$work/cicada.log" 2>&1 &
  local pid=$!
  taskset -c 0 bash -c "$(declare -f poll); poll $2" &
  local poller=$!
  sleep "$warmup"
  local before after
  before=$(bench_nginx_requests "$port")
  sleep "$window"
  after=$(bench_nginx_requests "$port")
  kill "$poller" 2>/dev/null || true
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sleep 1
  echo $(((after - before) / window))
}

headless_rates=(); ui_rates=()
for run in $(seq "$runs"); do
  headless_rates+=("$(measure "$headless" "$((web_port + 1))")")
  ui_rates+=("$(measure "$with_ui" "$web_port")")
  echo "run $run: headless ${headless_rates[-1]} req/s, UI polled ${ui_rates[-1]} req/s"
done
read -r h_median h_low h_high <<<"$(printf '%s\n' "${headless_rates[@]}" | bench_stats)"
read -r u_median u_low u_high <<<"$(printf '%s\n' "${ui_rates[@]}" | bench_stats)"

mkdir -p bench/results
out=bench/results/ui_overhead.md
{
  echo "# What serving the web UI costs the load"
  echo
  echo "Command: \`bench/ui_overhead.sh $runs $window\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
  echo "cicada standalone alone on core 1 (GET 100 B, 50 users, no wait); nginx on core 0 counts requests"
  echo "over a ${window} s window. \"UI polled\": one keep-alive client on core 0 asks /stats/requests, /tasks,"
  echo "/logs and /metrics every 0.5 s (headless: the same client against a closed port). Runs interleaved;"
  echo "median (min-max) req/s of $runs runs."
  echo
  echo "| mode | req/s median | min | max | x headless | command |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| headless | $h_median | $h_low | $h_high | 1.00 | \`$headless\` |"
  ratio=$(awk -v a="$u_median" -v b="$h_median" 'BEGIN {printf "%.2f", a / b}')
  echo "| UI polled | $u_median | $u_low | $u_high | $ratio | \`$with_ui\` |"
} >"$out"
cat "$out"
