#!/usr/bin/env bash
# A vmsim sweep split into shards run by GNU parallel (`parallel ... ::: 0 1 ... N-1`), each
# `vmsim --sweep GRID --out-dir OUT_DIR --shard i/N`, then the merge `vmsim report OUT_DIR` once every shard
# has ended, however it ended. Exit status: the merge's (0: every design point succeeded).
# Shards can run on other machines with GNU parallel's own options after `--` (e.g. -- --sshlogin a,b
# --workdir .): OUT_DIR and vmsim must then be at the same path on each.
#
# Usage: parallel-sweep.sh GRID OUT_DIR --shards N [--jobs J] [--vmsim PATH] [-- PARALLEL_ARGS...]
#   --shards N    shards (design points are dealt round-robin to them by vmsim)
#   --jobs J      shards at a time (default: this machine's CPU count); each shard runs one point at a time
#   --vmsim PATH  the vmsim executable (default: `vmsim` on PATH)
# Shard logs: OUT_DIR/parallel/. Exit 2: bad arguments.
set -euo pipefail

# shellcheck disable=SC2034  # read by sweep-args.sh
tool=parallel-sweep
here=${BASH_SOURCE[0]%/*}; [ "$here" != "${BASH_SOURCE[0]}" ] || here=.  # no dirname: PATH may be bare
# shellcheck source=sweep-args.sh
source "$here/sweep-args.sh"

shards="" jobs="" vmsim=vmsim extra=() pos=()
while [ $# -gt 0 ]; do
  case $1 in
    --shards|--jobs|--vmsim)
      [ $# -ge 2 ] || rc=2 die "$1 needs a value"
      case $1 in --shards) shards=$2 ;; --jobs) jobs=$2 ;; --vmsim) vmsim=$2 ;; esac
      shift 2 ;;
    -h|--help) usage 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) rc=2 die "unknown option '$1' (see --help)" ;;
    *) pos+=("$1"); shift ;;
  esac
done
check_grid_out_shards
jobs=${jobs:-$(nproc)}
check_count --jobs "$jobs"
command -v parallel >/dev/null || rc=2 die "GNU parallel not found on PATH (Debian: apt-get install parallel)"
check_paths
vmsim_path=$(realpath "$vmsim_path") grid=$(realpath "$grid") out=$(realpath "$out")
mkdir -p "$out/parallel"

# --halt never: a failed shard does not stop the others (the merge names what is missing or failed);
# --results: each shard's stdout/stderr under OUT_DIR/parallel/.
rc_par=0
parallel --will-cite -q --halt never --jobs "$jobs" --results "$out/parallel/shard-{}" "${extra[@]}" \
  "$vmsim_path" --sweep "$grid" --out-dir "$out" --jobs 1 --shard "{}/$shards" \
  ::: $(seq 0 $((shards - 1))) >/dev/null || rc_par=$?
[ "$rc_par" = 0 ] || echo "parallel-sweep: $rc_par shard(s) exited non-zero (logs: $out/parallel/); merging" >&2
exec "$vmsim_path" report "$out"
