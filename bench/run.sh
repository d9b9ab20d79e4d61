#!/usr/bin/env bash
# bench/run.sh: measures ReplicaFs next to GlusterFS, MooseFS and bindfs, all on this machine, in one run.
#
#   sudo bench/run.sh [--rounds N] [--systems "NAME..."] [--seconds S] [--size-mib M] [--files N] [--keep-workdir]
#
# Sets up every system, runs bench/workload.sh on each in several rounds (odd rounds in the given order, even rounds
# in reverse, so that no system always runs first or last), tears everything down, and writes
# bench/results/<UTC timestamp>/: raw.jsonl, systems.jsonl, machine.json, summary.md, summary.json, logs/.
# Prints the medians per system, ReplicaFs against each peer, and every system against bindfs.
#
# Systems (--systems, default: "bindfs glusterfs moosefs replicafs-r3 replicafs-r4"):
#   bindfs        bindfs passthrough of a local directory (the FUSE ceiling)
#   glusterfs     GlusterFS replica 3, three bricks on 127.0.0.2
#   moosefs       MooseFS master + 3 chunkservers, goal 3
#   replicafs-r3  ReplicaFs, 3 data servers, 3 replicas, Qr 1 / Qw 3 (the peers' durability)
#   replicafs-r4  ReplicaFs, the seed's 4 data servers, 4 replicas, Qr 3 / Qw 3
#   local         the workload directly on the local file system, no FUSE (a reference; not in the default)
# A new system is one system_<name> function below (dashes in the name become underscores).

set -Eeuo pipefail
shopt -s nullglob

BENCH_DIR=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd -P)
readonly BENCH_DIR
readonly REPO_ROOT="${BENCH_DIR%/bench}"
readonly PEERS="$BENCH_DIR/peers"
readonly TOOL_PROJECT="$BENCH_DIR/Tool/ReplicaFs.Bench.csproj"
readonly TOOL="$BENCH_DIR/Tool/bin/Release/net10.0/ReplicaFs.Bench"
readonly UNAVAILABLE=3
readonly REPLICAFS_UNAVAILABLE="ReplicaFs: not available (no mount yet)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
  printf 'bench: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Systems: system_<name> setup DIR | teardown DIR | describe. setup prints the mount point on stdout and writes
# DIR/state/client.pids; exit status 3 means "not available" (nothing started).
# ---------------------------------------------------------------------------------------------------------------

system_bindfs() { "$PEERS/bindfs.sh" "$@"; }
system_glusterfs() { "$PEERS/glusterfs.sh" "$@"; }
system_moosefs() { "$PEERS/moosefs.sh" "$@"; }

# ReplicaFs at the peers' replica count and durability: every write on all 3 replicas, reads from one.
system_replicafs_r3() {
  REPLICAFS_BENCH_DATA_SERVERS=3 REPLICAFS_BENCH_REPLICAS=3 REPLICAFS_BENCH_QR=1 REPLICAFS_BENCH_QW=3 \
    "$PEERS/replicafs.sh" "$@"
}

# ReplicaFs as the seed project runs it: 4 data servers, 4 replicas, Qr 3 / Qw 3.
system_replicafs_r4() {
  REPLICAFS_BENCH_DATA_SERVERS=4 REPLICAFS_BENCH_REPLICAS=4 REPLICAFS_BENCH_QR=3 REPLICAFS_BENCH_QW=3 \
    "$PEERS/replicafs.sh" "$@"
}

# The local file system itself: what the disk and ext4 give without FUSE.
system_local() {
  case $1 in
    setup)
      mkdir -p "$2/mnt"
      printf '%s\n' "$2/mnt"
      ;;
    teardown) : ;;
    describe)
      jq -cn --arg fs "$(findmnt -n -o FSTYPE,OPTIONS --target "${TMPDIR:-/tmp}" 2>/dev/null || true)" \
        '{system: "local", version: $fs, replicas: 1, layout: "a directory on the local file system, no FUSE", durability: "one copy; fsync reaches the local disk"}'
      ;;
  esac
}

system_function() {
  local fn="system_${1//-/_}"
  declare -F "$fn" >/dev/null || die "unknown system '$1' (known: bindfs glusterfs moosefs replicafs-r3 replicafs-r4 local)"
  printf '%s' "$fn"
}

# ---------------------------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------------------------

rounds=3 seconds=10 size_mib=256 files=2000 keep_workdir=0
systems=(bindfs glusterfs moosefs replicafs-r3 replicafs-r4)
while (($# > 0)); do
  case $1 in
    --rounds) rounds=${2:?}; shift 2 ;;
    --systems) read -r -a systems <<<"${2:?}"; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --size-mib) size_mib=${2:?}; shift 2 ;;
    --files) files=${2:?}; shift 2 ;;
    --keep-workdir) keep_workdir=1; shift ;;
    -h | --help)
      sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
