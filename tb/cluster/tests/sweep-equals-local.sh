#!/usr/bin/env bash
# sweep-equals-local.sh slurm|parallel VMSIM GRID WORKDIR SHARDS [--after-a-failed-shard]
# Runs GRID split into SHARDS shards through slurm-sweep.sh (a job array + merge job on the running cluster,
# SLURM_CONF from the environment) or parallel-sweep.sh, then the same sweep locally in one go, and requires
# the merged report.md, results.csv and results.json to equal the local ones byte for byte, and every shard
# to have run where it should (its Slurm or GNU parallel log).
# --after-a-failed-shard: first the same with shard 1 failing (vmsim-failing-shard.sh): the script must exit 1
# and name the missing points; then the rerun must skip the points already done and complete the sweep.
set -euo pipefail
mode=$1 vmsim=$2 grid=$3 work=$4 shards=$5 after_failure=${6:-}
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"  # an earlier run's results are never reused
mkdir -p "$work"

distributed() {  # distributed VMSIM: the sweep into $work/cluster; its output in $work/run.log
  local rc=0
  case $mode in
    slurm) timeout 180 "$here/slurm-sweep.sh" "$grid" "$work/cluster" --shards "$shards" --vmsim "$1" --time 10 --wait ;;
    parallel) timeout 180 "$here/parallel-sweep.sh" "$grid" "$work/cluster" --shards "$shards" --jobs 2 --vmsim "$1" ;;
    *) echo "sweep-equals-local: unknown mode '$mode'" >&2; exit 2 ;;
  esac >"$work/run.log" 2>&1 || rc=$?
  cat "$work/run.log"
  return "$rc"
}
shard_log() {  # shard_log i: the log of shard i of the last distributed run
  case $mode in
    slurm) local array
           array=$(sed -n 's/^slurm-sweep: shard array \([0-9]*\) .*/\1/p' "$work/run.log")
           [ -n "$array" ] && ls "$work/cluster/slurm/shard-${array}_$1.out" 2>/dev/null || true ;;
    parallel) ls "$work/cluster/parallel/shard-$1.err" 2>/dev/null || true ;;
  esac
}

if [ "$after_failure" = --after-a-failed-shard ]; then
  rc=0
  VMSIM_REAL=$vmsim distributed "$here/tests/vmsim-failing-shard.sh" || rc=$?
  [ "$rc" = 1 ] || { echo "sweep-equals-local: with shard 1 failing, exit $rc (1 expected)" >&2; exit 1; }
  grep -q "missing" "$work/run.log" || { echo "sweep-equals-local: the merge named no missing point" >&2; exit 1; }
  echo "sweep-equals-local: with shard 1 failing: exit 1, points missing; now the rerun"
fi
distributed "$vmsim"
timeout 180 "$vmsim" --sweep "$grid" --out-dir "$work/local" --jobs 2

fail=0 resumed=0
for i in $(seq 0 $((shards - 1))); do
  log=$(shard_log "$i")
  [ -n "$log" ] || { echo "sweep-equals-local: shard $i left no $mode log" >&2; fail=1; continue; }
  grep -Eq "shard $i/$shards: .* [1-9][0-9]* already done" "$log" && resumed=$((resumed + 1))
done
if [ "$after_failure" = --after-a-failed-shard ] && [ "$resumed" != $((shards - 1)) ]; then
  echo "sweep-equals-local: $resumed shards skipped points already done, $((shards - 1)) expected" >&2; fail=1
fi
for f in report.md results.csv results.json; do
  if ! cmake -E compare_files "$work/cluster/$f" "$work/local/$f"; then
    echo "sweep-equals-local: $f of the $mode run differs from the local one:" >&2
    diff -u "$work/local/$f" "$work/cluster/$f" | head -n 40 >&2 || true
    fail=1
  fi
done
[ "$fail" = 0 ] && echo "sweep-equals-local: $mode, $shards shards${after_failure:+ (rerun after a failed shard)}: report.md, results.csv, results.json equal the local run's"
exit "$fail"
