#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# smmu-sweep on Slurm (issue 15): starts a private single-node Slurm from Debian's packages (munged, slurmctld and
# slurmd on 127.0.0.1 with their own ports, key, state and logs in a temporary directory), runs a 12-point sweep as
# a job array and checks its merged CSV against a local --jobs 2 run point for point; then cancels one array task
# mid-run, resubmits, and checks that only the points that task had not finished ran again. Every daemon is stopped
# at exit, failed or not. Exit 77 (ctest SKIP) only when the packages cannot be installed or slurmd cannot run.
# usage: slurm_sweep_test.sh SMMU_SWEEP SMMU_SIM SOURCE_DIR
set -euo pipefail
sweep=$1 sim=$2 src=$3
export PATH=$PATH:/usr/sbin:/sbin
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
[ -x "$sweep" ] && [ -x "$sim" ] || fail "$sweep or $sim is not built"

tools=(sbatch squeue scancel sinfo slurmctld slurmd munged mungekey)
have_tools() { for t in "${tools[@]}"; do command -v "$t" >/dev/null || return 1; done; }
if ! have_tools; then
  # scripts/deps.sh --test (./test.sh) installs these too; a bare `ctest` gets them here.
  [ "$(id -u)" -eq 0 ] || skip "Slurm (slurm-wlm, munge) is not installed and installing it needs root"
  echo "installing slurm-wlm and munge from Debian"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends slurm-wlm munge ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge; }; } >/dev/null 2>&1 || true
  have_tools || skip "Debian's slurm-wlm and munge packages cannot be installed here (apt-get failed)"
fi
# slurmd launches the array's tasks as their owner, which needs root (SlurmdUser=root).
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start the array's tasks"

