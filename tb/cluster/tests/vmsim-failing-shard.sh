#!/bin/sh
# A vmsim whose shard 1 fails before running anything (the others run the real VMSIM_REAL): the merge must
# then find design points missing and the sweep scripts must say so with a non-zero exit.
for a in "$@"; do
  case $a in 1/*) echo "vmsim-failing-shard: shard $a fails on purpose" >&2; exit 1 ;; esac
done
exec "$VMSIM_REAL" "$@"
