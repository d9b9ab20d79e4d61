# shellcheck shell=bash
# bench/peers/lib.sh: shared by the peer scripts (glusterfs.sh, moosefs.sh, bindfs.sh, replicafs.sh).
# Sourced, never run. Provides output, packages, bounded waits, process records and unmounting.
#
# Every peer script keeps its state under <workdir>/state:
#   state/owner        marks the directory as set up by this peer script (teardown refuses other directories)
#   state/pids         one line per process it started: NAME PID STARTTIME (field 22 of /proc/PID/stat)
#   state/client.pids  the FUSE client process ids, for the runner's memory figure
#   state/mount        the mount point
# Teardown signals a recorded pid only while it still has the recorded start time, so a reused pid is never hit.

set -Eeuo pipefail
shopt -s nullglob

BENCH_WAIT_TIMEOUT=${BENCH_WAIT_TIMEOUT:-90}
BENCH_STOP_TIMEOUT=${BENCH_STOP_TIMEOUT:-15}

# The peer script sets PEER before sourcing this file.
say() { printf '%s: %s\n' "${PEER:-peer}" "$*" >&2; }
die() {
  printf '%s: error: %s\n' "${PEER:-peer}" "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------------------------

package_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

# ensure_packages PKG...: installs missing Debian packages when root, otherwise says what to run.
# Service start-up on install is the distribution's business; a daemon it starts is reported by the port checks.
ensure_packages() {
  local missing=() package
  command -v dpkg-query >/dev/null 2>&1 || die "this script needs a Debian-like system (dpkg, apt-get)"
  for package in "$@"; do
    package_installed "$package" || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  if ((EUID != 0)); then
    die "missing packages: ${missing[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]} (apt-get update first: the index may be empty on a fresh machine)"
  timeout --foreground 600 apt-get -o DPkg::Lock::Timeout=120 update -q >&2 ||
    die "apt-get update failed; fix the package sources and run this again"
  DEBIAN_FRONTEND=noninteractive timeout --foreground 1200 \
    apt-get -o DPkg::Lock::Timeout=120 install -y -q --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
  for package in "${missing[@]}"; do
    package_installed "$package" || die "$package is still not installed after apt-get install"
  done
}

require_root() {
  ((EUID == 0)) || die "run this as root: it mounts FUSE file systems and starts daemons as root"
}

# ---------------------------------------------------------------------------------------------------------------
# Waiting
# ---------------------------------------------------------------------------------------------------------------

# wait_until SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; fails after SECONDS.
wait_until() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# port_free PORT: nothing listens on TCP PORT on any address.
port_free() {
  ! ss -Htln "sport = :$1" | grep -q .
}

# require_ports_free PORT...: dies naming the process that holds a port.
require_ports_free() {
  local port holder
  for port in "$@"; do
    if ! port_free "$port"; then
      holder=$(ss -Htlnp "sport = :$port" | grep -o 'users:(([^)]*))' | head -n 1 || true)
      die "TCP port $port is already in use ${holder:+by $holder }(another instance or a system service of this peer?); stop it first"
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
# State directory
# ---------------------------------------------------------------------------------------------------------------

# open_workdir_for_setup DIR: creates DIR (absolute) and its state/, refusing one that is still set up.
open_workdir_for_setup() {
  [[ -n ${1:-} ]] || die "usage: $0 setup <workdir>"
  mkdir -p -- "$1"
  WORKDIR=$(cd -- "$1" && pwd -P)
  STATE="$WORKDIR/state"
  if [[ -e $STATE/owner ]]; then
    if any_recorded_alive; then
      die "$WORKDIR is still set up (processes running); run '$0 teardown $WORKDIR' first"
    fi
    [[ $(cat "$STATE/owner") == "$PEER" ]] || die "$WORKDIR belongs to $(cat "$STATE/owner"), not $PEER"
    rm -rf -- "$STATE"
  elif [[ -n $(ls -A -- "$WORKDIR") ]]; then
    die "$WORKDIR is not empty and was not set up by $0; give an empty or new directory"
  fi
  mkdir -p -- "$STATE"
  printf '%s\n' "$PEER" >"$STATE/owner"
  : >"$STATE/pids"
}

# begin_setup: from here on, a setup that fails or is interrupted tears down what it started (the peer's cmd_teardown).
begin_setup() {
  SETUP_DONE=0
  # fd 9 keeps the script's stderr: a signal can arrive while a function runs with its output sent to /dev/null
  # (wait_until), and the traps run inside that redirection.
  exec 9>&2
  trap 'if ((SETUP_DONE == 0)); then { say "setup failed; tearing down what it started"; cmd_teardown || true; } >&9 2>&9; fi' EXIT
  trap 'exit 130' INT TERM
}

# finish_setup MOUNT CLIENT_PID...: the setup succeeded; records the mount point and the FUSE client pids for the
# runner, leaves everything running and prints the mount point.
finish_setup() {
  local mount=$1
  shift
  printf '%s\n' "$mount" >"$STATE/mount"
  printf '%s\n' "$@" >"$STATE/client.pids"
  # shellcheck disable=SC2034 # read by the EXIT trap set in begin_setup
  SETUP_DONE=1
  printf '%s\n' "$mount"
}

# open_workdir_for_teardown DIR: sets WORKDIR and STATE; returns 1 when DIR holds nothing of this peer.
open_workdir_for_teardown() {
  [[ -n ${1:-} ]] || die "usage: $0 teardown <workdir>"
  [[ -d $1 ]] || return 1
  WORKDIR=$(cd -- "$1" && pwd -P)
  STATE="$WORKDIR/state"
  [[ -e $STATE/owner ]] || return 1
  [[ $(cat "$STATE/owner") == "$PEER" ]] || die "$WORKDIR belongs to $(cat "$STATE/owner"), not $PEER"
}

# ---------------------------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------------------------

# proc_starttime PID: field 22 of /proc/PID/stat (start time in clock ticks since boot); empty if gone.
proc_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  stat=${stat##*) }
  awk '{ print $20 }' <<<"$stat"
}

# proc_state PID: the one-letter state (R, S, Z, …); empty if gone.
proc_state() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  awk '{ print $1 }' <<<"$stat"
}

# proc_is PID STARTTIME: the pid still names the recorded process and it has not exited (zombies count as gone).
proc_is() {
  local state
  [[ $(proc_starttime "$1") == "$2" ]] || return 1
  state=$(proc_state "$1")
  [[ -n $state && $state != Z && $state != X ]]
}

# proc_record NAME PID: remembers a process this script started (or that a daemon it started spawned).
proc_record() {
  local ticks
  ticks=$(proc_starttime "$2")
  [[ -n $ticks ]] || return 1
  printf '%s %s %s\n' "$1" "$2" "$ticks" >>"$STATE/pids"
}

# start_daemon NAME LOG COMMAND...: starts COMMAND in its own session, detached from this shell, and records it.
# Sets STARTED_PID.
start_daemon() {
  local name=$1 log=$2
  shift 2
  # 9>&-: setup keeps its stderr on fd 9 for the failure trap; a daemon must not hold it, or a caller reading
  # setup's stderr through a pipe would wait for the daemon to end.
  setsid "$@" >>"$log" 2>&1 </dev/null 9>&- &
  STARTED_PID=$!
  # setsid execs the command in place (this shell's jobs are not group leaders), so $! is the daemon itself.
  proc_record "$name" "$STARTED_PID" || die "$name exited at once; see $log"
}

# record_children NAME PID: records the direct children of PID (e.g. mfsmaster's data writer).
record_children() {
  local child
  # shellcheck disable=SC2013 # the children files hold space-separated pids
  for child in $(cat "/proc/$2/task/"*/children 2>/dev/null); do
    proc_record "$1" "$child" || true
  done
}

# record_strays COMM_REGEX: records as "stray" every live process whose name matches COMM_REGEX and whose command
# line names this work directory (daemons a daemon of ours started before setup could record them).
record_strays() {
  local dir pid comm
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    comm=$(cat "$dir/comm" 2>/dev/null) || continue
    [[ $comm =~ $1 ]] || continue
    tr '\0' ' ' <"$dir/cmdline" 2>/dev/null | grep -qF -- "$WORKDIR/" || continue
    grep -q "^[^ ]* $pid " "$STATE/pids" && continue
    proc_record stray "$pid" || true
  done
}

any_recorded_alive() {
  local name pid ticks
  [[ -r $STATE/pids ]] || return 1
  while read -r name pid ticks; do
    proc_is "$pid" "$ticks" && return 0
  done <"$STATE/pids"
  return 1
}

# stop_recorded [NAME...]: SIGTERM to the recorded processes (all, or those with the given names), then SIGKILL to
# any that outlive BENCH_STOP_TIMEOUT. Only pids whose start time still matches the record are signalled.
stop_recorded() {
  local names=("$@") name pid ticks targets=() wanted deadline n
  [[ -r $STATE/pids ]] || return 0
  while read -r name pid ticks; do
    if ((${#names[@]} > 0)); then
      wanted=0
      for n in "${names[@]}"; do
        if [[ $n == "$name" ]]; then wanted=1; fi
      done
      ((wanted)) || continue
    fi
    if proc_is "$pid" "$ticks"; then
      targets+=("$pid:$ticks:$name")
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done <"$STATE/pids"
  ((${#targets[@]} == 0)) && return 0
  deadline=$((SECONDS + BENCH_STOP_TIMEOUT))
  local entry alive
  while :; do
    alive=()
    for entry in "${targets[@]}"; do
      IFS=: read -r pid ticks name <<<"$entry"
      proc_is "$pid" "$ticks" && alive+=("$entry")
    done
    ((${#alive[@]} == 0)) && return 0
    ((SECONDS < deadline)) || break
    sleep 0.2
  done
  for entry in "${alive[@]}"; do
    IFS=: read -r pid ticks name <<<"$entry"
    say "$name (pid $pid) ignored SIGTERM for ${BENCH_STOP_TIMEOUT}s; sending SIGKILL"
    if proc_is "$pid" "$ticks"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  deadline=$((SECONDS + 10))
  for entry in "${alive[@]}"; do
    IFS=: read -r pid ticks name <<<"$entry"
    while proc_is "$pid" "$ticks" && ((SECONDS < deadline)); do sleep 0.2; done
  done
}

# wait_recorded_exit NAME SECONDS: waits for the recorded processes called NAME to exit on their own.
wait_recorded_exit() {
  local want=$1 seconds=$2 name pid ticks deadline=$((SECONDS + $2))
  [[ -r $STATE/pids ]] || return 0
  while read -r name pid ticks; do
    [[ $name == "$want" ]] || continue
    while proc_is "$pid" "$ticks"; do
      ((SECONDS < deadline)) || return 1
      sleep 0.2
    done
  done <"$STATE/pids"
}

# report_leftovers: lists recorded processes still alive (there should be none after teardown).
report_leftovers() {
  local name pid ticks left=0
  [[ -r $STATE/pids ]] || return 0
  while read -r name pid ticks; do
    if proc_is "$pid" "$ticks"; then
      say "still running after teardown: $name (pid $pid)"
      left=1
    fi
  done <"$STATE/pids"
  return "$left"
}

# ---------------------------------------------------------------------------------------------------------------
# Mounts
# ---------------------------------------------------------------------------------------------------------------

is_not_mounted() { ! is_mounted "$1"; }

is_mounted() {
  local target
  target=$(readlink -f -- "$1") || return 1
  awk -v t="$target" '$5 == t { found = 1 } END { exit !found }' /proc/self/mountinfo
}

# unmount_bounded DIR: unmounts DIR; falls back to a lazy unmount if the normal one fails or hangs.
unmount_bounded() {
  local dir=$1
  is_mounted "$dir" || return 0
  if ! timeout 20 umount -- "$dir" 2>/dev/null; then
    say "umount $dir failed or hung; detaching it lazily"
    timeout 10 umount -l -- "$dir" || true
  fi
  wait_until 10 is_not_mounted "$dir" || say "$dir is still listed as mounted"
}

# smoke_test DIR: a small write, fsync and read back through the mount (retried until the file system is ready).
smoke_test_once() {
  local dir=$1 probe
  probe="$dir/.bench-smoke-$$"
  printf 'replicafs-bench %s\n' "$$" >"$probe" && sync -- "$probe" &&
    [[ $(cat -- "$probe") == "replicafs-bench $$" ]] && rm -f -- "$probe"
}

# stop_fuse_client DIR: unmounts DIR, gives the recorded FUSE client ("client") 15 s to exit on its own, then stops it.
stop_fuse_client() {
  unmount_bounded "$1"
  wait_recorded_exit client 15 || true
  stop_recorded client
}

# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

# peer_main ARGS...: the command line of every peer script. The peer defines cmd_setup DIR, cmd_teardown (WORKDIR
# and STATE are set; also run by the EXIT trap of a failed setup) and cmd_describe.
peer_main() {
  case ${1:-} in
    setup) cmd_setup "${2:-}" ;;
    teardown)
      if open_workdir_for_teardown "${2:-}"; then
        cmd_teardown
      else
        say "nothing to tear down in ${2:-}"
      fi
      ;;
    describe) cmd_describe ;;
    *)
      printf 'usage: %s setup|teardown <workdir> | describe\n' "$0" >&2
      exit 2
      ;;
  esac
}
