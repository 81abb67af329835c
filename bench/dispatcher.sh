#!/usr/bin/env bash
# The users dispatcher beside Locust's: a ramp to 1,000,000 users over 1,000
# workers and 10 classes (one iteration: spawn rate 1,000,000), and the
# rebalance after one worker leaves, with equal weights and weights 1..10.
# Both run on core 1, a fresh dispatcher per run. Writes bench/results/dispatcher.md.
#
#   bench/dispatcher.sh [runs] [users] [workers]   (defaults: 7, 1000000, 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-7}
users=${2:-1000000}
workers=${3:-1000}

bench_install python3-locust
bench_build_release dispatcher_bench

cicada_command() { echo "build/release/bench/dispatcher_bench $users $workers $runs $1"; }
locust_command() { echo "/usr/bin/python3 bench/locust_dispatch.py $users $workers $runs $1"; }

# "median min max" of one measurement ("ramp" or "rebalance") from a run's output.
pick() { awk -v what="$1" '$1 == what {split($2, a, "="); split($3, b, "="); split($4, c, "="); print a[2], b[2], c[2]}'; }

declare -A out
for weights in equal 1-10; do
  # shellcheck disable=SC2046
  out[cicada/$weights]=$(taskset -c 1 $(cicada_command "$weights"))
  # shellcheck disable=SC2046
  out[locust/$weights]=$(taskset -c 1 $(locust_command "$weights"))
  echo "${out[cicada/$weights]}"
  echo "${out[locust/$weights]}"
done

mkdir -p bench/results
result=bench/results/dispatcher.md
{
  echo "# Users dispatcher: time to compute"
  echo
  echo "Command: \`bench/dispatcher.sh $runs $users $workers\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
  echo "A ramp to $users users over $workers workers and 10 classes in one iteration, then the rebalance"
  echo "after one worker leaves; a fresh dispatcher per run, $runs runs, median (min-max) ms, both on core 1."
  echo "Locust is Debian's python3-locust $(dpkg-query -W -f='${Version}' python3-locust) (its smooth weighted round-robin; cicada"
  echo "implements Locust 2.46's KL generator and is checked against a user-by-user replay in runner_tests)."
  echo
  echo "| weights | step | cicada ms | Locust ms | Locust / cicada | commands |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for weights in equal 1-10; do
    for step in ramp rebalance; do
      read -r c_med c_min c_max <<<"$(pick "$step" <<<"${out[cicada/$weights]}")"
      read -r l_med l_min l_max <<<"$(pick "$step" <<<"${out[locust/$weights]}")"
      ratio=$(awk -v l="$l_med" -v c="$c_med" 'BEGIN {printf "%.0f", l / c}')
      echo "| $weights | $step | $c_med ($c_min-$c_max) | $l_med ($l_min-$l_max) | ${ratio}x | \`$(cicada_command "$weights")\`, \`$(locust_command "$weights")\` |"
    done
  done
} >"$result"
cat "$result"
