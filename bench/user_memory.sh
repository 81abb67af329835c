#!/usr/bin/env bash
# Memory per waiting user, cicada and Locust side by side, median of 5 runs
# each. Builds the release preset, runs both, writes bench/results/user_memory.md.
#
#   bench/user_memory.sh [users]     (default 100000 for cicada, 10000 for Locust)
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-100000}
locust_users=${LOCUST_USERS:-10000}

cmake --preset release >/dev/null
cmake --build --preset release --target idle_users >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

cicada_runs=(); locust_runs=()
for run in 1 2 3 4 5; do
  cicada_runs+=("$(build/release/bench/idle_users "$users" | field bytes_per_user)")
  locust_runs+=("$(/usr/bin/python3 bench/locust_idle_users.py "$locust_users" 2>/dev/null | field bytes_per_user)")
done
cicada_median=$(printf '%s\n' "${cicada_runs[@]}" | median)
locust_median=$(printf '%s\n' "${locust_runs[@]}" | median)

mkdir -p bench/results
{
  echo "# Memory per waiting user"
  echo
  echo "Command: \`bench/user_memory.sh $users\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores)."
  echo "Each user ran one empty task and waits (constant 3600 s). RSS growth / users, median of 5 runs."
  echo
  echo "| tool | users | bytes per user (median) | runs |"
  echo "| --- | --- | --- | --- |"
  echo "| cicada (release) | $users | $cicada_median | ${cicada_runs[*]} |"
  echo "| Locust $(/usr/bin/python3 -c 'import locust; print(locust.__version__ or "2.12.1 (Debian)")') User | $locust_users | $locust_median | ${locust_runs[*]} |"
} > bench/results/user_memory.md
cat bench/results/user_memory.md
