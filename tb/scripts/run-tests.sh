#!/usr/bin/env bash
# Every test: installs what is missing, builds (warnings are errors), runs CTest; then the sanitizer pass:
# the suites below built with ASan + UBSan (build/asan) and run again (tb/scripts/run-sanitizers.sh).
# Extra arguments go to the main ctest (e.g. -L unit, -R rng). VMSIM_CI_SANITIZERS=0 skips the sanitizer pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/tb/scripts/setup-deps.sh"
build="$root/build/test"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"
rc=0
(cd "$build" && ctest --output-on-failure -j"$(nproc)" "$@") || rc=$?

# The sanitizer pass runs even when a test failed above: both verdicts, one exit code.
if [ "${VMSIM_CI_SANITIZERS:-1}" != 0 ]; then
  # Every test with these labels runs one of these executables (check: ctest -N -L in build/asan); the
  # sanitize label is vmsim's runs of every workload (tb/tests/CMakeLists.txt).
  VMSIM_SANITIZE_TARGETS="test_units test_params test_model_units test_platform test_transport test_irq test_devices test_driver test_driver_conformance test_driver_bad_input test_driver_gic vmsim" \
    bash "$root/tb/scripts/run-sanitizers.sh" -L '^(unit|transport|irq|devices|driver|sanitize)$' || rc=$?
fi
exit $rc
