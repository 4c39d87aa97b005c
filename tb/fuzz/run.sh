#!/usr/bin/env bash
# Runs one fuzz target for a bounded time on its checked-in seeds, with a scratch corpus; fails on a finding.
# Usage: tb/fuzz/run.sh BUILD_DIR TARGET SECONDS [WORK_DIR] [extra libFuzzer flags...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 target=$2 seconds=$3 work=${4:-$build/fuzz-work}
shift $(( $# < 4 ? $# : 4 ))
exe=$build/tb/fuzz/$target
seeds=$here/corpus/${target#fuzz_}
mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
# SystemC switches coroutine stacks, which ASan's stack-use-after-return check cannot follow.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=0:detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec "$exe" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
  -artifact_prefix="$work/$target/artifacts/" "$@" "$work/$target/corpus" "$seeds"
