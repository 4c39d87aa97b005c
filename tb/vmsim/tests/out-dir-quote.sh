#!/bin/sh
# out-dir-quote.sh <vmsim> <one-point sweep> <scratch dir>
# An --out-dir with a quote and ';' in it is exactly that directory: no shell ever sees it.
set -u
vmsim=$1 grid=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
odd="x'; touch INJECTED; '"
"$vmsim" --sweep "$grid" --out-dir "$odd" || { echo "sweep failed"; exit 1; }
if find . -name INJECTED | grep -q .; then echo "a shell ran the out-dir"; exit 1; fi
made=$(ls -A)
[ "$made" = "$odd" ] || { echo "expected exactly the directory [$odd], found [$made]"; exit 1; }
[ -f "$odd/report.md" ] && ls "$odd"/points/*.result.json >/dev/null 2>&1 || { echo "no report or result in [$odd]"; exit 1; }
echo "out-dir [$odd]: ok"
