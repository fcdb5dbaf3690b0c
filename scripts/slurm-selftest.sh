#!/usr/bin/env bash
# Self-test of the Slurm recipe in docs/cluster.md under a real scheduler (`npm run test:slurm`).
#
# Starts a private one-node Slurm cluster (munged, slurmctld, slurmd; every file under one temp
# folder, free ports, its own munge socket and key, so a Slurm or munge already on the machine is
# neither used nor disturbed), then, from the repository root:
#   1. submits the array job and the dependent merge job with the command lines of
#      docs/cluster.md (checked to be there verbatim; only scenario and results folder differ),
#      waits for both and compares every merged CSV, timelines.json and report.html byte for
#      byte with one `anonsim run` of the same scenario;
#   2. plays a task that died after finishing some of its jobs (one job file of shard 1 removed),
#      re-submits only that task with the documented re-run line, checks that it resumed (kept the
#      other job files untouched, ran the missing one), submits the merge line again and compares
#      again.
# Every daemon it started is stopped and the temp folder removed on any exit (trap), and the
# job logs it made in the repository root (anonsim-*.out) are moved out first.
#
# Needs: Linux, root (slurmd starts each job as its submitting user), and Debian's slurm-wlm and
# munge packages. Exit 0: passed; 1: failed (logs printed); 77: cannot be set up here (why printed).
# SLURM_SELFTEST_TIMEOUT (seconds, default 300) bounds each wait for jobs.
# The documented command lines are kept unexpanded in single quotes and evaluated as written, like
# a user's shell would; N, CPUS, MEM and I are read only by them:
# shellcheck disable=SC2016,SC2034
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PATH=$PATH:/usr/sbin:/sbin # the daemons live there; a non-login root shell may lack it

say() { printf 'slurm-selftest: %s\n' "$*"; }
cannot() {
  say "cannot run here: $*" >&2
  exit 77
}
PASSED=0
pass() {
  PASSED=$((PASSED + 1))
  say "ok $PASSED - $*"
}
fail() {
  say "FAILED: $*" >&2
  exit 1
}

# --- What the machine must have ------------------------------------------------------------------
[[ $(uname -s) == Linux ]] || cannot "Slurm's daemons run on Linux only (this is $(uname -s))"
[[ $(id -u) == 0 ]] || cannot "must run as root: slurmd starts every job as its submitting user, which only root can do"
missing=()
for b in munged munge slurmctld slurmd sbatch squeue scontrol sinfo scancel node; do
  command -v "$b" >/dev/null 2>&1 || missing+=("$b")
