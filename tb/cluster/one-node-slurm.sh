#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, everything under one state directory: its own munge key and
# socket, slurm.conf, state, spool, logs and pid files. For trying the cluster sweep scripts and for the
# `slurm` CTest label; not a production setup (SlurmUser=root, no cgroups, no accounting).
#
# Usage: one-node-slurm.sh start|stop|restart|status|env [--state-dir DIR] [--port P] [--install]
#   start    writes DIR/slurm.conf, creates DIR/munge/munge.key if absent, starts munged, slurmctld and slurmd,
#            waits until the node is idle (bounded), prints `export SLURM_CONF=...`.
#   stop     cancels the cluster's jobs, then stops exactly the daemons whose pid files are in DIR.
#   restart  stop, then start (what the CTest fixture does: a leftover state dir or daemon does not matter).
#   status   daemons and sinfo; exit 0 when all three run, 3 when none, 1 when some.
#   env      prints `export SLURM_CONF=DIR/slurm.conf` (use: eval "$(one-node-slurm.sh env --state-dir DIR)").
#   --state-dir DIR  default: ./slurm-state
#   --port P         slurmctld port (slurmd uses P+1); default: the first free pair from 6817 up
#   --install        apt-get install slurm-wlm munge first if they are missing (otherwise nothing is installed)
# Needs root (slurmd starts jobs as their user). Exit 2: bad usage or not root.
set -euo pipefail

die() { echo "one-node-slurm: $*" >&2; exit "${rc:-1}"; }
usage() {  # --help: stdout, exit 0; a usage error: stderr, exit 2
  if [ "${1:-2}" = 0 ]; then sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; fi
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in -h|--help) usage 0 ;; esac
state=./slurm-state port="" install=0
while [ $# -gt 0 ]; do
  case $1 in
    --state-dir) [ $# -ge 2 ] || usage; state=$2; shift 2 ;;
    --port) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1024 ] && [ "$2" -le 65000 ] \
              || rc=2 die "--port needs a number 1024..65000"; port=$2; shift 2 ;;
    --install) install=1; shift ;;
    -h|--help) usage 0 ;;
    *) rc=2 die "unknown argument '$1' (see --help)" ;;
  esac
done
case $cmd in start|stop|restart|status|env) ;; *) usage ;; esac
mkdir -p "$state" 2>/dev/null || rc=2 die "cannot create state dir '$state'"
state=$(cd "$state" && pwd -P)
conf=$state/slurm.conf
daemons=(munged slurmctld slurmd)

