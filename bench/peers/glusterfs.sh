#!/usr/bin/env bash
# bench/peers/glusterfs.sh: a GlusterFS replica-3 volume (three bricks on this host) mounted with the FUSE client.
#
#   glusterfs.sh setup <workdir>      start glusterd, create and start the volume, mount it; prints the mount point
#   glusterfs.sh teardown <workdir>   unmount and stop exactly the processes setup started
#   glusterfs.sh describe             one JSON line: version, replicas, durability
#
# Everything listens on 127.0.0.2 (loopback): the gluster CLI refuses bricks on "localhost" and "127.0.0.1" but
# takes any other 127.x address, and glusterd hands its bind address on to the bricks. glusterd keeps its state,
# pid files and logs in <workdir> (its own glusterd.vol: working-directory, run-directory, logging-directory,
# glusterd-sockfile), so it never touches /var/lib/glusterd. The bricks' unix sockets are the one exception: glusterd
# always puts them in /var/run/gluster; teardown removes the ones this volume used.
#
# Durability (replica 3, defaults): AFR sends every write to all three bricks and answers the application once all
# of them have answered (quorum-type auto: fails with fewer than 2). The client's write-behind translator
# acknowledges writes before the bricks have them; close and fsync wait for all three, and fsync reaches the bricks'
# file systems (fsync on each brick). The bricks write through their page cache.

PEER=glusterfs
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/lib.sh"

readonly HOST=${GLUSTER_BENCH_ADDR:-127.0.0.2}
readonly VOLUME=benchvol
readonly GLUSTERD_PORT=24007
readonly PACKAGES=(glusterfs-server glusterfs-client)

gluster_cli() {
  timeout 120 gluster --mode=script --glusterd-sock="$WORKDIR/run/glusterd.socket" \
    --log-file="$WORKDIR/log/cli.log" "$@"
}

write_glusterd_vol() {
  cat >"$WORKDIR/glusterd.vol" <<EOF
volume management
    type mgmt/glusterd
    option working-directory $WORKDIR/glusterd
    option run-directory $WORKDIR/run
    option logging-directory $WORKDIR/log
    option glusterd-sockfile $WORKDIR/run/glusterd.socket
    option transport-type socket
    option transport.socket.bind-address $HOST
    option transport.socket.listen-port $GLUSTERD_PORT
    option transport.socket.keepalive-time 10
    option transport.socket.keepalive-interval 2
    option transport.socket.read-fail-log off
    option ping-timeout 0
    option event-threads 1
    option max-port 60999
end-volume
EOF
}

