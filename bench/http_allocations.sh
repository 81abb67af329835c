#!/usr/bin/env bash
# Heap allocations per request on the HTTP path, counted: every operator new on
# the load loop's thread over a measured window, divided by the requests
# recorded in it (bench/http_allocations.cpp). Three workloads: the YAML
# steps of the throughput benchmark (GET 100 B and 1 KiB) and a C++ user
# calling client().get(). nginx on core 0, the generator on core 1, 50 users,
# no wait. Writes bench/results/http_allocations.md.
#
#   bench/http_allocations.sh [runs] [seconds]     (defaults: 3 runs, 5 s windows)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-3}
window=${2:-5}
warmup=2
users=50
port=${BENCH_PORT:-18097}
workloads=(bench/scenarios/get_100.yaml bench/scenarios/get_1k.yaml api:/100)

bench_install nginx curl
bench_build_release http_allocations

work=$(mktemp -d /tmp/cicada-bench.XXXXXX)
trap 'bench_nginx_stop "$work/nginx"; rm -rf "$work"' EXIT
bench_nginx_start "$work/nginx" "$port"
sleep 0.3
url="http://127.0.0.1:$port"

command_for() { echo "build/release/bench/http_allocations $1 $url $users $warmup $window"; }

declare -A per_request requests allocations
for run in $(seq "$runs"); do
  for workload in "${workloads[@]}"; do
    # shellcheck disable=SC2046
    line=$(taskset -c 1 $(command_for "$workload") 2>/dev/null | grep '^requests=')
    echo "run $run: $workload: $line"
    eval "$(tr ' ' '\n' <<<"$line" | grep -E '^(requests|allocations|allocations_per_request|failures)=' | sed 's/^/r_/')"
    if [ "$r_failures" != 0 ]; then
      echo "bench: $workload had $r_failures failures; allocations on the success path only" >&2
      exit 1
    fi
    per_request[$workload]+="$r_allocations_per_request "
    requests[$workload]+="$r_requests "
    allocations[$workload]+="$r_allocations "
  done
done

mkdir -p bench/results
out=bench/results/http_allocations.md
{
  echo "# Heap allocations per request"
  echo
  echo "Command: \`bench/http_allocations.sh $runs $window\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
  echo "nginx $(nginx -v 2>&1 | cut -d/ -f2), 1 worker on core 0; the generator on core 1, $users users, no wait."
  echo "Every \`operator new\` on the load loop's thread over a ${window} s window after ${warmup} s of warm-up,"
  echo "divided by the requests recorded in that window; $runs runs. Every request succeeded."
  echo
  echo "| workload | allocations per request, median | min | max | requests per run | allocations per run | command |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for workload in "${workloads[@]}"; do
    read -r median low high <<<"$(printf '%s\n' ${per_request[$workload]} | bench_stats)"
    echo "| \`$workload\` | $median | $low | $high | ${requests[$workload]% } | ${allocations[$workload]% } | \`$(command_for "$workload")\` |"
  done
} >"$out"
cat "$out"
