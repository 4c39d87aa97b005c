#!/usr/bin/env bash
# sweep-equals-local.sh slurm|parallel VMSIM GRID WORKDIR SHARDS
# Runs GRID split into SHARDS shards through slurm-sweep.sh (a job array + merge job on the running cluster,
# SLURM_CONF from the environment) or parallel-sweep.sh, then the same sweep locally in one go, and requires
# the merged report.md, results.csv and results.json to equal the local ones byte for byte, and every shard
# to have run where it should (its Slurm or GNU parallel log).
set -euo pipefail
mode=$1 vmsim=$2 grid=$3 work=$4 shards=$5
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"  # an earlier run's results are never reused
mkdir -p "$work"

case $mode in
  slurm) timeout 240 "$here/slurm-sweep.sh" "$grid" "$work/cluster" --shards "$shards" --vmsim "$vmsim" --time 10 --wait ;;
  parallel) timeout 240 "$here/parallel-sweep.sh" "$grid" "$work/cluster" --shards "$shards" --jobs 2 --vmsim "$vmsim" ;;
  *) echo "sweep-equals-local: unknown mode '$mode'" >&2; exit 2 ;;
esac
timeout 240 "$vmsim" --sweep "$grid" --out-dir "$work/local" --jobs 2

fail=0
for i in $(seq 0 $((shards - 1))); do
  case $mode in
    slurm) log=$(ls "$work"/cluster/slurm/shard-*_"$i".out 2>/dev/null || true) ;;
    parallel) log=$(ls "$work/cluster/parallel/shard-$i" 2>/dev/null || true) ;;
  esac
  [ -n "$log" ] || { echo "sweep-equals-local: shard $i left no $mode log" >&2; fail=1; }
done
for f in report.md results.csv results.json; do
  if ! cmake -E compare_files "$work/cluster/$f" "$work/local/$f"; then
    echo "sweep-equals-local: $f of the $mode run differs from the local one:" >&2
    diff -u "$work/local/$f" "$work/cluster/$f" | head -n 40 >&2 || true
    fail=1
  fi
done
[ "$fail" = 0 ] && echo "sweep-equals-local: $mode, $shards shards: report.md, results.csv, results.json equal the local run's"
exit "$fail"
