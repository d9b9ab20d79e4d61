#!/usr/bin/env bash
# bench/workload.sh: the benchmark workload, run on any mounted directory. Prints one JSON line per figure.
#
#   bench/workload.sh DIR [--client-pids "PID..."] [--size-mib 256] [--seconds 10] [--files 2000] [--tool PATH]
#
# Figures, in order (fio 3.33 for data, bench/Tool for metadata; everything single-threaded, queue depth 1):
#   seq_write              1 MiB writes of a SIZE MiB file, then one fsync; MiB/s over the whole job incl. the fsync
#   client_peak_rss_write  peak RSS of the FUSE client process(es) during seq_write, MiB (needs --client-pids)
#   seq_read               1 MiB reads of that file after `sync; echo 3 > /proc/sys/vm/drop_caches`; MiB/s
#   rand_read_4k           4 KiB O_DIRECT reads at random offsets of that file for SECONDS; IOPS
#   rand_write_4k          4 KiB O_DIRECT writes at random offsets of that file for SECONDS, then one fsync; IOPS
#                          over the whole job incl. the fsync (so a client-side write cache cannot hide work)
#   create, stat, readdir, unlink, mkdir_tree, rmdir_tree
#                          bench/Tool `metadata --drop-caches` (see docs/benchmarks.md)
# Every line: {"test":…,"unit":…,"value":…,"better":"higher"|"lower","detail":{…}}. Progress goes to stderr.

set -Eeuo pipefail

BENCH_DIR=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd -P)
readonly BENCH_DIR

say() { printf 'workload: %s\n' "$*" >&2; }
die() {
  printf 'workload: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

target="" client_pids="" size_mib=256 seconds=10 files=2000
tool=${BENCH_TOOL:-$BENCH_DIR/Tool/bin/Release/net10.0/ReplicaFs.Bench}
while (($# > 0)); do
  case $1 in
    --client-pids) client_pids=${2?--client-pids needs a value (may be empty)}; shift 2 ;;
    --size-mib) size_mib=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --files) files=${2:?}; shift 2 ;;
    --tool) tool=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    -*) die "unknown option $1" ;;
    *)
      [[ -z $target ]] || die "one directory only"
      target=$1
      shift
      ;;
  esac
done
[[ -n $target ]] || usage
[[ -d $target && -w $target ]] || die "$target is not a writable directory"
for n in "$size_mib" "$seconds" "$files"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "--size-mib, --seconds and --files take positive integers, not '$n'"
done
command -v fio >/dev/null || die "fio is not installed (apt-get install fio)"
command -v jq >/dev/null || die "jq is not installed (apt-get install jq)"
[[ -x $tool ]] || die "$tool is missing; build it with: dotnet build -c Release bench/Tool"

work="$target/replicafs-bench-data-$$"
file="$work/seq.dat"
mkdir -- "$work"
trap 'rm -rf -- "$work"' EXIT

# A generous bound for the untimed jobs: a hung file system must not hang the run.
readonly JOB_TIMEOUT=$((600 + 4 * seconds))

# fio_job NAME ARGS...: one fio job on $file, JSON on stdout.
fio_job() {
  local name=$1
  shift
  timeout --kill-after=10 "$JOB_TIMEOUT" fio --name="$name" --filename="$file" --ioengine=psync --iodepth=1 \
    --numjobs=1 --fallocate=none --randrepeat=1 --output-format=json "$@"
}

# emit TEST UNIT VALUE BETTER DETAIL_JSON
emit() {
  jq -cn --arg t "$1" --arg u "$2" --argjson v "$3" --arg b "$4" --argjson d "$5" \
    '{test: $t, unit: $u, value: ($v * 1000 | round / 1000), better: $b, detail: $d}'
}

# Peak RSS of the FUSE client: clear_refs 5 resets VmHWM to the current RSS, so VmHWM afterwards is the peak
# reached during the job.
reset_peak_rss() {
  local pid
  for pid in $client_pids; do
    echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || say "cannot reset the peak RSS of pid $pid"
  done
}
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
sum_kib() {
  local field=$1 pid total=0 value
  for pid in $client_pids; do
    value=$(status_kib "$pid" "$field")
    total=$((total + ${value:-0}))
  done
  printf '%s' "$total"
}

drop_caches() {
  sync
  if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
    echo true
  else
    say "could not drop caches (not root?): seq_read runs with warm caches"
    echo false
  fi
}

say "seq_write: $size_mib MiB in 1 MiB writes + fsync"
reset_peak_rss
rss_before=$(sum_kib VmRSS)
json=$(fio_job seq_write --rw=write --bs=1M --size="${size_mib}M" --end_fsync=1)
rss_peak=$(sum_kib VmHWM)
emit seq_write MiB/s "$(jq '.jobs[0].write.bw_bytes / 1048576' <<<"$json")" higher \
  "$(jq -c --argjson size "$size_mib" '.jobs[0].write | {io_bytes, runtime_ms: .runtime, size_mib: $size, block: "1MiB", end_fsync: true}' <<<"$json")"
if [[ -n $client_pids ]]; then
  emit client_peak_rss_write MiB "$(jq -n "$rss_peak / 1024")" lower \
    "$(jq -cn --argjson before "$rss_before" --arg pids "$client_pids" '{rss_before_mib: ($before / 1024), pids: $pids}')"
fi

say "seq_read: after dropping caches"
cold=$(drop_caches)
json=$(fio_job seq_read --rw=read --bs=1M --size="${size_mib}M")
emit seq_read MiB/s "$(jq '.jobs[0].read.bw_bytes / 1048576' <<<"$json")" higher \
  "$(jq -c --argjson cold "$cold" '.jobs[0].read | {io_bytes, runtime_ms: .runtime, block: "1MiB", cold_cache: $cold}' <<<"$json")"

say "rand_read_4k: ${seconds}s of 4 KiB O_DIRECT reads"
json=$(fio_job rand_read --rw=randread --bs=4k --size="${size_mib}M" --direct=1 --time_based --runtime="$seconds")
emit rand_read_4k IOPS "$(jq '.jobs[0].read.iops' <<<"$json")" higher \
  "$(jq -c '.jobs[0].read | {total_ios, runtime_ms: .runtime, p50_us: (.clat_ns.percentile["50.000000"] / 1000), p99_us: (.clat_ns.percentile["99.000000"] / 1000), direct: true, queue_depth: 1}' <<<"$json")"

say "rand_write_4k: ${seconds}s of 4 KiB O_DIRECT writes + fsync"
json=$(fio_job rand_write --rw=randwrite --bs=4k --size="${size_mib}M" --direct=1 --time_based --runtime="$seconds" --end_fsync=1)
emit rand_write_4k IOPS "$(jq '.jobs[0].write.iops' <<<"$json")" higher \
  "$(jq -c '.jobs[0].write | {total_ios, runtime_ms: .runtime, p50_us: (.clat_ns.percentile["50.000000"] / 1000), p99_us: (.clat_ns.percentile["99.000000"] / 1000), direct: true, queue_depth: 1, end_fsync: true}' <<<"$json")"
rm -f -- "$file"

say "metadata: $files small files, nested tree"
timeout --kill-after=10 "$JOB_TIMEOUT" "$tool" metadata "$work" --files "$files" --drop-caches
