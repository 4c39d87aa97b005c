# shellcheck shell=bash disable=SC2154,SC2034  # `tool`, `pos`, `shards`, `vmsim`: the sourcing script's; vmsim_path is its result
# Sourced by slurm-sweep.sh and parallel-sweep.sh (which set `tool` first): their messages, --help, and the
# checks of the arguments both take. Every refusal exits 2 with a message naming the argument.
die() { echo "$tool: $*" >&2; exit "${rc:-1}"; }
usage() {  # --help: stdout, exit 0; a usage error: stderr, exit 2 (the text: the caller's header comment)
  if [ "${1:-2}" = 0 ]; then sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; fi
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2
}
check_count() { [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] || rc=2 die "$1 needs a whole number >= 1 (got '$2')"; }
# GRID and OUT_DIR from the positional arguments `pos` (sets grid, out), and --shards.
check_grid_out_shards() {
  [ ${#pos[@]} -eq 2 ] || rc=2 die "expected GRID and OUT_DIR, got ${#pos[@]} argument(s) (see --help)"
  grid=${pos[0]} out=${pos[1]}
  check_count --shards "$shards"
  [ "$shards" -le 10000 ] || rc=2 die "--shards $shards: at most 10000"
}
# The grid readable, OUT_DIR made and writable, vmsim found (sets vmsim_path).
check_paths() {
  [ -f "$grid" ] && [ -r "$grid" ] || rc=2 die "grid file '$grid' not found or not readable"
  mkdir -p "$out" 2>/dev/null && [ -d "$out" ] && [ -w "$out" ] || rc=2 die "out dir '$out' cannot be created or written"
  vmsim_path=$(command -v "$vmsim") || rc=2 die "vmsim '$vmsim' not found (pass --vmsim PATH)"
}