done
if ((${#missing[@]} > 0)); then
  cannot "${missing[*]} not found; on Debian/Ubuntu: apt-get install -y slurm-wlm munge (node: Node.js ≥ 20)"
fi
[[ -f dist/cli.js ]] || cannot "dist/cli.js is missing: run npm ci (or npm run build) first"

# The documented command lines (docs/cluster.md, Slurm recipe), run as written: only the scenario
# and results folder are replaced by this test's, and N, CPUS, MEM, I are set for a small node.
DOC_ARRAY='jid=$(sbatch --parsable --array=0-$((N-1)) --cpus-per-task=$CPUS --mem=$MEM docs/cluster/slurm.sbatch scenarios/large.yaml results/large)'
DOC_MERGE='sbatch --dependency=afterok:$jid --output=anonsim-merge-%j.out docs/cluster/slurm.sbatch scenarios/large.yaml results/large'
DOC_RERUN='jid=$(sbatch --parsable --array=$I --export=ALL,SHARDS=$N --cpus-per-task=$CPUS --mem=$MEM docs/cluster/slurm.sbatch scenarios/large.yaml results/large)'
for line in "$DOC_ARRAY" "$DOC_MERGE" "$DOC_RERUN"; do
  for doc in docs/cluster.md docs/cluster/slurm.sbatch; do
    grep -qF -- "$line" "$doc" || fail "$doc no longer has the line this test runs (update both): $line"
  done
done

# --- Private cluster state -------------------------------------------------------------------------
T=$(mktemp -d /tmp/anonsim-slurm.XXXXXX)
chmod 755 "$T" # munged requires every directory above its socket to be searchable by all
mkdir -p "$T/munge" "$T/run" "$T/state" "$T/spool" "$T/log" "$T/joblogs"
chmod 700 "$T/munge"
PIDS=()     # daemons started here, stopped in this order reversed
JOBIDS=()   # jobs submitted here
LOGGLOB=()  # job log names in the repository root, e.g. anonsim-12_*.out

collect_job_logs() {
  local g f
  for g in "${LOGGLOB[@]}"; do
    for f in $g; do [[ -e $f ]] && mv -f -- "$f" "$T/joblogs/"; done
  done
  return 0
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if ((${#JOBIDS[@]} > 0)) && [[ -n ${SLURM_CONF:-} ]]; then
    scancel "${JOBIDS[@]}" 2>/dev/null
    for _ in $(seq 1 30); do
      [[ -z $(squeue -h -j "$(IFS=,; echo "${JOBIDS[*]}")" 2>/dev/null) ]] && break
      sleep 0.5
    done
  fi
  cd "$ROOT" && collect_job_logs
  if ((rc == 130 || rc == 143)); then
    say "interrupted: jobs cancelled, daemons stopped, temp state removed" >&2
  elif ((rc != 0 && rc != 77)); then
    say "diagnostics (state in $T, removed below):" >&2
    for f in "$T"/joblogs/* "$T"/log/*; do
      [[ -s $f ]] || continue
      # A daemon's stderr (*.out) repeats its log file; it matters only when the log is empty.
      [[ $f == *.out && $f == "$T"/log/* && -s ${f%.out}.log ]] && continue
      printf -- '--- %s (last 30 lines)\n' "${f#"$T"/}" >&2
      tail -n 30 "$f" >&2
    done
  fi
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$T"
  if ((rc == 0)); then
    say "$PASSED passed, 0 failed"
  elif ((rc == 1)); then
    say "$PASSED passed, 1 failed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A test run inside a Slurm job must not hand its own job's variables to this cluster's jobs.
while IFS= read -r v; do unset "$v"; done < <(env | grep -oE '^(SLURM|SBATCH)_[A-Z0-9_]*')

start_t=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# munge: its own key and socket (the socket's folder must be world-searchable, the key's not).
head -c 1024 /dev/urandom >"$T/munge/munge.key"
chmod 400 "$T/munge/munge.key"
MUNGE_SOCKET=$T/run/munge.sock
munged --foreground --socket="$MUNGE_SOCKET" --key-file="$T/munge/munge.key" \
  --pid-file="$T/run/munged.pid" --seed-file="$T/munge/seed" >"$T/log/munged.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 40); do
  munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1 && break
  kill -0 "${PIDS[0]}" 2>/dev/null || fail "munged exited at start (log below)"
  sleep 0.25
done
munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET" >/dev/null || fail "munged does not answer on $MUNGE_SOCKET"

# Two free TCP ports for slurmctld and slurmd (a Slurm already on 6817/6818 is left alone).
read -r CTLD_PORT SLURMD_PORT < <(node -e '
const net = require("net");
const a = net.createServer().listen(0, "127.0.0.1", () => {
  const b = net.createServer().listen(0, "127.0.0.1", () => {
    console.log(a.address().port, b.address().port); a.close(); b.close();
  });
});')

# One node as slurmd itself sees it (NodeName = short hostname, CPUs, sockets, cores, memory).
NODE_LINE=$(slurmd -C | head -n 1)
[[ $NODE_LINE =~ ^NodeName=([^ ]+).*\ CPUs=([0-9]+).*RealMemory=([0-9]+) ]] ||
  cannot "slurmd -C did not describe this node: $NODE_LINE"
NODE=${BASH_REMATCH[1]}
NODE_CPUS=${BASH_REMATCH[2]}
NODE_MEM_MB=${BASH_REMATCH[3]}
# Job ids far from 1, so the job logs written in the repository root (anonsim-<id>_<task>.out)
# cannot overwrite logs of a real cluster run kept there.
FIRST_JOB_ID=$((40000000 + RANDOM * 500))

export SLURM_CONF=$T/slurm.conf
: >"$T/plugstack.conf"
cat >"$SLURM_CONF" <<EOF
# Private one-node cluster of scripts/slurm-selftest.sh; everything lives under $T.
ClusterName=anonsim-selftest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
PlugStackConfig=$T/plugstack.conf
MailProg=/bin/true
FirstJobId=$FIRST_JOB_ID
# No cgroups, accounting or MPI: plain processes, which every machine (and container) has.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
$NODE_LINE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=selftest Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -f "$SLURM_CONF" >"$T/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$NODE" >"$T/log/slurmd.out" 2>&1 &
PIDS+=($!)
state=''
for _ in $(seq 1 120); do
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || fail "a Slurm daemon exited at start (logs below)"; done
  state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
  [[ $state == idle ]] && break
  sleep 0.25
done
[[ $state == idle ]] || fail "node $NODE did not become idle within 30 s (state: '${state:-no answer from slurmctld}'; $(sinfo -h -R 2>/dev/null))"
pass "one-node Slurm $(sinfo -V | cut -d' ' -f2) up: node $NODE, $NODE_CPUS CPUs, ${NODE_MEM_MB} MB, in $(since "$start_t") s"

# --- The scenario: small (16 jobs, a few seconds), every design, every adversary and attack -------
SCENARIO=$T/selftest.yaml
cat >"$SCENARIO" <<'EOF'
name: slurm-selftest
seed: 7
replicates: 2
duration: 10min
warmup: 1min
workload:
  users: 60
  contacts: 4
  rate: 1/5min
  groups: { count: 4, size: 4, rate: 1/h }
designs:
  - design: signal
  - design: session
  - design: simplex
  - design: matrix
adversaries:
  - kind: single
    target: server
  - kind: colluding
    fraction: 0.1
  - kind: global-passive
sweep:
  workload.rate: [1/5min, 1/2min]
EOF
RESULTS=$T/results
COMPARED=(summary.csv aggregate.csv exposure.csv pairs.csv ttfd.csv timelines.json report.html)

t=$(date +%s.%N)
node dist/cli.js run "$SCENARIO" -o "$T/single" --quiet --workers 2 || fail "anonsim run of the scenario failed"
single_s=$(since "$t")
say "single run (anonsim run --workers 2): $single_s s"

# Runs a documented line with this test's scenario and results folder.
doc() {
  local cmd=${1//scenarios\/large.yaml/$SCENARIO}
  eval "${cmd//results\/large/$RESULTS}"
}

# Waits until none of the given jobs is queued or running; fails after the timeout.
wait_jobs() {
  local ids=$1 limit=${SLURM_SELFTEST_TIMEOUT:-300} t0 left
  t0=$(date +%s)
  while :; do
    left=$(squeue -h -j "$ids" -o '%i %T %r' 2>/dev/null || true)
    [[ -z $left ]] && return 0
    if (($(date +%s) - t0 > limit)); then
      say "still queued after ${limit} s:" >&2
      printf '%s\n' "$left" >&2
      fail "jobs $ids did not finish in time (SLURM_SELFTEST_TIMEOUT=$limit)"
    fi
    sleep 0.5
  done
}

# Prints state, exit code, start and end time of every job (array task) of the given job ids and
# fails unless each is COMPLETED with exit code 0:0.
check_jobs() {
  local line id task state code run start end bad=0
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    id='?' task=- state='?' code='?' run='?' start='?' end='?'
    [[ $line =~ ^JobId=([0-9]+) ]] && id=${BASH_REMATCH[1]}
    [[ $line =~ ArrayTaskId=([0-9]+) ]] && task=${BASH_REMATCH[1]}
    [[ $line =~ JobState=([A-Z_]+) ]] && state=${BASH_REMATCH[1]}
    [[ $line =~ ExitCode=([0-9:]+) ]] && code=${BASH_REMATCH[1]}
    [[ $line =~ RunTime=([0-9:-]+) ]] && run=${BASH_REMATCH[1]}
    [[ $line =~ StartTime=[0-9-]+T([0-9:]+) ]] && start=${BASH_REMATCH[1]}
    [[ $line =~ EndTime=[0-9-]+T([0-9:]+) ]] && end=${BASH_REMATCH[1]}
    say "  job $id task $task: $state, exit $code, ran $start–$end ($run)"
    [[ $state == COMPLETED && $code == 0:0 ]] || bad=1
  done < <(for id in "$@"; do scontrol -o show job "$id"; done)
  ((bad == 0)) || fail "a job did not complete (states above; job logs below)"
}

compare() {
  local f
  for f in "${COMPARED[@]}"; do
    [[ -f $RESULTS/$f ]] || fail "the merge did not write $f"
    cmp -- "$T/single/$f" "$RESULTS/$f" || fail "$f of the Slurm run differs from the single run"
  done
}

# Submits a documented array line, then the documented merge line; waits for both and checks that
# every task and the merge completed. Sets jid, mid, array_s (submission → last task) and both_s
# (submission → merged), and moves the job logs into $T/joblogs.
submit_round() {
  local t0 merge_out
  t0=$(date +%s.%N)
  doc "$1"
  JOBIDS+=("$jid")
  LOGGLOB+=("anonsim-${jid}_*.out")
  merge_out=$(doc "$DOC_MERGE")
  [[ $merge_out =~ ^Submitted\ batch\ job\ ([0-9]+)$ ]] || fail "unexpected sbatch answer: $merge_out"
  mid=${BASH_REMATCH[1]}
  JOBIDS+=("$mid")
  LOGGLOB+=("anonsim-merge-${mid}.out")
  say "submitted array job $jid and merge job $mid (afterok:$jid)"
  wait_jobs "$jid"
  array_s=$(since "$t0")
  collect_job_logs
  check_jobs "$jid" # a failed task leaves the merge pending forever (DependencyNeverSatisfied)
  wait_jobs "$mid"
  both_s=$(since "$t0")
  collect_job_logs
  check_jobs "$mid"
}

# --- 1. The documented array job and dependent merge job ------------------------------------------
N=3    # shards: coprime to the 4 designs, so every shard gets several designs
CPUS=1 # one core per task: a 2-core node runs two tasks at once and queues the third
MEM=1G
submit_round "$DOC_ARRAY"
for ((i = 0; i < N; i++)); do
  grep -qx "anonsim: running shard $i/$N (from SLURM_ARRAY_TASK_ID)" "$T/joblogs/anonsim-${jid}_$i.out" ||
    fail "task $i's log does not say it ran shard $i/$N from SLURM_ARRAY_TASK_ID"
done
pass "array job: $N tasks completed, each ran its shard from SLURM_ARRAY_TASK_ID (submit → last task: $array_s s)"
first_array_s=$array_s first_both_s=$both_s
compare
[[ $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).merged.shards.length)' "$RESULTS/manifest.json") == "$N" ]] ||
  fail "manifest.json of the merge does not list $N shards"
pass "merge job completed; ${COMPARED[*]} byte-identical to the single run (submit → merged: $both_s s)"

# --- 2. A task died after some of its jobs: re-run only it, merge again ---------------------------
I=1
shard_dir=$RESULTS/shards/$I
mapfile -t kept < <(cd "$shard_dir/.jobs" && printf '%s\n' *.json | sort -n)
((${#kept[@]} >= 2)) || fail "shard $I has ${#kept[@]} job files; the test needs at least 2"
lost=${kept[-1]}
unset 'kept[-1]'
rm -- "$shard_dir/.jobs/$lost"
say "removed job file $lost of shard $I (a task that died after finishing ${#kept[@]} jobs)"
before=$(cd "$shard_dir/.jobs" && stat -c '%n %i %y' "${kept[@]}")
for f in "${COMPARED[@]}"; do rm -f -- "$RESULTS/$f"; done
submit_round "$DOC_RERUN"
log=$T/joblogs/anonsim-${jid}_$I.out
grep -qx "anonsim: running shard $I/$N (from SLURM_ARRAY_TASK_ID)" "$log" ||
  fail "the re-run task's log does not say it ran shard $I/$N"
grep -qx "anonsim: resuming: ${#kept[@]} of $((${#kept[@]} + 1)) jobs already finished" "$log" ||
  fail "the re-run task did not resume ${#kept[@]} finished jobs (its log: $(tr '\n' ' ' <"$log"))"
[[ -f $shard_dir/.jobs/$lost ]] || fail "the re-run did not write the missing job file $lost"
[[ $(cd "$shard_dir/.jobs" && stat -c '%n %i %y' "${kept[@]}") == "$before" ]] ||
  fail "the re-run rewrote job files it should have kept"
pass "re-run of task $I alone: resumed ${#kept[@]} finished jobs untouched, ran the missing one"
compare
pass "merge after the re-run: byte-identical again (re-submit → merged: $both_s s)"

say "timings: setup+single run+2 Slurm rounds $(since "$start_t") s; single run $single_s s; array $first_array_s s, array+merge $first_both_s s; re-run+merge $both_s s"
