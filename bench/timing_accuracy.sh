#!/usr/bin/env bash
# How true the reported latency is: a target that answers /delay?ms=20 in 20 ms,
# 100 users (connections), and each generator's reported p50 and p99 minus 20 ms,
# cicada beside wrk and Locust's FastHttpUser, in one run.
#
# cicada-target runs on core 0 and measures its own lateness (how long past the
# 20 ms each answer was ready, bench/target's /__lateness), so the error each
# generator adds can be told from the target's. Each generator runs alone on
# core 1. cicada and Locust users wait 0.1 s between requests; wrk cannot wait,
# so its 100 connections ask back to back. cicada's percentiles are the exact ones
# of its --json-file (its CSV keeps Locust's rounding to whole milliseconds);
# Locust's come from its CSV (whole milliseconds below 100 ms, all it has); wrk's
# from its --latency table. Median (min-max) over the runs.
# Writes bench/results/timing_accuracy.md.
#
#   bench/timing_accuracy.sh [runs] [seconds]     (defaults: 3 runs, 20 s)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

runs=${1:-3}
seconds=${2:-20}
users=100
delay_ms=20
port=${BENCH_PORT:-18090}
generators=(${BENCH_GENERATORS:-wrk cicada locust})

bench_install wrk python3-locust curl
bench_build_release cicada cicada-target

work=$(mktemp -d /tmp/cicada-timing.XXXXXX)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT
bin=build/release
url="http://127.0.0.1:$port"
ulimit -n "$(ulimit -Hn)"
taskset -c 0 "$bin/bench/cicada-target" --port "$port" >"$work/target.log" 2>&1 &
for _ in $(seq 50); do grep -q listening "$work/target.log" && break; sleep 0.1; done

generator_command() {  # name -> the command line, for the results file too
  case $1 in
    wrk) echo "wrk -t1 -c$users -d${seconds}s --latency $url/delay?ms=$delay_ms" ;;
    cicada) echo "$bin/standalone/cicada -f bench/scenarios/delay_20.yaml -H $url --headless -u $users -r $users -t ${seconds}s --csv $work/out --json-file $work/out --only-summary" ;;
    locust) echo "/usr/bin/python3 -m locust -f bench/locust_delay_20.py -H $url --headless -u $users -r $users -t ${seconds}s --csv $work/out --only-summary" ;;
  esac
}

# wrk's --latency line "     99%   21.43ms" in ms.
wrk_percentile() {  # label log
  awk -v label="$1" '$1 == label {
    v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
    if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000
    print v; exit }' "$2"
}

# The CSV's Aggregated row, columns "50%" and "99%".
csv_percentiles() {
  /usr/bin/python3 - "$1" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["Name"] == "Aggregated":
        print(row["50%"], row["99%"])
PY
}

# cicada's exact p50 and p99 (ms) of its one request name, from --json-file.
json_percentiles() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
entry = json.load(open(sys.argv[1]))[0]
exact = entry["response_time_percentiles"]
print(exact["0.5"], exact["0.99"])
PY
}

# One run of one generator: prints "p50_error p99_error target_p50 target_p99" (ms).
measure() {
  local name=$1 p50 p99
  rm -f "$work"/out_* "$work"/out.json
  curl -s "$url/__lateness?reset=1" >/dev/null
  # shellcheck disable=SC2046
  taskset -c 1 $(generator_command "$name") >"$work/generator.log" 2>&1 || true
  local truth
  truth=$(curl -s "$url/__lateness?reset=1")
  if [ "$name" = wrk ]; then
    p50=$(wrk_percentile 50% "$work/generator.log")
    p99=$(wrk_percentile 99% "$work/generator.log")
  elif [ "$name" = cicada ]; then
    read -r p50 p99 <<<"$(json_percentiles "$work/out.json")"
  else
    read -r p50 p99 <<<"$(csv_percentiles "$work/out_stats.csv")"
  fi
  /usr/bin/python3 - "$truth" "$p50" "$p99" "$delay_ms" <<'PY'
import json, sys
truth = json.loads(sys.argv[1])
p50, p99, delay = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
late50, late99 = truth["p50_us"] / 1000, truth["p99_us"] / 1000
print(f"{p50 - delay:.2f} {p99 - delay:.2f} {late50:.2f} {late99:.2f}")
PY
}

declare -A p50s p99s target50s target99s
for run in $(seq "$runs"); do
  for name in "${generators[@]}"; do
    read -r e50 e99 t50 t99 <<<"$(measure "$name")"
    p50s[$name]+="$e50 "; p99s[$name]+="$e99 "
    target50s[$name]+="$t50 "; target99s[$name]+="$t99 "
    echo "run $run: $name p50 +$e50 ms, p99 +$e99 ms (target late by p50 $t50, p99 $t99 ms)"
  done
done

summary() {  # numbers -> "median (min-max)"
  read -r median low high <<<"$(printf '%s\n' $1 | bench_stats)"
  echo "$median ($low-$high)"
}

mkdir -p bench/results
out=bench/results/timing_accuracy.md
{
  echo "# Timing accuracy: reported latency against a 20 ms truth"
  echo
  echo "Command: \`bench/timing_accuracy.sh $runs $seconds\` ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))."
  echo "cicada-target on core 0 answers \`/delay?ms=$delay_ms\`; each generator alone on core 1 with $users users"
  echo "(cicada and Locust wait 0.1 s between requests, wrk's connections ask back to back) for $seconds s."
  echo "Error = reported percentile minus $delay_ms ms, in ms; the target's own lateness is how long past"
  echo "$delay_ms ms its answers were ready, measured by the target during that generator's run."
  echo "cicada's percentiles are the exact ones from its --json-file, Locust's its CSV's (whole"
  echo "milliseconds at this latency), wrk's its --latency table's. Median (min-max) of $runs runs."
  echo
  echo "| generator | p50 error | p99 error | target lateness p50 | target lateness p99 | command |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for name in "${generators[@]}"; do
    echo "| $name | $(summary "${p50s[$name]}") | $(summary "${p99s[$name]}") | $(summary "${target50s[$name]}") | $(summary "${target99s[$name]}") | \`$(generator_command "$name" | sed "s|$work|\$work|g")\` |"
  done
} >"$out"
cat "$out"
