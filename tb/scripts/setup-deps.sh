#!/usr/bin/env bash
# Installs the Debian packages this project builds and tests with (idempotent: skips what is present).
# Usage: scripts/setup-deps.sh            (build + test dependencies)
set -euo pipefail
pkgs=(cmake g++ make ninja-build pkgconf
      libsystemc-dev verilator libboost-test-dev libfmt-dev
      nlohmann-json3-dev libcli11-dev linux-libc-dev
      libssl-dev libcsv-dev libboost-dev   # vmsim sweeps: content hashes, CSV, confidence intervals
      python3 python3-matplotlib
      clang lld qemu-system-arm    # the bare-metal firmware and its QEMU runs
      libclang-rt-14-dev           # libFuzzer + sanitizer runtimes (tb/fuzz)
      strace                       # the installed-vmsim test: what it opens
      lcov                         # genhtml: the RTL coverage report (rtl.coverage_report)
      valgrind)                    # tb/bench: callgrind instruction counts
missing=()
pkgs+=(slurm-wlm munge parallel)  # sweeps on a cluster: tb/cluster and its one-node Slurm tests (labels slurm, parallel)
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "setup-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"
