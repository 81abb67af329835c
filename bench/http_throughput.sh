#!/usr/bin/env bash
# Requests per second per generator core: cicada (standalone, and a worker under
# cicada-master) beside wrk, h2load and Locust's FastHttpUser, in one run.
#
# nginx (1 worker) runs on core 0 and counts the requests itself (stub_status);
# each generator runs alone on core 1 with 50 connections and no wait. A run
# measures every generator once, in turn; runs are repeated and the median of
# the steady-window rates is reported, with min and max and the ratio to wrk.
# Writes bench/results/http_throughput.md.
#
#   bench/http_throughput.sh [runs] [seconds]     (defaults: 3 runs, 10 s windows)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-3}
window=${2:-10}
warmup=3
connections=50
port=${BENCH_PORT:-18089}
generators=(${BENCH_GENERATORS:-wrk h2load cicada cicada-worker locust})
bodies=(${BENCH_BODIES:-100 1k})

bench_install nginx wrk nghttp2-client python3-locust curl
bench_build_release cicada cicada-master cicada-worker

work=$(mktemp -d /tmp/cicada-bench.XXXXXX)
trap 'bench_nginx_stop "$work/nginx"; rm -rf "$work"' EXIT
bench_nginx_start "$work/nginx" "$port"
url="http://127.0.0.1:$port"
bin=build/release

generator_command() {  # name body -> the command line, for the results file too
  local name=$1 body=$2 run_for=$((warmup + window + 5))
  case $name in
    wrk) echo "wrk -t1 -c$connections -d${run_for}s $url/$body" ;;
    h2load) echo "h2load --h1 -t1 -c$connections -D $run_for $url/$body" ;;
    cicada) echo "$bin/standalone/cicada -f bench/scenarios/get_$body.yaml -H $url --headless -u $connections -r $connections -t ${run_for}s --only-summary" ;;
    cicada-worker) echo "$bin/master/cicada-master -f bench/scenarios/get_$body.yaml -H $url --headless -u $connections -r $connections -t ${run_for}s --processes 1 --master-bind-port $((port + 100)) --only-summary" ;;
    locust) echo "env BENCH_PATH=/$body /usr/bin/python3 -m locust -f bench/locust_fast_http.py -H $url --headless -u $connections -r $connections -t ${run_for}s --only-summary" ;;
  esac
}

# Runs one generator on core 1 and prints nginx's request rate over the window.
measure() {
  local command=$1
  # shellcheck disable=SC2086
  taskset -c 1 $command >"$work/generator.log" 2>&1 &
  local pid=$!
  sleep "$warmup"
  local before after
  before=$(bench_nginx_requests "$port")
  sleep "$window"
  after=$(bench_nginx_requests "$port")
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sleep 1
  echo $(((after - before) / window))
}

declare -A rates
for run in $(seq "$runs"); do
  for body in "${bodies[@]}"; do
    for name in "${generators[@]}"; do
      rate=$(measure "$(generator_command "$name" "$body")")
      rates[$name/$body]+="$rate "
      echo "run $run: $name GET /$body: $rate req/s"
    done
  done
done

mkdir -p bench/results
out=bench/results/http_throughput.md
{
  echo "# Requests per second per generator core"
  echo
  echo "Command: \`bench/http_throughput.sh $runs $window\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
  echo "nginx $(nginx -v 2>&1 | cut -d/ -f2), 1 worker on core 0, access log off; each generator alone on core 1,"
  echo "$connections connections, no wait; requests counted by nginx's stub_status over a ${window} s window after"
  echo "${warmup} s of warm-up; $runs runs, every generator once per run, in turn. Median (min-max) req/s."
  for body in "${bodies[@]}"; do
    read -r wrk_median _ <<<"$(printf '%s\n' ${rates[wrk/$body]:-0} | bench_stats)"
    echo
    echo "## GET /$body"
    echo
    echo "| generator | req/s median | min | max | x wrk | command |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for name in "${generators[@]}"; do
      read -r median low high <<<"$(printf '%s\n' ${rates[$name/$body]} | bench_stats)"
      ratio=$(awk -v a="$median" -v b="$wrk_median" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')
      echo "| $name | $median | $low | $high | $ratio | \`$(generator_command "$name" "$body")\` |"
    done
  done
} >"$out"
cat "$out"
