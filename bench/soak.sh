#!/usr/bin/env bash
# bench/soak.sh: the soak. A real local cluster (meta and 4 data servers, R = 3) and 4 quorum clients (Qr = Qw = 2)
# running a mixed workload (create, write, truncate, read-and-compare, rename, link, unlink, mkdir, rmdir) while
# random faults come and go one at a time: kill -9 of a data server (restarted with its data or empty), crash and
# restore, a corrupted replica, latency, a full disk, a cut-off (reset or silent), kill -9 of the metadata server.
# Then every fault ends, the cluster heals, and everything is checked: every acknowledged operation, every byte,
# the namespace (fsck-style, through the REST API, and in SQL), every replica's digest, and the garbage.
#
#   bench/soak.sh [--minutes M] [--seed S] [--report DIR]
#
#   --minutes M   length of the workload (default 10; fractions allowed, e.g. 0.5)
#   --seed S      seed of the workload and the faults (default 1)
#   --report DIR  where report.md, report.json and faults.log go (default bench/results/soak-<UTC time>)
#
# Prints the report; exits 0 only with zero wrong bytes served, zero acknowledged operations lost and a consistent,
# healed cluster at the end. The work is the explicit test ReplicaFs.Api.Tests.Soak.SoakTests, which the default
# test run (./replicafs test) does not run. REPLICAFS_CONFIGURATION (default Release) picks the build.

set -Eeuo pipefail

BENCH_DIR=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd -P)
readonly BENCH_DIR
readonly REPO_ROOT="${BENCH_DIR%/bench}"
readonly CONFIGURATION="${REPLICAFS_CONFIGURATION:-Release}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

die() {
  printf 'soak: error: %s\n' "$*" >&2
  exit 2
}

minutes=10
seed=1
report=""
while (($# > 0)); do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a value}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
    --report) report="${2:?--report needs a value}"; shift 2 ;;
    -h | --help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--minutes must be a number of minutes, e.g. 10 or 0.5"
[[ "$seed" =~ ^[0-9]+$ ]] || die "--seed must be a whole number"
command -v dotnet >/dev/null || die "the .NET 10 SDK is needed (dotnet not found)"
report="${report:-$BENCH_DIR/results/soak-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$report"
report=$(cd -- "$report" && pwd -P)

# The whole run is bounded: the workload, then at most 5 minutes of healing, 3 of garbage collection, and slack.
limit=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 1500 }')

printf 'soak: building tests/Api.Tests (%s)\n' "$CONFIGURATION" >&2
timeout 1800 dotnet build "$REPO_ROOT/tests/Api.Tests" -c "$CONFIGURATION" --nologo -v quiet >&2

printf 'soak: %s minutes, seed %s, report in %s\n' "$minutes" "$seed" "$report" >&2
status=0
REPLICAFS_SOAK_MINUTES="$minutes" REPLICAFS_SOAK_SEED="$seed" REPLICAFS_SOAK_REPORT="$report" \
  timeout --kill-after=30 "$limit" \
  dotnet test --project "$REPO_ROOT/tests/Api.Tests" -c "$CONFIGURATION" --no-build \
  --filter-class 'ReplicaFs.Api.Tests.Soak.SoakTests' --explicit only --output detailed \
  >"$report/test.log" 2>&1 || status=$?

if [[ -f "$report/report.md" ]]; then
  cat "$report/report.md"
else
  tail -n 60 "$report/test.log" >&2
  printf 'soak: no report was written (exit status %s); see %s/test.log\n' "$status" "$report" >&2
fi

if ((status != 0)); then
  printf 'soak: FAILED (exit status %s); details in %s/test.log\n' "$status" "$report" >&2
else
  printf 'soak: passed\n' >&2
fi
exit "$status"
