#!/bin/sh
# The long soak (docs/soak.md): 10^7 operations, by hand. Builds vmsim_soak in build/test (RelWithDebInfo)
# unless VMSIM_SOAK points at a binary. Extra arguments go to vmsim_soak (e.g. --seed 5 --scheme
# pci-msix-reference --msi-frame arm); the log is also written to build/soak/long-<seed-and-args>.log.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
exe=${VMSIM_SOAK:-}
if [ -z "$exe" ]; then
  cmake -S "$root" -B "$root/build/test" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$root/build/test" -j2 --target vmsim_soak
  exe=$root/build/test/tb/soak/vmsim_soak
fi
mkdir -p "$root/build/soak"
tag=$(printf '%s' "${*:-default}" | tr -c 'A-Za-z0-9_.-' '_')
log=$root/build/soak/long-$tag.log
# Given twice, an option keeps its last value: extra arguments override these defaults.
SC_COPYRIGHT_MESSAGE=DISABLE "$exe" --ops 10000000 --checkpoint-every 100000 --verbose "$@" 2>&1 | tee "$log"
status=$(tail -n 3 "$log" | grep -c '^SOAK PASSED' || true)
echo "log: $log"
[ "$status" = 1 ]