T=$(mktemp -d /tmp/smmu-slurm-XXXXXX)
chmod 755 "$T"   # munged wants its socket's directory searchable by all
pids=()
export SLURM_CONF=$T/slurm.conf
cleanup() {
  local rc=$?
  set +e
  if [ -f "$T/slurm.conf" ] && [ ${#pids[@]} -gt 1 ]; then
    scancel --quiet --user "$(id -un)" 2>/dev/null
    for _ in $(seq 50); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.1; done
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  [ -n "${watchdog:-}" ] && kill "$watchdog" 2>/dev/null && wait "$watchdog" 2>/dev/null
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done
  fi
  rm -rf "$T"
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Two free TCP ports next to each other on 127.0.0.1 (something answering means taken).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
  port=$((20000 + RANDOM % 40000))
  port_free $port && port_free $((port + 1)) && break
done

mungekey --create --keyfile="$T/munge.key" || fail "mungekey"
munged -F --socket="$T/munge.sock" --key-file="$T/munge.key" --log-file="$T/munged.log" --pid-file="$T/munged.pid" \
  --seed-file="$T/munged.seed" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$T/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge.sock" ] || fail "munged did not start"

host=$(hostname -s)
mkdir -p "$T/state" "$T/spool"
: >"$T/plugstack.conf"
# proctrack/linuxproc, task/none and no accounting: no cgroups, so it runs inside a container.
cat >"$SLURM_CONF" <<EOF
ClusterName=smmutest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
PlugStackConfig=$T/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
KillWait=2
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -c -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$T/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 150); do [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break; sleep 0.2; done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || fail "the Slurm node did not come up idle: $(sinfo 2>&1)"
# Should this script be killed outright (SIGKILL: no trap runs, e.g. a ctest timeout), the daemons go with it.
( while kill -0 $$ 2>/dev/null; do sleep 1; done; kill "${pids[@]}" 2>/dev/null ) >/dev/null 2>&1 &
watchdog=$!
echo "Slurm up on 127.0.0.1:$port ($T)"

# 2 page sizes x 3 queue depths x 2 invalidation modes of the NIC ring, 5 ms each (0.1 to 0.5 s of wall time).
spec=$T/nic.yaml
cat >"$spec" <<EOF
scenario: $src/configs/scenarios/nic-rx-4k.yaml
grid:
  devices[nic0].mappings[1].page_size: [4K, 2M]
  devices[nic0].traffic.outstanding: [4, 8, 16]
  driver.invalidation: [strict, lazy]
set:
  run.duration: 5ms
  report.plots: false
metrics: [tlb_hit_rate, walks, mean_latency_ns, p99_latency_ns, nic0.transactions, driver.syncs, simulated_ns, wall_s]
EOF

wait_job() {   # until no task of array $1 is pending or running (at most 120 s)
  for _ in $(seq 1200); do [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0; sleep 0.1; done
  fail "job $1 did not finish: $(squeue 2>&1)"
}
submit() {   # prints the job id smmu-sweep --slurm printed last
  local out
  out=$("$sweep" "$spec" --out "$1" --slurm --shards 4 --max-parallel 2) || fail "smmu-sweep --slurm: $out"
  echo "$out" >&2
  local id=${out##*$'\n'}
  [[ $id =~ ^[0-9]+$ ]] || fail "no job id from smmu-sweep --slurm: $out"
  echo "$id"
}
# The CSV without wall_s, the only wall-clock field (the simulation's figures are deterministic).
no_wall() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i } { s = ""; for (i = 1; i <= NF; i++) if (i != w) s = s (s == "" ? "" : ",") $i; print s }' "$1"; }
same_csv() {
  [ "$(wc -l <"$1")" -eq 13 ] || fail "$1: $(wc -l <"$1") lines, expected a header and 12 points"
  diff <(no_wall "$1") <(no_wall "$T/local/sweep.csv") || fail "$1 differs from the local run's CSV (wall_s excluded)"
}

"$sweep" "$spec" --out "$T/local" --jobs 2 >"$T/local.log" 2>&1 || fail "local run: $(cat "$T/local.log")"

# 1. The whole sweep as a job array of 4 tasks, 2 at a time.
id=$(submit "$T/a")
grep -q -- '^#SBATCH --array=1-4%2$' "$T/a/slurm/sweep.sbatch" || fail "no --array=1-4%2 in the batch script"
wait_job "$id"
st=$("$sweep" "$spec" --out "$T/a" --status)
[[ $st == *"12 points in $T/a: 12 done, 0 running, 0 failed, 0 missing" ]] || fail "--status after the array: $st"
"$sweep" "$spec" --out "$T/a" --collect >"$T/collect-a.log" 2>&1 || fail "--collect: $(cat "$T/collect-a.log")"
same_csv "$T/a/sweep.csv"
ls "$T"/a/sweep-shard-* >/dev/null 2>&1 && fail "an array task wrote a shard CSV (tasks run with --no-collect)"
for p in $(seq 0 11); do   # task i ran shard i/4: points i-1, i+3, i+7
  grep -qx "job ${id}_$((p % 4 + 1))" "$T/a/point-$(printf %04d "$p")/done" || fail "point $p was not run by task ${id}_$((p % 4 + 1))"
done
echo "array $id: 12 points, merged CSV equals the local --jobs 2 run (wall_s excluded)"
# A claim left by a node that died (another host, its array task gone from the queue) is not a running point.
rm "$T/a/point-0000/done"
printf 'host node-that-died\npid 1\njob %s_1\n' "$id" >"$T/a/point-0000/running"
st=$("$sweep" "$spec" --out "$T/a" --status)
[[ $st == *": 11 done, 0 running, 1 failed, 0 missing" ]] || fail "--status with a dead node's claim: $st"

# 2. Task 1 (points 0, 4, 8) cancelled while it runs point 4; the array finishes the other tasks.
id=$(submit "$T/b")
# log.txt appears once smmu-sim's process exists; a moment later it has its signal handlers.
for _ in $(seq 1500); do [ -f "$T/b/point-0004/log.txt" ] && break; sleep 0.02; done
[ -f "$T/b/point-0004/log.txt" ] || fail "task ${id}_1 never started point 4"
sleep 0.05
scancel "${id}_1"
wait_job "$id"
grep -q "CANCELLED" "$T/b/slurm/task-${id}_1.log" || fail "task ${id}_1 was not cancelled: $(cat "$T/b/slurm/task-${id}_1.log")"
before=() redo=()
for p in $(seq 0 11); do
  d=$T/b/point-$(printf %04d "$p")
  if [ -f "$d/done" ]; then before+=("$p"); else redo+=("$p"); fi
done
[ ${#redo[@]} -ge 1 ] || fail "the cancel came too late: every point finished"
[ -f "$T/b/point-0004/command.txt" ] && [ ! -f "$T/b/point-0004/done" ] || fail "point 4 is not a partial point"
st=$("$sweep" "$spec" --out "$T/b" --status)
[[ $st == *": ${#before[@]} done, 0 running, "* ]] || fail "--status after the cancel: $st"
if "$sweep" "$spec" --out "$T/b" --collect >"$T/collect-b1.log" 2>&1; then fail "--collect exited 0 with points missing"; fi
grep -q "point 4: interrupted: started but no completion marker, log $T/b/point-0004/log.txt" "$T/collect-b1.log" ||
  fail "--collect did not list point 4 with its log: $(cat "$T/collect-b1.log")"
snap() { for p in "${before[@]}"; do d=$T/b/point-$(printf %04d "$p"); echo "$p $(cat "$d/done" | tr '\n' ' ') $(stat -c %y "$d/log.txt" "$d/command.txt" "$d/report.json" | tr '\n' ' ')"; done; }
snap >"$T/before.txt"

# 3. Resubmitted: only the points without a marker run again, the finished ones are untouched.
id2=$(submit "$T/b")
wait_job "$id2"
snap >"$T/after.txt"
diff "$T/before.txt" "$T/after.txt" || fail "a point finished before the resubmission was run again"
for p in "${redo[@]}"; do
  grep -q "^job ${id2}_" "$T/b/point-$(printf %04d "$p")/done" || fail "point $p was not rerun by array $id2"
done
reran=$(grep -l "^job ${id2}_" "$T"/b/point-*/done | wc -l)
[ "$reran" -eq ${#redo[@]} ] || fail "$reran points ran again, expected ${#redo[@]} (${redo[*]})"
skipped=$(cat "$T"/b/slurm/task-"${id2}"_*.log | grep -c "done earlier, skipped" || true)
[ "$skipped" -eq ${#before[@]} ] || fail "$skipped points skipped by array $id2, expected ${#before[@]}"
"$sweep" "$spec" --out "$T/b" --collect >"$T/collect-b2.log" 2>&1 || fail "--collect after the resubmission: $(cat "$T/collect-b2.log")"
same_csv "$T/b/sweep.csv"
echo "array $id: task 1 cancelled, points ${redo[*]} unfinished; array $id2 reran exactly those, skipped ${#before[@]}"
echo PASS