alive() {  # a zombie has exited: only its parent's wait is missing
  local st
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# pid of a daemon we started, if it still runs (the pid file names it and /proc says it is that program).
running_pid() {
  local f=$state/run/$1.pid pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc 0-9 <"$f"); [ -n "$pid" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || return 1
  alive "$pid" || return 1
  echo "$pid"
}

port_free() {
  if command -v ss >/dev/null; then ! ss -Htln "( sport = :$1 )" | grep -q .
  else ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; fi
}

stop_daemons() {  # TERM, up to 10 s, then KILL; appends to the caller's `stopped`
  local d pid pids=() t0=$SECONDS
  for d in "$@"; do
    if pid=$(running_pid "$d"); then kill -TERM "$pid" 2>/dev/null || true; pids+=("$d:$pid"); fi
    rm -f "$state/run/$d.pid"
  done
  for d in "${pids[@]}"; do
    pid=${d#*:}
    while alive "$pid" && [ $((SECONDS - t0)) -lt 10 ]; do sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
    alive "$pid" && die "${d%%:*} (pid $pid) does not stop"
    stopped+=("$d")
  done
  [ ${#pids[@]} -eq 0 ] || stopped+=("($((SECONDS - t0)) s)")
}

stop() {
  if running_pid slurmctld >/dev/null && [ -f "$conf" ]; then
    # Jobs first, so no slurmstepd outlives the daemons.
    SLURM_CONF=$conf timeout 10 scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 40); do
      [ -z "$(SLURM_CONF=$conf timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.25
    done
  fi
  # The Slurm daemons together (each takes about 2 s to exit), then munged, which they use until the end.
  local stopped=()
  stop_daemons slurmd slurmctld
  stop_daemons munged
  echo "one-node-slurm: stopped ${stopped[*]:-nothing (no daemon of $state was running)}"
}

status() {
  local d pid n=0
  for d in "${daemons[@]}"; do
    if pid=$(running_pid "$d"); then echo "$d: running (pid $pid)"; n=$((n + 1)); else echo "$d: stopped"; fi
  done
  if [ "$n" -gt 0 ] && [ -f "$conf" ]; then SLURM_CONF=$conf timeout 10 sinfo -N -o "%N %T %c %m" || true; fi
  [ "$n" -eq 3 ] && return 0
  [ "$n" -eq 0 ] && return 3
  return 1
}

install_missing() {
  local p missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "one-node-slurm: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

fail_start() {  # the reason, the logs' tails, and nothing left running
  echo "one-node-slurm: $*" >&2
  local l
  for l in "$state"/log/*.log; do [ -f "$l" ] && { echo "---- tail $l" >&2; tail -n 15 "$l" >&2; }; done
  stop >&2 || true
  exit 1
}

start() {
  [ "$install" = 1 ] && install_missing
  local p
  for p in munged slurmctld slurmd sinfo; do
    command -v "$p" >/dev/null || rc=2 die "$p not found: install slurm-wlm and munge (or pass --install)"
  done
  for d in "${daemons[@]}"; do
    running_pid "$d" >/dev/null && rc=2 die "$d of $state already runs: use restart, or stop first"
  done
  local host cpus mem line sock
  host=$(hostname -s)
  # This machine's CPUs and memory as slurmd sees them (the node line must not promise more).
  line=$(slurmd -C | head -n 1)
  cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$line")
  mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$line")
  [ -n "$cpus" ] && [ -n "$mem" ] || die "cannot read CPUs/RealMemory from 'slurmd -C': $line"
  if [ -z "$port" ]; then
    local p0
    for p0 in $(seq 6817 2 6897); do port_free "$p0" && port_free $((p0 + 1)) && { port=$p0; break; }; done
    [ -n "$port" ] || die "no free port pair in 6817..6898 (pass --port)"
  else
    port_free "$port" && port_free $((port + 1)) || rc=2 die "port $port or $((port + 1)) is in use"
  fi
  # A fresh start: earlier state, spool, logs and pid files go; the munge key stays.
  rm -rf "$state/ctld" "$state/spool" "$state/log" "$state/run"
  mkdir -p "$state/munge" "$state/ctld" "$state/spool" "$state/log" "$state/run"
  chmod 755 "$state/munge"  # the socket is for every user; the key inside is root's alone
  sock=$state/munge/munge.socket
  if [ ${#sock} -ge 100 ]; then  # a unix socket path has at most 107 bytes: a short private one instead
    sock=/tmp/vmsim-munge-$(printf %s "$state" | md5sum | cut -c1-12)
    mkdir -p "$sock" && chmod 755 "$sock" && sock=$sock/munge.socket
  fi
  if [ ! -s "$state/munge/munge.key" ]; then
    (umask 077; head -c 1024 /dev/urandom >"$state/munge/munge.key")
  fi
  chmod 600 "$state/munge/munge.key"
  cat >"$conf" <<EOF
# Written by tb/cluster/one-node-slurm.sh: one node ($host), no cgroups, no accounting.
ClusterName=vmsim-one-node
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=3600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # munged as root in a private directory: --force accepts root and the state dir's parents as they are.
  munged --force --socket="$sock" --key-file="$state/munge/munge.key" --pid-file="$state/run/munged.pid" \
         --log-file="$state/log/munged.log" --seed-file="$state/munge/munged.seed" \
    || fail_start "munged did not start"
  export SLURM_CONF=$conf
  # -c: no jobs recovered from an earlier run's state.
  slurmctld -c -f "$conf" || fail_start "slurmctld did not start"
  slurmd -f "$conf" -N "$host" || fail_start "slurmd did not start"
  local t0=$SECONDS state_now=""
  while [ $((SECONDS - t0)) -lt 60 ]; do
    for d in "${daemons[@]}"; do running_pid "$d" >/dev/null || fail_start "$d exited during start-up"; done
    state_now=$(timeout 5 sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
    [ "$state_now" = idle ] && break
    sleep 0.5
  done
  [ "$state_now" = idle ] || fail_start "node $host not idle after 60 s (state: '${state_now:-no answer}')"
  echo "one-node-slurm: node $host idle ($cpus CPUs, $mem MB), slurmctld port $port, after $((SECONDS - t0)) s"
  echo "export SLURM_CONF=$conf"
}

if [ "$(id -u)" -ne 0 ] && [ "$cmd" != env ] && [ "$cmd" != status ]; then
  rc=2 die "needs root (slurmd starts jobs as their user)"
fi
case $cmd in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  env) echo "export SLURM_CONF=$conf" ;;
esac
