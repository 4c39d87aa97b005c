#!/usr/bin/env bash
# The 64-device, 32-vCPU platform against the one-device platform (issue 14): micro round trips on device 0
# (an rng) while the other 63 devices (40 rng, 12 net, 11 blk) and 31 vCPUs idle. Instruction counts by
# callgrind (deterministic; the difference of two runs, so set-up and tear-down cancel out, as
# callgrind-counts.sh does) and peak RSS. Usage: platform-64x32.sh <vmsim> [round trips, default 2000]
set -euo pipefail
vmsim=$1 n=${2:-2000}
root=$(cd "$(dirname "$0")/../.." && pwd)
big=(--scenario "$root/tb/vmsim/scenarios/idle-64x32-micro.json")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() {  # instructions of one vmsim run
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$vmsim" --quiet --out "$tmp/r.json" "$@" >/dev/null 2>"$tmp/vg.log" ||
    { echo "vmsim $* failed:" >&2; tail -5 "$tmp/vg.log" >&2; exit 1; }
  awk '/^summary:/ {print $2}' "$tmp/cg.out"
}
rss() { /usr/bin/time -f %M "$vmsim" --quiet --out "$tmp/r.json" "$@" 2>&1 >/dev/null | tail -1; }
for scheme in msi-v2 legacy-wired; do
  a=$(ir --scheme "$scheme" --requests "$n"); b=$(ir --scheme "$scheme" --requests $((2 * n)))
  c=$(ir "${big[@]}" --scheme "$scheme" --requests "$n"); d=$(ir "${big[@]}" --scheme "$scheme" --requests $((2 * n)))
  one=$(( (b - a) / n )) many=$(( (d - c) / n ))
  echo "micro $scheme: $one instructions per round trip on 1 device x 1 vCPU, $many on 64 devices x 32 vCPUs:" \
       "$(awk "BEGIN{printf \"%.2f\", $many / $one}")x"
  echo "  set-up: $(( a - one * n )) instructions (1 x 1), $(( c - many * n )) (64 x 32)"
done
echo "peak RSS, $((10 * n)) round trips: $(rss --scheme msi-v2 --requests $((10 * n))) KiB on 1 x 1," \
     "$(rss "${big[@]}" --scheme msi-v2 --requests $((10 * n))) KiB on 64 x 32"
