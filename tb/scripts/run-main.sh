#!/usr/bin/env bash
# The main job: installs what is missing, builds (Release), runs the default sweep (every interrupt scheme,
# the micro round trip and the TCP_RR-like request/response workload, x86-kvm and arm64-kvm profiles), the
# TCP_RR validation, and writes the report: build/reports/sweep/report.md (+ results.csv, results.json, SVGs).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/tb/scripts/setup-deps.sh"
cmake -S "$root" -B "$root/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVMSIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/release" --target vmsim
vmsim="$root/build/release/tb/vmsim/vmsim"
"$vmsim" --sweep "$root/tb/vmsim/sweeps/default.json" --out-dir "$root/build/reports/sweep" --jobs "$(nproc)" "$@"
"$vmsim" --validate --duration-us 50000 --out-dir "$root/build/reports/validation" | tee "$root/build/reports/validation.txt"
echo "report: $root/build/reports/sweep/report.md"
