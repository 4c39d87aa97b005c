#!/bin/sh
# expect-status.sh STATUS REGEX COMMAND [ARGS...]: COMMAND must exit with STATUS and say something matching
# REGEX (grep -E) on stdout or stderr.
want=$1 regex=$2; shift 2
out=$("$@" 2>&1); rc=$?
printf '%s\n' "$out"
[ "$rc" = "$want" ] || { echo "expect-status: exit $rc, $want expected" >&2; exit 1; }
printf '%s\n' "$out" | /bin/grep -Eq -- "$regex" || { echo "expect-status: no message matching '$regex'" >&2; exit 1; }
