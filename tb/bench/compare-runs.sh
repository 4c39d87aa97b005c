#!/usr/bin/env bash
# Runs two vmsim binaries (before and after a change meant not to move any result) over workloads x schemes x
# profiles and compares their results JSON figure by figure (compare-results.py) and their timelines and VCDs
# byte by byte. Exit 1 on any difference.
# Usage: compare-runs.sh <vmsim-before> <vmsim-after> [out dir, default a temporary one]
set -uo pipefail
before=$1 after=$2
here=$(cd "$(dirname "$0")" && pwd)
dir=${3:-$(mktemp -d)}
mkdir -p "$dir"
# The binary copied aside for the "before" side no longer finds its data beside it.
export VMSIM_DATA_DIR=${VMSIM_DATA_DIR:-$(cd "$here/../../models/hyp/data" && pwd)}
fail=0 runs=0
run() {  # name, then vmsim options
  local name=$1; shift
  for side in before after; do
    local bin=$before; [[ $side == after ]] && bin=$after
    # The same output paths on both sides: the result names them.
    "$bin" --quiet --out "$dir/out.json" --timeline "$dir/out.timeline.json" --vcd "$dir/out.vcd" "$@" \
      >/dev/null 2>"$dir/$name.$side.err"
    echo $? >"$dir/$name.$side.rc"
    for f in json timeline.json vcd; do mv -f "$dir/out.$f" "$dir/$name.$side.$f" 2>/dev/null; done
    # The VCD header holds the wall-clock date of the run.
    sed -i '/^\$date/,/^\$end/d' "$dir/$name.$side.vcd" 2>/dev/null
  done
  runs=$((runs + 1))
  if ! cmp -s "$dir/$name.before.rc" "$dir/$name.after.rc"; then
    echo "$name: exit $(cat "$dir/$name.before.rc") -> $(cat "$dir/$name.after.rc")"; fail=1; return
  fi
  if ! python3 "$here/compare-results.py" "$dir/$name.before.json" "$dir/$name.after.json" >"$dir/$name.diff"; then
    echo "$name: results differ"; sed 's/^/  /' "$dir/$name.diff" | head -20; fail=1
  fi
  for f in timeline.json vcd; do
    cmp -s "$dir/$name.before.$f" "$dir/$name.after.$f" || { echo "$name: $f differs"; fail=1; }
  done
}
for profile in x86-kvm arm64-kvm; do
  for scheme in legacy-wired msi-v2 multi-irq pci-msix-reference; do
    p="$profile.$scheme"
    run "micro.$p" --profile "$profile" --scheme "$scheme" --requests 300
    run "micro-db.$p" --profile "$profile" --scheme "$scheme" --notify doorbell --requests 300
    run "rr.$p" --workload rr --profile "$profile" --scheme "$scheme" --duration-us 3000
    run "mq-rx.$p" --workload mq-rx --profile "$profile" --scheme "$scheme" --vcpus 2 --queues 2 --duration-us 2000 --rate-pps 50000
    run "blk.$p" --workload blk --profile "$profile" --scheme "$scheme" --queue-depth 4 --queues 2 --duration-us 3000
  done
done
echo "$runs runs compared in $dir: $([[ $fail == 0 ]] && echo identical || echo DIFFERENCES)"
exit $fail
