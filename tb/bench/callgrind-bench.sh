#!/usr/bin/env bash
# Instructions per round trip of each bench_roundtrip side (kernel skeleton, C++ reference decoder, RTL
# decoder) from one callgrind run: the benchmark dumps its counters after each side's round.
# Usage: callgrind-bench.sh <bench_roundtrip> [round trips per round, default 20000]
set -euo pipefail
bench=$1 n=${2:-20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$bench" "$n" 1 >/dev/null 2>"$tmp/vg.log"
declare -A ir
for f in "$tmp"/cg.out.*; do
  side=$(awk -F': ' '/^desc: Trigger: Client Request:/ {print $4}' "$f")
  [[ -n $side ]] && ir[$side]=$(awk '/^summary:/ {print $2}' "$f")
done
for side in skeleton reference rtl; do echo "$side: $(( ${ir[$side]} / n )) instructions per round trip"; done
echo "reference / skeleton: $(awk "BEGIN{printf \"%.2f\", ${ir[reference]} / ${ir[skeleton]}}")x"
