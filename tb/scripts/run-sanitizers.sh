#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (build/asan, Debug).
# Extra arguments go to ctest (e.g. -L unit). VMSIM_SANITIZE_TARGETS="t1 t2" builds only those targets
# (default: everything); then select with -L only tests whose executables they are (run-tests.sh does).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/tb/scripts/setup-deps.sh"
build="$root/build/asan"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVMSIM_SANITIZE=ON >/dev/null
read -r -a targets <<<"${VMSIM_SANITIZE_TARGETS:-}"
# -j2: the build machine is shared (docs/robustness.md gives the build's time).
if [ ${#targets[@]} -gt 0 ]; then
  cmake --build "$build" -j2 --target "${targets[@]}"
else
  cmake --build "$build" -j2
fi
cd "$build"
# SystemC switches coroutine stacks, which ASan's stack-use-after-return check cannot follow.
export ASAN_OPTIONS=detect_stack_use_after_return=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --output-on-failure -j"$(nproc)" "$@"
