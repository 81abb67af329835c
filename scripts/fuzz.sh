#!/usr/bin/env bash
# Runs every fuzz target (fuzz/) under libFuzzer with ASan and UBSan for a
# fixed time, keeps the inputs that add coverage in fuzz/corpus/<target>
# (ctest replays them in every build), and writes fuzz/results.md.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (default 600)] [PARALLEL (default 2)] [TARGET...]
# (default: every target; with targets named, only their rows of results.md
# change; SECONDS 0 only merges and reports the targets' last runs)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
parallel="${2:-2}"
all_targets=(proto_envelope http_response scenario_yaml config_file web_form)
targets=("${@:3}")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

if ! command -v clang++-14 >/dev/null || [ ! -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  echo "fuzz: installing clang-14 and its libFuzzer runtime"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${targets[@]/%/_fuzz}"

out=build/fuzz/runs
mkdir -p "$out"
run_target() {
  local target="$1" seconds="$2" out="$3"
  mkdir -p "$out/$target.corpus"
  # New inputs go to a scratch corpus; the committed one is read as seeds.
  "build/fuzz/fuzz/${target}_fuzz" "$out/$target.corpus" "fuzz/corpus/$target" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 \
    -artifact_prefix="$out/$target-" >"$out/$target.log" 2>&1
  echo "$target: exit $?"
}
export -f run_target
if [ "$seconds" -gt 0 ]; then
  for target in "${targets[@]}"; do rm -rf "$out/$target".* "$out/$target"-*; done
  printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c "run_target {} $seconds $out"
fi

# Keep what adds coverage, minimised, for the replays.
for target in "${targets[@]}"; do
  "build/fuzz/fuzz/${target}_fuzz" -merge=1 "fuzz/corpus/$target" "$out/$target.corpus" \
    >"$out/$target.merge.log" 2>&1 || true
done

# One row per target, each with the run that produced it; rows of targets
# not run this time are kept.
declare -A rows
if [ -f fuzz/results.md ]; then
  while IFS= read -r line; do
    name="$(cut -d'|' -f2 <<<"$line" | tr -d ' ')"
    rows[$name]="$line"
  done < <(grep '^| [a-z_]* |' fuzz/results.md | grep -v '^| target |')
fi
for target in "${targets[@]}"; do
  log="$out/$target.log"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)"
  kept="$(find "fuzz/corpus/$target" -type f | wc -l)"
  findings="$(find "$out" -maxdepth 1 -name "$target-*" | wc -l)"
  ran="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1 s/p' "$log" | tail -1)"
  finished="$(date -u -r "$log" '+%Y-%m-%d %H:%M UTC')"
  rows[$target]="| $target | $finished | ${ran:-stopped at a finding} | ${runs:-?} | ${cov:-?} | $kept | $findings |"
done
{
  echo "# Fuzzing results"
  echo
  echo "Each row: \`scripts/fuzz.sh SECONDS PARALLEL [TARGET]\` on $(nproc) cores, clang 14 libFuzzer, ASan"
  echo "everywhere, UBSan and coverage on the parsers (see docs/reliability.md). Findings are inputs"
  echo "that crashed, leaked or timed out; each was fixed and kept in fuzz/corpus/<target>."
  echo
  echo "| target | run ended | time fuzzed | runs | coverage (edges) | corpus kept | findings |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for target in "${all_targets[@]}"; do
    [ -n "${rows[$target]:-}" ] && echo "${rows[$target]}"
  done
} >fuzz/results.md
cat fuzz/results.md
# Fails when this run's targets left a crash, leak or timeout behind.
for target in "${targets[@]}"; do
  ! find "$out" -maxdepth 1 \( -name "$target-crash-*" -o -name "$target-leak-*" -o -name "$target-timeout-*" \) | grep -q . || exit 1
done
