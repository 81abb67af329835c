#!/usr/bin/env bash
# How many workers a master serves: cicada-master beside Locust's master, each
# against the same simulated workers (bench/worker_sim.cpp: one process of ZeroMQ
# DEALERs speaking Locust's protocol, a heartbeat every 1 s and a 20-endpoint
# stats report every 3 s each, 10 users each).
#
# The master runs alone on core 1, the simulator on core 0. For each worker
# count and master: the master's CPU over a steady window after the ramp, its
# peak RSS (VmHWM), how many workers it wrongly marked missing, whether the run
# ended on its own within run time + 30 s (else SIGTERM, then SIGKILL), and the
# merged request count from the master's CSV against what the simulator sent.
# Writes bench/results/master_scale.md.
#
#   bench/master_scale.sh [runs] [run-seconds] [worker counts...]
#   (defaults: 3 runs, 40 s, 1000 5000 8000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-3}
run_time=${2:-40}
shift $(($# > 2 ? 2 : $#))
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(1000 5000 8000)
masters=(${BENCH_MASTERS:-cicada locust})
window=15
port=${BENCH_PORT:-15557}

bench_install python3-locust python3-zmq
bench_build_release cicada-master worker_sim

work=$(mktemp -d /tmp/cicada-master-scale.XXXXXX)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT
bin=build/release
# The simulated workers announce Locust 2.12.1 (Debian's, whose master rejects an
# empty version as "pre 2.0" and which gets no heartbeat replies), to both masters.
version=2.12.1
ticks=$(getconf CLK_TCK)

master_command() {  # name workers -> the command line
  local name=$1 workers=$2 users=$(($2 * 10))
  case $name in
    cicada) echo "$bin/master/cicada-master -f bench/scenarios/get_100.yaml --headless --expect-workers $workers -u $users -r $users -t ${run_time}s --master-bind-port $port --csv $work/out --only-summary" ;;
    locust) echo "/usr/bin/python3 -m locust -f bench/locust_master.py --master --headless --expect-workers $workers -u $users -r $users -t ${run_time}s --master-bind-port $port --csv $work/out --only-summary" ;;
  esac
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
peak_rss_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# One run: prints "cpu_percent rss_mib missing ended merged sent".
measure() {
  local name=$1 workers=$2
  rm -f "$work"/out_*
  ulimit -n "$(ulimit -Hn)"
  # shellcheck disable=SC2086
  taskset -c 1 $(master_command "$name" "$workers") >"$work/master.log" 2>&1 &
  local master=$!
  sleep 1
  taskset -c 0 "$bin/bench/worker_sim" --master "tcp://127.0.0.1:$port" --workers "$workers" \
    --version "$version" --max-seconds $((run_time + 240)) >"$work/sim.out" 2>&1 &
  local sim=$!
  # The window starts 3 s after the ramp ended, or 15 s in if the master is
  # still ramping then (so it falls inside the run time either way).
  local waited=0
  while ! grep -q "All users spawned" "$work/master.log" && [ $waited -lt 120 ] &&
    kill -0 "$master" 2>/dev/null; do
    sleep 0.1
    waited=$((waited + 1))
  done
  sleep 3
  local before after rss
  before=$(cpu_ticks "$master")
  sleep "$window"
  after=$(cpu_ticks "$master")
  rss=$(peak_rss_kib "$master")
  # The master should end by itself at its run time; give it 30 s more.
  local ended=yes deadline=$((SECONDS + run_time + 30))
  while kill -0 "$master" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
  if kill -0 "$master" 2>/dev/null; then
    ended=no
    kill -TERM "$master" 2>/dev/null || true
    local term_deadline=$((SECONDS + 15))
    while kill -0 "$master" 2>/dev/null && [ $SECONDS -lt $term_deadline ]; do sleep 0.5; done
    kill -0 "$master" 2>/dev/null && { ended="no (SIGKILL)"; kill -KILL "$master" 2>/dev/null || true; }
  fi
  wait "$master" 2>/dev/null || true
  kill -TERM "$sim" 2>/dev/null || true
  wait "$sim" 2>/dev/null || true
  local missing merged sent gaps
  missing=$(grep -c "failed to send heartbeat" "$work/master.log" || true)
  # Heartbeats the simulator itself sent 3 s or more apart: missing workers are
  # false only beyond these.
  gaps=$(sed -n 's/.*gaps_over_3s=\([0-9]*\).*/\1/p' "$work/sim.out")
  merged=$(awk -F, '$2 == "\"Aggregated\"" || $2 == "Aggregated" {print $3}' "$work/out_stats.csv" 2>/dev/null | tail -1)
  sent=$(sed -n 's/.*requests_sent=\([0-9]*\).*/\1/p' "$work/sim.out")
  cp "$work/master.log" "$work/last_${name}_${workers}.log"
  echo "$(awk -v d=$((after - before)) -v t=$((window * ticks)) 'BEGIN {printf "%.1f", d * 100 / t}') $((rss / 1024)) $missing ${ended// /_} ${merged:-0} ${sent:-0} ${gaps:-?}"
}

declare -A results
for run in $(seq "$runs"); do
  for workers in "${counts[@]}"; do
    for name in "${masters[@]}"; do
      line=$(measure "$name" "$workers")
      results[$name/$workers]+="$line;"
      echo "run $run: $name, $workers workers: cpu% rss_mib missing ended merged sent sim_gaps = $line"
    done
  done
done

# The n-th field of every run of one cell, one per line.
field() { tr ';' '\n' <<<"${results[$1]}" | awk -v f="$2" 'NF {print $f}'; }

mkdir -p bench/results
out=bench/results/master_scale.md
{
  echo "# Master scale: simulated workers"
  echo
  echo "Command: \`bench/master_scale.sh $runs $run_time ${counts[*]}\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
  echo "Master alone on core 1, \`bench/worker_sim\` on core 0; each simulated worker: heartbeat every 1 s,"
  echo "a 20-endpoint stats report every 3 s, 10 users. CPU is the master's share of one core over a"
  echo "${window} s window starting 3 s after \"All users spawned\"; RSS is its peak (VmHWM). Missing: workers"
  echo "marked missing, with (in brackets) the simulator's own heartbeat gaps of 3 s or more. Ended: the run stopped on its own at its run time (+30 s grace)."
  echo "Merged / sent: requests in the master's CSV total against requests the simulator reported."
  echo "$runs runs; median (min-max)."
  echo
  echo "| master | workers | CPU % of a core | peak RSS MiB | missing (per run; sim gaps) | ended (per run) | merged / sent (per run) | command |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for workers in "${counts[@]}"; do
    for name in "${masters[@]}"; do
      read -r cpu cpu_low cpu_high <<<"$(field "$name/$workers" 1 | bench_stats)"
      read -r rss rss_low rss_high <<<"$(field "$name/$workers" 2 | bench_stats)"
      missing=$(paste -d' ' <(field "$name/$workers" 3) <(field "$name/$workers" 7) |
        awk '{printf "%s%s (sim %s)", (NR > 1 ? ", " : ""), $1, $2}')
      ended=$(field "$name/$workers" 4 | paste -sd/ | tr '_' ' ')
      counts_cell=$(paste -d' ' <(field "$name/$workers" 5) <(field "$name/$workers" 6) |
        awk '{printf "%s%s / %s", (NR > 1 ? ", " : ""), $1, $2}')
      echo "| $name | $workers | $cpu ($cpu_low-$cpu_high) | $rss ($rss_low-$rss_high) | $missing | $ended | $counts_cell | \`$(master_command "$name" "$workers")\` |"
    done
  done
} >"$out"
cat "$out"
