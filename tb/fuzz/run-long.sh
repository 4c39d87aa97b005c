#!/usr/bin/env bash
# The long fuzz campaign, by hand: builds the targets (tb/fuzz/build.sh), runs each for SECONDS (default
# 3600) one after the other, keeping the corpus in build/fuzz/long/<target>/corpus between campaigns, and
# prints per target the executions, exec/s and libFuzzer's coverage (cov: edges, ft: features).
# Usage: tb/fuzz/run-long.sh [SECONDS] [TARGET[:SECONDS]...]     JOBS=2 runs each target with -fork=2.
# A finding stops that target and leaves its reproducer in build/fuzz/long/<target>/artifacts/.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-3600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_virtqueue fuzz_driver fuzz_transport fuzz_scenario)
declare -A budget
for i in "${!targets[@]}"; do
  t=${targets[$i]%%:*}
  budget[$t]=$seconds
  [[ ${targets[$i]} == *:* ]] && budget[$t]=${targets[$i]#*:}
  targets[$i]=$t
done
build=$root/build/fuzz
bash "$root/tb/fuzz/build.sh" "$build" || exit 1
work=$build/long
mkdir -p "$work"
extra=()
[ "${JOBS:-1}" -gt 1 ] && extra=(-fork="$JOBS")
failed=0
for t in "${targets[@]}"; do
  echo "== $t: ${budget[$t]} s ${extra[*]}"
  bash "$root/tb/fuzz/run.sh" "$build" "$t" "${budget[$t]}" "$work" "${extra[@]}" >"$work/$t.log" 2>&1 || failed=1
done
printf '\n%-16s %12s %8s %8s %8s %s\n' target executions exec/s cov ft result
for t in "${targets[@]}"; do
  log=$work/$t.log
  execs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
  rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | tail -1 | awk '{print $2}')
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  [ -n "$execs" ] && [ "$execs" != 0 ] || execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | awk '{print $2}')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | awk '{print $2}')
  [ -n "$rate" ] || rate=$(grep -oE 'exec/s: [0-9]+' <<<"$last" | awk '{print $2}')
  result=ok
  grep -qE 'ERROR: (libFuzzer|AddressSanitizer)|invariant violated|runtime error|fuzz_scenario: run' "$log" && result=FINDING
  printf '%-16s %12s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $failed