# volume_processes_started: glusterd wrote a pid file for each of the 3 bricks and the self-heal daemon, all alive.
volume_processes_started() {
  local files=("$WORKDIR/run/vols/$VOLUME/"*.pid "$WORKDIR/run/shd/$VOLUME/"*.pid) file pid
  ((${#files[@]} == 4)) || return 1
  for file in "${files[@]}"; do
    pid=$(cat "$file" 2>/dev/null) || return 1
    [[ -n $pid && -d /proc/$pid ]] || return 1
  done
}

# bricks_listening: every recorded brick listens on its port on $HOST.
bricks_listening() {
  local name pid ticks listeners
  listeners=$(ss -Htlnp "src = $HOST")
  while read -r name pid ticks; do
    [[ $name == brick ]] || continue
    grep -q "pid=$pid," <<<"$listeners" || return 1
  done <"$STATE/pids"
}

# record_volume_processes: records the bricks and the self-heal daemon glusterd started, after checking that each
# one's command line names this work directory, and notes the unix sockets they use.
record_volume_processes() {
  local file pid cmdline
  for file in "$WORKDIR/run/vols/$VOLUME/"*.pid "$WORKDIR/run/shd/$VOLUME/"*.pid; do
    pid=$(cat "$file")
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    [[ $cmdline == *"$WORKDIR/"* ]] || die "pid $pid from $file does not look like ours: $cmdline"
    if [[ $file == */shd/* ]]; then proc_record shd "$pid"; else proc_record brick "$pid"; fi
    note_socket "$cmdline"
  done
}

# note_socket CMDLINE: remembers the unix socket (-S PATH) of a brick or self-heal daemon, for teardown to remove.
note_socket() {
  grep -o -- '-S [^ ]*' <<<"$1" | cut -d' ' -f2 >>"$STATE/sockets" || true
}

cmd_setup() {
  require_root
  ensure_packages "${PACKAGES[@]}"
  open_workdir_for_setup "${1:-}"
  begin_setup

  require_ports_free "$GLUSTERD_PORT"
  mkdir -p "$WORKDIR"/{glusterd,run,log,mnt} "$WORKDIR"/bricks/{b1,b2,b3}
  write_glusterd_vol

  say "starting glusterd on $HOST:$GLUSTERD_PORT"
  start_daemon glusterd "$WORKDIR/log/glusterd.out" \
    glusterd -N -f "$WORKDIR/glusterd.vol" -p "$WORKDIR/run/glusterd.pid" -l "$WORKDIR/log/glusterd.log"
  wait_until 30 gluster_cli pool list || die "glusterd did not answer within 30 s; see $WORKDIR/log/glusterd.log"

  say "creating volume $VOLUME: replica 3 over three bricks on $HOST"
  # 'force': the three replicas share one host and the bricks sit on the root file system.
  gluster_cli volume create "$VOLUME" replica 3 transport tcp \
    "$HOST:$WORKDIR/bricks/b1" "$HOST:$WORKDIR/bricks/b2" "$HOST:$WORKDIR/bricks/b3" force >&2
  gluster_cli volume start "$VOLUME" >&2
  wait_until 60 volume_processes_started ||
    die "glusterd did not start the bricks and the self-heal daemon within 60 s; see $WORKDIR/log/"
  record_volume_processes
  wait_until 60 bricks_listening || die "the bricks did not listen within 60 s; see $WORKDIR/log/bricks/"

  say "mounting with the glusterfs FUSE client"
  start_daemon client "$WORKDIR/log/client.out" \
    glusterfs -N --process-name fuse --volfile-server="$HOST" --volfile-id="$VOLUME" \
    -l "$WORKDIR/log/client.log" "$WORKDIR/mnt"
  local client_pid=$STARTED_PID
  wait_until 30 is_mounted "$WORKDIR/mnt" || die "the volume was not mounted within 30 s; see $WORKDIR/log/client.log"
  wait_until 60 smoke_test_once "$WORKDIR/mnt" || die "the mounted volume does not take writes; see $WORKDIR/log/"

  finish_setup "$WORKDIR/mnt" "$client_pid"
}

cmd_teardown() {
  stop_fuse_client "$WORKDIR/mnt"
  # glusterd first, so that it does not react to its bricks going away; then the bricks and the self-heal daemon.
  stop_recorded glusterd
  stop_recorded shd brick
  # A setup interrupted between 'volume start' and record_volume_processes leaves bricks nobody recorded: every
  # gluster process whose command line names this work directory was started by this glusterd.
  record_strays '^(glusterfsd|glusterfs)$'
  local name pid ticks
  while read -r name pid ticks; do
    if [[ $name == stray ]] && proc_is "$pid" "$ticks"; then
      note_socket "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    fi
  done <"$STATE/pids"
  stop_recorded stray
  if [[ -r $STATE/sockets ]]; then
    local socket
    while read -r socket; do
      if [[ $socket == /var/run/gluster/*.socket || $socket == /run/gluster/*.socket ]]; then
        rm -f -- "$socket"
      fi
    done <"$STATE/sockets"
  fi
  report_leftovers
}

cmd_describe() {
  local version
  version=$(glusterfs --version 2>/dev/null | head -n 1 | awk '{ print $2 }' || true)
  jq -cn --arg v "${version:-not installed}" '{
    system: "glusterfs", version: $v, replicas: 3,
    layout: "one volume, replica 3, three bricks on one host (127.0.0.2), glusterfs FUSE client, default options",
    durability: "write acknowledged by all 3 bricks (write-behind may acknowledge earlier); fsync reaches all 3 bricks"
  }'
}

peer_main "$@"
