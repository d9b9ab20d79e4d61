#!/usr/bin/env bash
# bench/peers/moosefs.sh: MooseFS with a master, three chunkservers and goal 3, mounted with mfsmount.
#
#   moosefs.sh setup <workdir>      start the master and 3 chunkservers, mount, set goal 3; prints the mount point
#   moosefs.sh teardown <workdir>   unmount and stop exactly the processes setup started
#   moosefs.sh describe             one JSON line: version, replicas, durability
#
# Address: MooseFS chunkservers refuse a master on any 127.x address ("localhost can't be used for connecting with
# master", masterconn.c rejects 127.0.0.0/8). So setup puts a host address on the loopback interface, by default
# 198.18.77.1/32 (198.18.0.0/15 is reserved for benchmarking, RFC 2544), binds every daemon to it, and teardown
# removes the address again if setup added it. Traffic to an address on `lo` never leaves the host.
# Ports: MFS_BENCH_PORT_BASE (default 9419) for the master's three ports, the next three for the chunkservers.
#
# Every daemon has its own configuration and data directory in <workdir>, runs in the foreground (-f) with
# NICE_LEVEL 0 (the packaged default is -19, which would favour it over the other systems) and keeps the OOM killer.
#
# Durability (goal 3 = storage class 3 on the whole tree, trash time 0): the client writes each chunk to the first
# chunkserver, which forwards it along a chain to the other two; a write is acknowledged once all three copies are
# written. mfsmount buffers writes in its own cache (256 MiB) and flushes it on fsync and close (mfsfsyncmintime 0).
# Chunkservers run with HDD_FSYNC_BEFORE_CLOSE = 1 (packaged default 0), so a chunk file is fsynced on every
# chunkserver when a write to it ends. Metadata changes are logged by the master without fsync (CHANGELOG_SAVE_MODE 0).

PEER=moosefs
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/lib.sh"

readonly ADDR=${MFS_BENCH_ADDR:-198.18.77.1}
readonly PORT_BASE=${MFS_BENCH_PORT_BASE:-9419}
readonly ML_PORT=$PORT_BASE CS_PORT=$((PORT_BASE + 1)) CL_PORT=$((PORT_BASE + 2))
readonly CHUNKSERVERS=3
readonly PACKAGES=(moosefs-master moosefs-chunkserver moosefs-client)

chunkserver_port() { printf '%s' $((PORT_BASE + 2 + $1)); }

# listening ADDR PORT: something listens on ADDR:PORT.
listening() {
  ss -Htln "src = $1 and sport = :$2" | grep -q .
}

address_on_lo() {
  ip -o -4 addr show dev lo | awk '{ print $4 }' | grep -qx "$ADDR/32"
}

ensure_address() {
  [[ $ADDR =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ && $ADDR != 127.* ]] ||
    die "MFS_BENCH_ADDR must be an IPv4 address outside 127.0.0.0/8 (chunkservers refuse loopback masters), not '$ADDR'"
  if address_on_lo; then
    return 0
  fi
  if ip -o -4 addr show | awk '{ print $4 }' | grep -q "^$ADDR/"; then
    die "$ADDR is already assigned to another interface; choose a free address with MFS_BENCH_ADDR"
  fi
  say "adding $ADDR/32 to the loopback interface (removed again by teardown)"
  ip addr add "$ADDR/32" dev lo || die "could not add $ADDR/32 to lo"
  : >"$STATE/added-address"
}

write_configs() {
  local dir=$WORKDIR i
  mkdir -p "$dir"/{master,log,mnt}
  cp /var/lib/mfs/metadata.mfs.empty "$dir/master/metadata.mfs"
  cat >"$dir/mfsexports.cfg" <<EOF
$ADDR / rw,alldirs,maproot=0
$ADDR . rw
EOF
  : >"$dir/mfstopology.cfg"
  cat >"$dir/mfsmaster.cfg" <<EOF
WORKING_USER = root
WORKING_GROUP = root
SYSLOG_IDENT = bench-mfsmaster
NICE_LEVEL = 0
DISABLE_OOM_KILLER = 0
DATA_PATH = $dir/master
EXPORTS_FILENAME = $dir/mfsexports.cfg
TOPOLOGY_FILENAME = $dir/mfstopology.cfg
MATOML_LISTEN_HOST = $ADDR
MATOML_LISTEN_PORT = $ML_PORT
MATOCS_LISTEN_HOST = $ADDR
MATOCS_LISTEN_PORT = $CS_PORT
MATOCL_LISTEN_HOST = $ADDR
MATOCL_LISTEN_PORT = $CL_PORT
REPLICATIONS_DELAY_INIT = 0
EOF
  for ((i = 1; i <= CHUNKSERVERS; i++)); do
    mkdir -p "$dir/cs$i/data" "$dir/cs$i/hdd"
    printf '%s\n' "$dir/cs$i/hdd" >"$dir/cs$i/mfshdd.cfg"
    cat >"$dir/cs$i/mfschunkserver.cfg" <<EOF
WORKING_USER = root
WORKING_GROUP = root
SYSLOG_IDENT = bench-mfscs$i
NICE_LEVEL = 0
DISABLE_OOM_KILLER = 0
DATA_PATH = $dir/cs$i/data
HDD_CONF_FILENAME = $dir/cs$i/mfshdd.cfg
HDD_FSYNC_BEFORE_CLOSE = 1
BIND_HOST = $ADDR
MASTER_HOST = $ADDR
MASTER_PORT = $CS_PORT
CSSERV_LISTEN_HOST = $ADDR
CSSERV_LISTEN_PORT = $(chunkserver_port "$i")
EOF
  done
}

