#!/usr/bin/env bash
# Memory per waiting HTTP user: each user made one request and waits with its
# keep-alive connection open. cicada and Locust's FastHttpUser side by side,
# at several user counts; peak RSS read from /proc (VmHWM) once every user's
# request has reached nginx, minus the same at 1 user, divided by the users.
# Writes bench/results/http_user_memory.md.
#
#   bench/http_user_memory.sh [runs] [counts...]     (defaults: 3 runs; 1000 5000 15000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-3}
shift || true
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(1000 5000 15000)
port=${BENCH_PORT:-18091}
tools=(${BENCH_TOOLS:-cicada locust})

bench_install nginx python3-locust curl
bench_build_release cicada
ulimit -n "$(ulimit -Hn)"  # every user holds a socket

work=$(mktemp -d /tmp/cicada-bench.XXXXXX)
trap 'bench_nginx_stop "$work/nginx"; rm -rf "$work"' EXIT
bench_nginx_start "$work/nginx" "$port"
url="http://127.0.0.1:$port"

tool_command() {  # tool users
  case $1 in
    cicada) echo "build/release/standalone/cicada -f bench/scenarios/get_once_then_wait.yaml -H $url --headless -u $2 -r $2 -t 120s --only-summary" ;;
    locust) echo "/usr/bin/python3 -m locust -f bench/locust_fast_http_wait.py -H $url --headless -u $2 -r $2 -t 120s --only-summary" ;;
  esac
}

# Peak RSS in KiB once `users` requests have reached nginx (and 2 s to settle).
peak_rss_kib() {
  local tool=$1 users=$2
  local before
  before=$(bench_nginx_requests "$port")
  # shellcheck disable=SC2046
  $(tool_command "$tool" "$users") >"$work/tool.log" 2>&1 &
  local pid=$! waited=0
  while [ $(($(bench_nginx_requests "$port") - before - 1)) -lt "$users" ] && [ $waited -lt 900 ]; do
    sleep 0.2
    waited=$((waited + 1))
  done
  sleep 2
  local kib
  kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sleep 1
  echo "$kib"
}

declare -A per_user
for run in $(seq "$runs"); do
  for tool in "${tools[@]}"; do
    base=$(peak_rss_kib "$tool" 1)
    for users in "${counts[@]}"; do
      peak=$(peak_rss_kib "$tool" "$users")
      bytes=$(( (peak - base) * 1024 / (users - 1) ))
      per_user[$tool/$users]+="$bytes "
      echo "run $run: $tool $users users: peak ${peak} KiB (1 user: ${base} KiB) -> $bytes B/user"
    done
  done
done

mkdir -p bench/results
out=bench/results/http_user_memory.md
{
  echo "# Memory per waiting HTTP user"
  echo
  echo "Command: \`bench/http_user_memory.sh $runs ${counts[*]}\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores)."
  echo "Each user made one GET to nginx and waits (constant 3600 s) with its keep-alive connection open."
  echo "Peak RSS (VmHWM) once all requests reached nginx, minus the peak at 1 user, per user; median of $runs runs."
  echo
  echo "| tool | users | bytes per user (median) | min | max | command |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for tool in "${tools[@]}"; do
    for users in "${counts[@]}"; do
      read -r median low high <<<"$(printf '%s\n' ${per_user[$tool/$users]} | bench_stats)"
      echo "| $tool | $users | $median | $low | $high | \`$(tool_command "$tool" "$users")\` |"
    done
  done
} >"$out"
cat "$out"
