#!/usr/bin/env bash
# Time to N running users (plain users, no connections) at spawn rate R, cicada's
# local runner beside Locust's, each alone on core 1, interleaved run by run.
# Both start through their library API and stop the clock when the runner says
# every user is running. Writes bench/results/spawn_time.md.
#
#   bench/spawn_time.sh [runs] [users] [spawn-rate]   (defaults: 5 100000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-5}
users=${2:-100000}
rate=${3:-100000}

bench_install python3-locust
bench_build_release spawn_time

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
cicada_command="build/release/bench/spawn_time $users $rate"
locust_command="/usr/bin/python3 bench/locust_spawn_time.py $users $rate"

cicada_runs=(); locust_runs=()
for run in $(seq "$runs"); do
  # shellcheck disable=SC2086
  cicada_runs+=("$(taskset -c 1 $cicada_command | field seconds)")
  # shellcheck disable=SC2086
  locust_runs+=("$(taskset -c 1 $locust_command 2>/dev/null | field seconds)")
  echo "run $run: cicada ${cicada_runs[-1]} s, Locust ${locust_runs[-1]} s"
done
read -r cicada_median cicada_low cicada_high <<<"$(printf '%s\n' "${cicada_runs[@]}" | bench_stats)"
read -r locust_median locust_low locust_high <<<"$(printf '%s\n' "${locust_runs[@]}" | bench_stats)"

mkdir -p bench/results
out=bench/results/spawn_time.md
{
  echo "# Time to $users running users"
  echo
  echo "Command: \`bench/spawn_time.sh $runs $users $rate\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
  echo "Plain users (an empty task, then a wait of an hour, no connections) started at spawn rate"
  echo "$rate through the library API; the clock stops when the runner reports all of them running."
  echo "Each alone on core 1. Seconds, median (min-max) of $runs runs."
  echo
  echo "| tool | seconds median | min | max | x cicada | command |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| cicada | $cicada_median | $cicada_low | $cicada_high | 1 | \`$cicada_command\` |"
  ratio=$(awk -v a="$locust_median" -v b="$cicada_median" 'BEGIN {printf "%.1f", a / b}')
  echo "| Locust $(/usr/bin/python3 -c 'import locust; print(locust.__version__ or "2.12.1 (Debian)")') | $locust_median | $locust_low | $locust_high | $ratio | \`$locust_command\` |"
} >"$out"
cat "$out"