for n in "$rounds" "$seconds" "$size_mib" "$files"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "--rounds, --seconds, --size-mib and --files take positive integers, not '$n'"
done
((${#systems[@]} > 0)) || die "--systems is empty"
for s in "${systems[@]}"; do system_function "$s" >/dev/null; done

((EUID == 0)) || die "run as root: the peers start daemons and mount FUSE file systems, and the workload drops caches"
command -v jq >/dev/null || die "jq is missing (apt-get install jq)"
command -v dotnet >/dev/null || die "the .NET 10 SDK is missing (https://learn.microsoft.com/dotnet/core/install/linux)"
if ! command -v fio >/dev/null; then
  say "installing fio"
  timeout 600 apt-get -o DPkg::Lock::Timeout=120 update -q >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get -o DPkg::Lock::Timeout=120 install -y -q fio >&2 ||
    die "apt-get install fio failed"
fi

# ---------------------------------------------------------------------------------------------------------------
# Run state and cleanup
# ---------------------------------------------------------------------------------------------------------------

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$BENCH_DIR/results/$stamp"
mkdir -p "$results/logs"
workdir=$(mktemp -d "${TMPDIR:-/tmp}/replicafs-bench.XXXXXX")
set_up=()        # systems whose setup started (torn down at exit, in reverse)
measured=()      # systems with a mount
declare -A mounts client_pids
sampler_pid=""
torn_down=0
failures=()

# teardown_all: tears down every system whose setup started, in reverse order, keeps their logs, and checks that
# nothing is left. Safe to call twice.
teardown_all() {
  local i name
  ((torn_down == 0)) || return 0
  torn_down=1
  for ((i = ${#set_up[@]} - 1; i >= 0; i--)); do
    name=${set_up[i]}
    say "tearing down $name"
    "$(system_function "$name")" teardown "$workdir/$name" >>"$results/logs/$name-teardown.log" 2>&1 ||
      say "teardown of $name reported a problem; see $results/logs/$name-teardown.log"
    if [[ -d $workdir/$name/log ]]; then
      mkdir -p "$results/logs/$name"
      cp -r "$workdir/$name/log/." "$results/logs/$name/" 2>/dev/null || true
    fi
  done
  verify_nothing_left
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $sampler_pid ]] && kill -0 "$sampler_pid" 2>/dev/null; then
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
  fi
  teardown_all
  if ((keep_workdir)); then
    say "work directory kept: $workdir"
  else
    rm -rf --one-file-system -- "$workdir"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# verify_nothing_left: no mount and no process of this run's work directory may survive teardown.
verify_nothing_left() {
  local mounts_left procs_left others
  mounts_left=$(awk -v w="$workdir/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo)
  procs_left=$(pgrep -a -f -- "$workdir/" || true)
  if [[ -z $mounts_left && -z $procs_left ]]; then
    say "teardown check: no mount and no process of $workdir is left"
  fi
  [[ -z $mounts_left ]] || say "WARNING: still mounted after teardown: $mounts_left"
  [[ -z $procs_left ]] || say "WARNING: still running after teardown: $procs_left"
  # Zombies are left out: PID 1 reaps the daemons' exited children in its own time.
  others=$(ps -eo pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 ~ /^(glusterd|glusterfsd|glusterfs|mfsmaster|mfschunkserver|mfsmount|bindfs)$/ { print $1, $3 }')
  [[ -z $others ]] || say "note: gluster/moosefs/bindfs processes not started by this run: $others"
}

# ---------------------------------------------------------------------------------------------------------------
# Build the metadata tool
# ---------------------------------------------------------------------------------------------------------------

say "building bench/Tool (Release)"
timeout 900 dotnet build "$TOOL_PROJECT" -c Release -nologo -v quiet >"$results/logs/build.log" 2>&1 ||
  die "building bench/Tool failed; see $results/logs/build.log"

# ---------------------------------------------------------------------------------------------------------------
# Machine facts, load sampling
# ---------------------------------------------------------------------------------------------------------------

drop_caches_works=false
if sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then drop_caches_works=true; fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
say "load average before the run: $load_before (other work on this machine shifts absolute figures; compare ratios)"

runner_pid=$$
(
  # Samples the load every 10 s while the runner lives; stops by itself if the runner is killed.
  while kill -0 "$runner_pid" 2>/dev/null; do
    printf '%s %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    sleep 10
  done
) >"$results/load.txt" 2>/dev/null &
sampler_pid=$!

# ---------------------------------------------------------------------------------------------------------------
# Set up every system
# ---------------------------------------------------------------------------------------------------------------

: >"$results/systems.jsonl"
record_system() { # NAME STATUS REASON
  local describe
  describe=$("$(system_function "$1")" describe 2>/dev/null || true)
  [[ -n $describe ]] && jq -e 'type == "object"' >/dev/null 2>&1 <<<"$describe" || describe='{}'
  jq -cn --arg s "$1" --arg st "$2" --arg r "$3" --argjson d "$describe" \
    '{system: $s, status: $st, describe: $d} + (if $r == "" then {} else {reason: $r} end)' >>"$results/systems.jsonl"
}

for name in "${systems[@]}"; do
  dir="$workdir/$name"
  say "setting up $name"
  set +e
  mount=$("$(system_function "$name")" setup "$dir" 2>"$results/logs/$name-setup.log")
  status=$?
  set -e
  if ((status == UNAVAILABLE)); then
    reason=$(tail -n 1 "$results/logs/$name-setup.log")
    say "$name: ${reason#*: }"
    record_system "$name" unavailable "${reason#*: }"
    continue
  fi
  set_up+=("$name")
  if ((status != 0)) || [[ -z $mount || ! -d $mount ]]; then
    say "$name: setup failed (exit $status); see $results/logs/$name-setup.log"
    record_system "$name" failed "setup failed (exit $status); see logs/$name-setup.log"
    failures+=("$name: setup failed")
    continue
  fi
  mounts[$name]=$mount
  client_pids[$name]=$(tr '\n' ' ' <"$dir/state/client.pids" 2>/dev/null || true)
  measured+=("$name")
  record_system "$name" measured ""
  say "$name mounted on $mount"
done
((${#measured[@]} > 0)) || die "no system could be set up"

# ---------------------------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------------------------

: >"$results/raw.jsonl"
for ((round = 1; round <= rounds; round++)); do
  order=("${measured[@]}")
  if ((round % 2 == 0)); then
    order=()
    for ((i = ${#measured[@]} - 1; i >= 0; i--)); do order+=("${measured[i]}"); done
  fi
  say "round $round/$rounds: ${order[*]}"
  position=0
  for name in "${order[@]}"; do
    position=$((position + 1))
    say "  $name"
    log="$results/logs/$name-round$round.log"
    set +e
    lines=$("$BENCH_DIR/workload.sh" "${mounts[$name]}" --client-pids "${client_pids[$name]}" \
      --seconds "$seconds" --size-mib "$size_mib" --files "$files" --tool "$TOOL" 2>"$log")
    status=$?
    set -e
    if [[ -n $lines ]]; then
      jq -c --arg s "$name" --argjson r "$round" --argjson p "$position" \
        '{system: $s, round: $r, position: $p} + .' <<<"$lines" >>"$results/raw.jsonl"
    fi
    if ((status != 0)); then
      say "  $name round $round failed (exit $status); see $log"
      failures+=("$name round $round: workload failed (see logs/$name-round$round.log)")
    fi
  done
done

# ---------------------------------------------------------------------------------------------------------------
# Machine facts and summary
# ---------------------------------------------------------------------------------------------------------------

# A system set up but without a single figure (every round failed) is reported as failed, not as measured.
for name in "${measured[@]}"; do
  if ! jq -e -s --arg s "$name" 'any(.[]; .system == $s)' "$results/raw.jsonl" >/dev/null 2>&1; then
    jq -c --arg s "$name" 'if .system == $s then .status = "failed" | .reason = "every round failed; see logs/\($s)-round*.log" else . end' \
      "$results/systems.jsonl" >"$results/systems.jsonl.new" && mv "$results/systems.jsonl.new" "$results/systems.jsonl"
  fi
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
teardown_all
load_samples=$(awk '{ print $2 }' "$results/load.txt" | sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%s / %s / %s (min / median / max of %d samples, 1-minute load)", a[1], a[int((NR + 1) / 2)], a[NR], NR }')
jq -n \
  --arg started "$started" --arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --arg cpus "$(nproc) ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo))" \
  --arg mem "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" \
  --arg kernel "$(uname -sr)" \
  --arg os "$(. /etc/os-release 2>/dev/null && printf '%s' "${PRETTY_NAME:-unknown}")" \
  --arg fs "$(findmnt -n -o SOURCE,FSTYPE,OPTIONS --target "$workdir" 2>/dev/null || echo unknown)" \
  --arg fio "$(fio --version 2>/dev/null)" \
  --arg commit "$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --arg before "$load_before" --arg after "$load_after" --arg during "${load_samples:-no samples}" \
  --arg drop "$drop_caches_works" \
  --arg shape "rounds $rounds; order: odd rounds as listed, even rounds reversed; --seconds $seconds; --size-mib $size_mib; --files $files" \
  '{started: $started, finished: $finished, cpus: $cpus, memory: $mem, kernel: $kernel, os: $os,
    work_filesystem: $fs, fio: $fio, commit: $commit,
    load_average_before: $before, load_average_after: $after, load_during: $during,
    drop_caches: (if $drop == "true" then "works (sync; echo 3 > /proc/sys/vm/drop_caches)" else "NOT available: seq_read and the metadata stat/readdir ran with warm caches" end),
    run: $shape}' >"$results/machine.json"

printf '\n' >&2
"$TOOL" summarize "$results" --title "Benchmark run $stamp"
if ! printf '%s\n' "${measured[@]}" | grep -q '^replicafs'; then
  printf '\n%s\n' "$REPLICAFS_UNAVAILABLE"
fi
if ((${#failures[@]} > 0)); then
  printf '\nFailures:\n' >&2
  printf '  %s\n' "${failures[@]}" >&2
fi
printf '\nResults: %s\n' "$results" >&2
