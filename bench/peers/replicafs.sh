#!/usr/bin/env bash
# bench/peers/replicafs.sh: a local ReplicaFs cluster started with ./replicafs, mounted with the FUSE client.
#
#   replicafs.sh setup <workdir>      ./replicafs up --detach with a mount; prints the mount point
#                                     exit status 3: ReplicaFs cannot be mounted yet (nothing was started)
#   replicafs.sh teardown <workdir>   ./replicafs down for that state directory, then checks the mount is gone
#   replicafs.sh describe             one JSON line: replicas, quorums, durability
#
# The configuration comes from the environment (bench/run.sh sets it per measured configuration):
#   REPLICAFS_BENCH_DATA_SERVERS (3)  REPLICAFS_BENCH_REPLICAS (3)  REPLICAFS_BENCH_QR (1)  REPLICAFS_BENCH_QW (3)
#   REPLICAFS_BENCH_CHUNK_SIZE (empty: the metadata server's default) — for measuring chunk sizes by hand
#
# The launcher owns the processes: 'up' records every process it starts (pid and start time) in the state
# directory's run record and 'down' stops exactly those. This script only adds the bench's own state/ next to it.

PEER=replicafs
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/lib.sh"

REPO_ROOT=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.." && pwd -P)
readonly REPO_ROOT
readonly LAUNCHER="$REPO_ROOT/replicafs"
readonly DATA_SERVERS=${REPLICAFS_BENCH_DATA_SERVERS:-3}
readonly REPLICAS=${REPLICAFS_BENCH_REPLICAS:-3}
readonly QR=${REPLICAFS_BENCH_QR:-1}
readonly QW=${REPLICAFS_BENCH_QW:-3}
readonly CHUNK_SIZE=${REPLICAFS_BENCH_CHUNK_SIZE:-}
readonly UNAVAILABLE=3

# mount_supported: the launcher can mount the file system (its help lists a --mount option for 'up').
mount_supported() {
  [[ -x $LAUNCHER ]] && "$LAUNCHER" help 2>/dev/null | grep -q -- '--mount'
}

# up_arguments MOUNT: the launcher options for one measured configuration (./replicafs help lists them).
up_arguments() {
  printf '%s\n' up --detach --fresh --state-dir "$WORKDIR/cluster" \
    --data-servers "$DATA_SERVERS" --replicas "$REPLICAS" \
    --mount "$1" --qr "$QR" --qw "$QW"
  if [[ -n $CHUNK_SIZE ]]; then
    printf '%s\n' --chunk-size "$CHUNK_SIZE"
  fi
}

cmd_setup() {
  if ! mount_supported; then
    say "ReplicaFs: not available (no mount yet): '$LAUNCHER help' lists no --mount option"
    exit "$UNAVAILABLE"
  fi
  require_root
  open_workdir_for_setup "${1:-}"
  begin_setup

  mkdir -p "$WORKDIR/mnt" "$WORKDIR/log"
  local args=() output mount
  mapfile -t args < <(up_arguments "$WORKDIR/mnt")
  say "starting ReplicaFs: $DATA_SERVERS data servers, $REPLICAS replicas, Qr $QR, Qw $QW"
  # The launcher bounds its own waits (REPLICAFS_START_TIMEOUT); the outer timeout also covers a first build.
  output=$(timeout --kill-after=30 1800 "$LAUNCHER" "${args[@]}" 2>"$WORKDIR/log/up.log") ||
    die "./replicafs up failed; see $WORKDIR/log/up.log"
  printf '%s\n' "$output" >"$WORKDIR/log/up.out"
  # 'up --detach' prints one line per part: 'meta URL', 'data URL'…, 'mount DIR', 'state DIR'.
  mount=$(awk '$1 == "mount" { print $2; exit }' <<<"$output")
  [[ -n $mount ]] || die "./replicafs up printed no 'mount DIR' line; see $WORKDIR/log/up.out"
  wait_until 30 is_mounted "$mount" || die "$mount is not mounted"
  wait_until 60 smoke_test_once "$mount" || die "the ReplicaFs mount does not take writes"

  # The FUSE client is the run-record process whose name starts with 'mount' or 'fuse' (process NAME PID START URL).
  local clients
  clients=$(awk '$1 == "process" && ($2 ~ /^(mount|fuse)/) { print $3 }' "$WORKDIR/cluster/run" 2>/dev/null || true)
  # shellcheck disable=SC2086 # one pid per word
  finish_setup "$mount" $clients
}

cmd_teardown() {
  if [[ -d $WORKDIR/cluster ]]; then
    timeout --kill-after=10 120 "$LAUNCHER" down --state-dir "$WORKDIR/cluster" >&2 ||
      say "./replicafs down failed; see its output above"
  fi
  local mount
  mount=$(cat "$STATE/mount" 2>/dev/null || printf '%s' "$WORKDIR/mnt")
  unmount_bounded "$mount"
}

cmd_describe() {
  jq -cn --argjson n "$DATA_SERVERS" --argjson r "$REPLICAS" --argjson qr "$QR" --argjson qw "$QW" --arg chunk "${CHUNK_SIZE:-default}" '{
    system: "replicafs", version: "this repository", replicas: $r,
    layout: "meta + \($n) data servers on 127.0.0.1 (./replicafs up), FUSE client with Qr \($qr) / Qw \($qw), chunk size \($chunk)",
    durability: "a chunk write commits once Qw = \($qw) of \($r) replicas stored it durably (docs/architecture.md)"
  }'
}

peer_main "$@"
