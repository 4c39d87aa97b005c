#!/usr/bin/env bash
# Full virtqueue round trips (vCPU -> hypervisor -> kick -> device -> used -> MSI -> controller -> ISR -> EOI)
# per wall-second through vmsim, with the C++ and the RTL doorbell decoder, in one run.
# Usage: bench_model.sh <vmsim> [round trips, default 200000]
set -euo pipefail
vmsim=$1 n=${2:-200000}
declare -A wall
for d in reference rtl; do
  start=$(date +%s%N)
  "$vmsim" --scheme msi-v2 --notify doorbell --decoder "$d" --requests "$n" --quiet >/dev/null
  wall[$d]=$(( $(date +%s%N) - start ))
  echo "$d decoder: $n round trips in $(( wall[$d] / 1000000 )) ms = $(( n * 1000000000 / wall[$d] )) round trips per wall-second"
done
echo "RTL-in-loop / reference wall time: $(awk "BEGIN{printf \"%.2f\", ${wall[rtl]}/${wall[reference]}}")x"
