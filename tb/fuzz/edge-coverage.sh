#!/usr/bin/env bash
# Edge coverage of the project's sources reached by a target's corpus, per file, from libFuzzer's
# -print_coverage=1 (no coverage build needed). Usage: tb/fuzz/edge-coverage.sh BUILD_DIR TARGET CORPUS_DIR [REGEX]
# REGEX filters the source paths (default: models/ and sw/driver/).
set -euo pipefail
build=$1 target=$2 corpus=$3 filter=${4:-'^(models|sw/driver)/'}
ASAN_OPTIONS=detect_stack_use_after_return=0:detect_leaks=0 "$build/tb/fuzz/$target" -runs=0 -print_coverage=1 "$corpus" 2>&1 |
  grep -E '^(UN)?COVERED_FUNC' | awk -v re="$filter" '
    { file = $NF; sub(/:[0-9]+$/, "", file); sub(/.*\.\.\/\.\.\//, "", file)
      if (file !~ re) next
      split($5, e, "/"); cov[file] += e[1]; tot[file] += e[2]; C += e[1]; T += e[2] }
    END { for (f in tot) printf "%-55s %5d/%-5d %5.1f%%\n", f, cov[f], tot[f], tot[f] ? 100 * cov[f] / tot[f] : 0
          printf "%-55s %5d/%-5d %5.1f%%\n", "total", C, T, T ? 100 * C / T : 0 }' | sort
