#!/usr/bin/env bash
# Soak: a distributed run at a steady rate for a long time (default 10
# minutes), sampling the resident memory and open descriptors of the master
# and of each worker every 10 s. Passes when, after a 2-minute warm-up, the
# last minute's mean is within 5 % of the first post-warm-up minute's for
# every process. Writes bench/results/soak.md.
# Usage: bench/soak.sh [MINUTES (default 10)]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

minutes="${1:-10}"
users=100
per_user_rate=5  # constant_throughput: 100 users x 5/s = 500 requests/s
bench_install
bench_build_release cicada-master cicada-worker cicada-target

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
master_port=$((port + 1))
cat >"$work/soak.yaml" <<YAML
host: http://127.0.0.1:$port
users:
  - name: Steady
    wait_time: {constant_throughput: $per_user_rate}
    tasks:
      - get: /
      - get: /json
      - get: /bytes?n=2000
YAML

build/release/bench/cicada-target --port "$port" >"$work/target.log" 2>&1 &
pids+=($!)
build/release/master/cicada-master -f "$work/soak.yaml" --headless -u "$users" -r 50 \
  -t "${minutes}m" --expect-workers 2 --master-bind-host 127.0.0.1 --master-bind-port "$master_port" \
  --csv "$work/run" >"$work/master.log" 2>&1 &
master=$!
pids+=("$master")
workers=()
for i in 1 2; do
  build/release/worker/cicada-worker -f "$work/soak.yaml" --master-port "$master_port" \
    >"$work/worker$i.log" 2>&1 &
  workers+=($!)
  pids+=($!)
done

sample() {  # sample PID -> "rss_kib fds"
  local rss fds
  rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)"
  fds="$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  echo "$rss $fds"
}
echo "t_s master_rss_kib master_fds worker1_rss_kib worker1_fds worker2_rss_kib worker2_fds" >"$work/samples.txt"
start=$SECONDS
while kill -0 "$master" 2>/dev/null; do
  line="$((SECONDS - start))"
  for pid in "$master" "${workers[@]}"; do line="$line $(sample "$pid")"; done
  echo "$line" >>"$work/samples.txt"
  sleep 10
done
wait "$master" || true

# Growth of each column: mean over the last minute against the first
# minute after the 2-minute warm-up.
growth="$(awk -v warm=120 -v total="$((minutes * 60))" 'NR > 1 {
    for (c = 2; c <= NF; c++) {
      if ($1 >= warm && $1 < warm + 60) { early[c] += $c; ne[c]++ }
      if ($1 >= total - 60 && $1 < total) { late[c] += $c; nl[c]++ }
    }
    cols = NF
  }
  END {
    worst = 0
    for (c = 2; c <= cols; c++) {
      e = early[c] / ne[c]; l = late[c] / nl[c]
      g = (l - e) / e * 100
      printf "%s%.1f", (c > 2 ? " " : ""), g
    }
  }' "$work/samples.txt")"
requests="$(grep ',Aggregated,' "$work/run_stats.csv" | cut -d, -f3)"
failures="$(grep ',Aggregated,' "$work/run_stats.csv" | cut -d, -f4)"

mkdir -p bench/results
{
  echo "# Soak: memory and descriptors over a long distributed run"
  echo
  echo "Command: \`bench/soak.sh $minutes\` ($(date -u '+%Y-%m-%d %H:%M UTC'), release preset, $(nproc) cores)."
  echo "cicada-master with 2 cicada-worker processes, $users users at constant_throughput($per_user_rate)"
  echo "(about $((users * per_user_rate)) requests/s) against cicada-target, for $minutes minutes:"
  echo "$requests requests, $failures failures. Samples every 10 s from /proc (VmRSS, open fds)."
  echo
  echo "Growth, mean of the last minute against the minute after a 2-minute warm-up (goal: under 5 %):"
  echo
  echo "| process | RSS growth % | descriptors growth % |"
  echo "| --- | --- | --- |"
  read -r m_rss m_fd w1_rss w1_fd w2_rss w2_fd <<<"$growth"
  echo "| master | $m_rss | $m_fd |"
  echo "| worker 1 | $w1_rss | $w1_fd |"
  echo "| worker 2 | $w2_rss | $w2_fd |"
  echo
  echo "Samples:"
  echo
  echo '```'
  cat "$work/samples.txt"
  echo '```'
} >bench/results/soak.md
cat bench/results/soak.md | head -20
awk -v g="$growth" 'BEGIN { n = split(g, a, " "); for (i = 1; i <= n; i++) if (a[i] + 0 >= 5) exit 1 }'
