#!/usr/bin/env bash
# The main job: installs what is missing, builds (Release), runs the default scenario and prints
# its report. Run from anywhere; outputs go under build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/tb/scripts/setup-deps.sh"
cmake -S "$root" -B "$root/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVMSIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/release" --target vmsim
mkdir -p "$root/build/reports"
for v in 2 1; do
  echo "== virtio-rng over virtio-mmio Version $v =="
  "$root/build/release/tb/vmsim/vmsim" --transport-version "$v" --requests 1000 "$@" | tee "$root/build/reports/rng-v$v.txt"
done
echo "reports written to build/reports/"
