#!/usr/bin/env bash
# bench/peers/bindfs.sh: a bindfs passthrough of a local directory, the ceiling of any FUSE file system here.
#
#   bindfs.sh setup <workdir>      mount <workdir>/backing on <workdir>/mnt; prints the mount point
#   bindfs.sh teardown <workdir>   unmount and stop the bindfs process setup started
#   bindfs.sh describe             one JSON line: version, replicas, durability
#
# bindfs 1.14.7 is built on libfuse 2.9, whose default max_write is 4 KiB: setup adds -o big_writes, which raises
# WRITE requests to 128 KiB (libfuse 2 never negotiates more; libfuse 3 file systems get 1 MiB). Everything else is
# bindfs's default: a single-threaded FUSE loop, O_DIRECT cleared before it opens the backing file (so O_DIRECT
# reads and writes through the mount reach bindfs one by one, but the backing file uses the page cache), fsync
# passed through to the local file system. One copy, no network: what a thin FUSE layer costs on this machine.

PEER=bindfs
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/lib.sh"

readonly PACKAGES=(bindfs)

cmd_setup() {
  require_root
  ensure_packages "${PACKAGES[@]}"
  open_workdir_for_setup "${1:-}"
  begin_setup

  mkdir -p "$WORKDIR"/{backing,mnt,log}
  say "mounting $WORKDIR/backing on $WORKDIR/mnt"
  start_daemon client "$WORKDIR/log/bindfs.log" bindfs -f -o big_writes "$WORKDIR/backing" "$WORKDIR/mnt"
  local client_pid=$STARTED_PID
  wait_until 30 is_mounted "$WORKDIR/mnt" || die "bindfs did not mount within 30 s; see $WORKDIR/log/bindfs.log"
  wait_until 30 smoke_test_once "$WORKDIR/mnt" || die "the bindfs mount does not take writes"

  finish_setup "$WORKDIR/mnt" "$client_pid"
}

cmd_teardown() {
  stop_fuse_client "$WORKDIR/mnt"
  report_leftovers
}

cmd_describe() {
  local version
  version=$(dpkg-query -W -f='${Version}' bindfs 2>/dev/null || true)
  jq -cn --arg v "${version:-not installed}" '{
    system: "bindfs", version: $v, replicas: 1,
    layout: "bindfs passthrough of a directory on the local file system (libfuse 2, -o big_writes: 128 KiB writes, single-threaded)",
    durability: "one copy on the local disk; fsync passed through to the local file system"
  }'
}

peer_main "$@"
