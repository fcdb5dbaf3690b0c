#!/usr/bin/env bash
# Determinism at scale (issue 14): one scenario at USERS users run with --workers 1, with
# --workers 2, and as two shards merged (`anonsim run --shard I/2` + `anonsim merge`, docs/cluster.md);
# every CSV's SHA-256 must agree across the three. Too slow for the test suite at 10^5 users
# (each run is a large run), so it is a script: prints the hashes, CPU seconds and peak RSS of each
# run, and exits 1 when any CSV differs.
#
# Usage: scripts/determinism-scale.sh [USERS (default 100000)] [SCENARIO (default scenarios/default.yaml)] [PATH=VALUE…]
#   Each PATH=VALUE after the scenario is passed on as `--set PATH=VALUE` (e.g. 'attacks=[identifier,timing]').
#   DETERMINISM_SHARDS=0 skips the shard+merge leg. Needs dist/cli.js (npm ci) and /usr/bin/time.
# Results go to a temp folder, removed on exit (DETERMINISM_KEEP=1 keeps it and prints its path).
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-100000}
SCENARIO=${2:-scenarios/default.yaml}
TMP=$(mktemp -d -t anonsim-determinism-XXXX)
if [[ ${DETERMINISM_KEEP:-0} == 1 ]]; then trap 'echo "kept $TMP"' EXIT; else trap 'rm -rf "$TMP"' EXIT; fi
[[ -f dist/cli.js ]] || { echo "dist/cli.js is missing: run npm ci (or npm run build) first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found (Debian: apt-get install time)" >&2; exit 2; }

# Runs `node dist/cli.js ARGS…` under /usr/bin/time and prints "<label>: CPU s, peak RSS MB, wall s".
timed() {
  local label=$1
  shift
  if ! /usr/bin/time -f "%U %S %M %e" -o "$TMP/$label.time" node dist/cli.js "$@" >"$TMP/$label.out" 2>"$TMP/$label.err"; then
    echo "$label failed:" >&2
    tail -5 "$TMP/$label.err" >&2
    exit 1
  fi
  read -r user sys rss wall <"$TMP/$label.time"
  awk -v l="$label" -v u="$user" -v s="$sys" -v r="$rss" -v w="$wall" \
    'BEGIN { printf "%-10s CPU %7.1f s  peak RSS %6.0f MB  wall %7.1f s\n", l, u + s, r / 1024, w }'
}

echo "anonsim run $SCENARIO --set workload.users=$USERS ${*:3} ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
SET=(--set "workload.users=$USERS" --quiet)
for extra in "${@:3}"; do SET+=(--set "$extra"); done
timed workers-1 run "$SCENARIO" -o "$TMP/w1" --workers 1 "${SET[@]}"
timed workers-2 run "$SCENARIO" -o "$TMP/w2" --workers 2 "${SET[@]}"
legs=(w1 w2)
if [[ ${DETERMINISM_SHARDS:-1} != 0 ]]; then
  timed shard-0 run "$SCENARIO" -o "$TMP/s" --shard 0/2 --workers 1 "${SET[@]}"
  timed shard-1 run "$SCENARIO" -o "$TMP/s" --shard 1/2 --workers 1 "${SET[@]}"
  timed merge merge "$TMP/s" -o "$TMP/merged"
  legs+=(merged)
fi

status=0
for f in "$TMP"/w1/*.csv; do
  name=$(basename "$f")
  ref=$(sha256sum "$f" | cut -d' ' -f1)
  line="$name ${ref:0:16}"
  for leg in "${legs[@]:1}"; do
    h=$(sha256sum "$TMP/$leg/$name" 2>/dev/null | cut -d' ' -f1 || true)
    if [[ $h == "$ref" ]]; then line+="  $leg same"; else
      line+="  $leg DIFFERS"
      status=1
    fi
  done
  echo "$line"
done
((status == 0)) && echo "all CSVs byte-identical across ${legs[*]}" || echo "CSVs differ" >&2
exit $status
