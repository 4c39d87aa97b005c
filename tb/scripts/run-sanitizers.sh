#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (run by hand before resolving).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/tb/scripts/setup-deps.sh"
build="$root/build/asan"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVMSIM_SANITIZE=ON >/dev/null
cmake --build "$build"
cd "$build"
# SystemC switches coroutine stacks, which ASan's stack-use-after-return check cannot follow.
export ASAN_OPTIONS=detect_stack_use_after_return=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --output-on-failure -j"$(nproc)" "$@"
