#!/usr/bin/env bash
# Configures and builds the libFuzzer targets in their own clang build (default build/fuzz): every object
# (models, driver, test bench, Verilated decoder) with -fsanitize=fuzzer-no-link,address,undefined, the
# targets linked with -fsanitize=fuzzer. The default g++ build is untouched.
# Usage: tb/fuzz/build.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/fuzz}
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
    -DVMSIM_FUZZ=ON -DVMSIM_BUILD_TESTS=OFF -DVMSIM_WERROR=OFF -DVMSIM_LTO=OFF >/dev/null
fi
cmake --build "$build" -j"${FUZZ_BUILD_JOBS:-2}" --target fuzz_targets
