#!/bin/sh
# stop-spares-other-processes.sh ONE_NODE_SLURM WORKDIR: a state dir whose pid files name another program
# (a pid reused since) or hold garbage: `stop` must kill nothing, clear the pid files and succeed.
set -u
script=$1 state=$2
rm -rf "$state"; mkdir -p "$state/run"
sleep 120 & other=$!
echo "$other" >"$state/run/slurmd.pid"
echo "$other" >"$state/run/munged.pid"
echo "not a pid" >"$state/run/slurmctld.pid"
"$script" stop --state-dir "$state"; rc=$?
alive=0; kill -0 "$other" 2>/dev/null && alive=1
kill "$other" 2>/dev/null
[ "$rc" = 0 ] || { echo "stop-spares-other-processes: stop exited $rc" >&2; exit 1; }
[ "$alive" = 1 ] || { echo "stop-spares-other-processes: stop killed pid $other, a sleep" >&2; exit 1; }
[ -z "$(ls "$state/run")" ] || { echo "stop-spares-other-processes: pid files left: $(ls "$state/run")" >&2; exit 1; }
echo "stop-spares-other-processes: the sleep (pid $other) named by two pid files survived; pid files cleared"
