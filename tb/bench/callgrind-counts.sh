#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind: deterministic, unlike wall time on a shared machine) of
# vmsim's per-access path, idle vCPUs and the timeline. Each figure is a difference of two runs, so the
# set-up and tear-down cancel out. Usage: callgrind-counts.sh <vmsim> [round trips, default 2000]
# Prints: instructions per micro round trip (msi-v2 + doorbell, legacy-wired), per simulated ms of an
# idle vCPU, the timeline's instruction ratio, and its memory per event (peak RSS difference / events).
set -euo pipefail
vmsim=$1 n=${2:-2000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() {  # instructions of one vmsim run
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$vmsim" --quiet --out "$tmp/r.json" "$@" >/dev/null 2>"$tmp/vg.log"
  awk '/^summary:/ {print $2}' "$tmp/cg.out"
}
per() { echo $(( ($2 - $1) / $3 )); }  # (big - small) / units
msi=(--scheme msi-v2 --notify doorbell)
a=$(ir "${msi[@]}" --requests "$n"); b=$(ir "${msi[@]}" --requests $((2 * n)))
echo "micro msi-v2 doorbell: $(per "$a" "$b" "$n") instructions per round trip"
a=$(ir --scheme legacy-wired --requests "$n"); b=$(ir --scheme legacy-wired --requests $((2 * n)))
echo "micro legacy-wired: $(per "$a" "$b" "$n") instructions per round trip"
# An idle vCPU: mq-rx with one queue on 1 or 2 vCPUs (the second only idles), over 10 and 30 simulated ms.
idle=(--workload mq-rx --scheme msi-v2 --rate-pps 1000)
one10=$(ir "${idle[@]}" --vcpus 1 --duration-us 10000); two10=$(ir "${idle[@]}" --vcpus 2 --duration-us 10000)
one30=$(ir "${idle[@]}" --vcpus 1 --duration-us 30000); two30=$(ir "${idle[@]}" --vcpus 2 --duration-us 30000)
echo "idle vCPU: $(( ((two30 - one30) - (two10 - one10)) / 20 )) instructions per simulated ms"
# The timeline: the same micro round trips with --timeline, and its memory per event.
m=$(( n / 4 ))
a=$(ir "${msi[@]}" --requests "$m"); b=$(ir "${msi[@]}" --requests $((2 * m)))
c=$(ir "${msi[@]}" --requests "$m" --timeline "$tmp/t.json"); d=$(ir "${msi[@]}" --requests $((2 * m)) --timeline "$tmp/t.json")
echo "timeline on: $(per "$c" "$d" "$m") vs $(per "$a" "$b" "$m") instructions per round trip: $(awk "BEGIN{printf \"%.2f\", ($d - $c) / ($b - $a)}")x"
rss() { /usr/bin/time -f %M "$vmsim" --quiet --out "$tmp/r.json" "$@" 2>&1 >/dev/null | tail -1; }
big=$((10 * n))
off=$(rss "${msi[@]}" --requests "$big"); on=$(rss "${msi[@]}" --requests "$big" --timeline "$tmp/t.json")
events=$(grep -o '"ph":"[Xi]"' "$tmp/t.json" | wc -l)
echo "timeline memory: peak RSS ${off} KiB off, ${on} KiB on, ${events} events: $(awk "BEGIN{printf \"%.1f\", ($on - $off) * 1024 / $events}") bytes per event; file $(( $(stat -c %s "$tmp/t.json") / events )) bytes per event"
