#!/usr/bin/env bash
# CTest's run of one fuzz target, deterministic so that its verdict cannot depend on the machine's load: a
# fixed seed and a fixed number of executions (not a time budget), on the checked-in seeds and a scratch
# corpus emptied first, with address-space randomisation off where setarch allows it (libFuzzer's comparison
# tracing feeds pointer values into its mutations). Exploring with fresh seeds is run-long.sh's job.
# Usage: tb/fuzz/ci.sh BUILD_DIR TARGET RUNS [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 target=$2 runs=$3 work=${4:-$build/fuzz-work}
rm -rf "${work:?}/$target"
fixed_layout=()
if setarch "$(uname -m)" -R true 2>/dev/null; then fixed_layout=(setarch "$(uname -m)" -R); fi
# max_total_time=0: no time limit, the run count ends the run; reload=0: no rereading of the corpus directory
# on a timer (the one source of run-to-run difference left, found by comparing runs).
exec "${fixed_layout[@]}" bash "$here/run.sh" "$build" "$target" 0 "$work" -seed=1 -runs="$runs" -reload=0
