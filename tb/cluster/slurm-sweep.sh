#!/usr/bin/env bash
# A vmsim sweep on a Slurm cluster in one command: a job array with one task per shard
# (`vmsim --sweep GRID --out-dir OUT_DIR --shard $SLURM_ARRAY_TASK_ID/N`), then a merge job that starts when
# every task has ended, however it ended (--dependency=afterany), and runs `vmsim report OUT_DIR`: its exit
# status says whether every design point succeeded. OUT_DIR must be on a file system every node sees.
#
# Usage: slurm-sweep.sh GRID OUT_DIR --shards N [--vmsim PATH] [--partition P] [--cpus-per-task C]
#                       [--time T] [--wait] [-- SBATCH_ARGS...]
#   --shards N         array tasks (design points are dealt round-robin to them by vmsim)
#   --vmsim PATH       the vmsim executable (default: `vmsim` on PATH); every node must be able to run it
#   --partition P      Slurm partition (default: the cluster's default)
#   --cpus-per-task C  CPUs per shard; each shard runs C design points at a time (default 1)
#   --time T           time limit per job, sbatch syntax (default: the partition's)
#   --wait             block until the merge job ends; exit with its status (0: every point succeeded)
#   -- SBATCH_ARGS     passed to both sbatch calls (e.g. --account=A --qos=Q)
# Prints the array and merge job ids. Shard and merge logs: OUT_DIR/slurm/. Exit 2: bad arguments.
set -euo pipefail

# shellcheck disable=SC2034  # read by sweep-args.sh
tool=slurm-sweep
here=${BASH_SOURCE[0]%/*}; [ "$here" != "${BASH_SOURCE[0]}" ] || here=.  # no dirname: PATH may be bare
# shellcheck source=sweep-args.sh
source "$here/sweep-args.sh"

grid="" out="" shards="" vmsim=vmsim partition="" cpus=1 time_limit="" wait=0 extra=() pos=()
while [ $# -gt 0 ]; do
  case $1 in
    --shards|--vmsim|--partition|--cpus-per-task|--time)
      [ $# -ge 2 ] || rc=2 die "$1 needs a value"
      case $1 in
        --shards) shards=$2 ;; --vmsim) vmsim=$2 ;; --partition) partition=$2 ;;
        --cpus-per-task) cpus=$2 ;; --time) time_limit=$2 ;;
      esac
      shift 2 ;;
    --wait) wait=1; shift ;;
    -h|--help) usage 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) rc=2 die "unknown option '$1' (see --help)" ;;
    *) pos+=("$1"); shift ;;
  esac
done
check_grid_out_shards
check_count --cpus-per-task "$cpus"
for p in sbatch scontrol; do command -v "$p" >/dev/null || rc=2 die "$p not found on PATH (is this a Slurm submit host?)"; done
check_paths
# Absolute paths: the jobs run elsewhere, in another directory.
vmsim_path=$(realpath "$vmsim_path") grid=$(realpath "$grid") out=$(realpath "$out")
mkdir -p "$out/slurm"

common=(--parsable --chdir="$out" "${extra[@]}")
[ -n "$partition" ] && common+=(--partition="$partition")
[ -n "$time_limit" ] && common+=(--time="$time_limit")
q() { printf '%q ' "$@"; }

# The job scripts go in on stdin; SLURM_ARRAY_TASK_ID is expanded by the job, everything else here.
array_id=$(sbatch "${common[@]}" --job-name=vmsim-sweep --array=0-$((shards - 1)) --cpus-per-task="$cpus" \
                  --output="$out/slurm/shard-%A_%a.out" <<EOF
#!/bin/sh
exec $(q "$vmsim_path" --sweep "$grid" --out-dir "$out" --jobs "$cpus") --shard "\$SLURM_ARRAY_TASK_ID/$shards"
EOF
) || die "sbatch refused the shard array"
array_id=${array_id%%;*}
merge_id=$(sbatch "${common[@]}" --job-name=vmsim-merge --dependency=afterany:"$array_id" --kill-on-invalid-dep=yes \
                  --output="$out/slurm/merge-%j.out" <<EOF
#!/bin/sh
exec $(q "$vmsim_path" report "$out")
EOF
) || { scancel "$array_id" 2>/dev/null || true; die "sbatch refused the merge job (shard array $array_id cancelled)"; }
merge_id=${merge_id%%;*}
echo "slurm-sweep: shard array $array_id ($shards tasks), merge job $merge_id; logs in $out/slurm/"
echo "slurm-sweep: report when done: $out/report.md"
[ "$wait" = 1 ] || exit 0

# Wait for the merge job: its state and exit code from scontrol (no accounting needed); MinJobAge keeps a
# finished job visible for a while (300 s by default), plenty for a poll every 2 s.
job_field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n 1; }
misses=0
while :; do
  if info=$(scontrol -o show job "$merge_id" 2>/dev/null) && [ -n "$info" ]; then
    misses=0
    st=$(job_field "$info" JobState)
    case $st in
      PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING|REQUEUE_HOLD|REQUEUE_FED|SIGNALING|STAGE_OUT) ;;
      *) break ;;
    esac
  else
    misses=$((misses + 1))
    [ "$misses" -lt 30 ] || die "merge job $merge_id: scontrol no longer answers or knows it"
  fi
  sleep 2
done
code=$(job_field "$info" ExitCode)  # exit:signal
status=${code%%:*}
log=$out/slurm/merge-$merge_id.out
if [ "$st" = COMPLETED ] && [ "$status" = 0 ]; then
  echo "slurm-sweep: merge job $merge_id COMPLETED: every design point succeeded; $out/report.md"
  exit 0
fi
echo "slurm-sweep: merge job $merge_id $st (exit code $code); its log $log:" >&2
[ -f "$log" ] && tail -n 20 "$log" >&2
[ "${status:-0}" != 0 ] && exit "$status"
exit 1