# three_copies: a fresh file written through the mount gets a chunk with 3 copies (all chunkservers registered
# with space, goal 3 in effect).
three_copies() {
  local probe="$WORKDIR/mnt/.bench-goal-probe"
  rm -f -- "$probe"
  head -c 65536 /dev/urandom >"$probe" && sync -- "$probe" &&
    timeout 10 mfscheckfile "$probe" | grep -q 'chunks with 3 copies: *1$'
}

cmd_setup() {
  require_root
  ensure_packages "${PACKAGES[@]}"
  open_workdir_for_setup "${1:-}"
  begin_setup

  local ports=("$ML_PORT" "$CS_PORT" "$CL_PORT") i
  for ((i = 1; i <= CHUNKSERVERS; i++)); do ports+=("$(chunkserver_port "$i")"); done
  require_ports_free "${ports[@]}"
  ensure_address
  write_configs

  say "starting mfsmaster on $ADDR:$ML_PORT-$CL_PORT"
  start_daemon master "$WORKDIR/log/master.log" mfsmaster -f -c "$WORKDIR/mfsmaster.cfg" start
  local master_pid=$STARTED_PID
  wait_until 30 listening "$ADDR" "$CL_PORT" || die "mfsmaster did not listen within 30 s; see $WORKDIR/log/master.log"
  record_children master-writer "$master_pid"

  for ((i = 1; i <= CHUNKSERVERS; i++)); do
    say "starting chunkserver $i on $ADDR:$(chunkserver_port "$i")"
    start_daemon "chunkserver$i" "$WORKDIR/log/cs$i.log" \
      mfschunkserver -f -c "$WORKDIR/cs$i/mfschunkserver.cfg" start
  done
  for ((i = 1; i <= CHUNKSERVERS; i++)); do
    wait_until 30 listening "$ADDR" "$(chunkserver_port "$i")" ||
      die "chunkserver $i did not listen within 30 s; see $WORKDIR/log/cs$i.log"
  done

  say "mounting with mfsmount"
  start_daemon client "$WORKDIR/log/mount.log" \
    mfsmount -f -H "$ADDR" -P "$CL_PORT" -o mfsnice=0,mfsallowoomkiller "$WORKDIR/mnt"
  local client_pid=$STARTED_PID
  wait_until 30 is_mounted "$WORKDIR/mnt" || die "mfsmount did not mount within 30 s; see $WORKDIR/log/mount.log"
  timeout 30 mfssetgoal -r 3 "$WORKDIR/mnt" >/dev/null || die "mfssetgoal -r 3 failed"
  # Deleted files go straight away instead of into the trash, as on the other systems.
  timeout 30 mfssettrashtime -r 0 "$WORKDIR/mnt" >/dev/null || die "mfssettrashtime -r 0 failed"
  wait_until 90 three_copies ||
    die "a test file did not get 3 copies within 90 s (chunkservers not registered?); see $WORKDIR/log/"
  rm -f -- "$WORKDIR/mnt/.bench-goal-probe"

  finish_setup "$WORKDIR/mnt" "$client_pid"
}

cmd_teardown() {
  stop_fuse_client "$WORKDIR/mnt"
  stop_recorded chunkserver1 chunkserver2 chunkserver3
  stop_recorded master master-writer
  if [[ -e $STATE/added-address ]]; then
    if ss -Htln "src = $ADDR" | grep -q .; then
      say "not removing $ADDR from lo: something still listens on it"
    else
      ip addr del "$ADDR/32" dev lo 2>/dev/null || true
      rm -f -- "$STATE/added-address"
    fi
  fi
  report_leftovers
}

cmd_describe() {
  local version
  version=$(dpkg-query -W -f='${Version}' moosefs-master 2>/dev/null || true)
  jq -cn --arg v "${version:-not installed}" --arg a "$ADDR" '{
    system: "moosefs", version: $v, replicas: 3,
    layout: ("master + 3 chunkservers on one host (\($a) on lo), goal 3, trash time 0, mfsmount defaults"),
    durability: "chunk write acknowledged after the chain of 3 chunkservers wrote it; mfsmount write cache flushed on fsync/close; chunk files fsynced when a write ends (HDD_FSYNC_BEFORE_CLOSE=1)"
  }'
}

peer_main "$@"
