#!/usr/bin/env bash
# gliasim sweep --slurm against a real single-node Slurm started here: installs slurmctld,
# slurmd and munge from Debian if they are missing, starts the daemons in a temporary directory
# with a generated slurm.conf (ports of their own, so a Slurm already running is left alone),
# submits a 6-point sweep as a job array (one point made to fail), polls squeue, checks
# `gliasim sweep --status` and Slurm's own record, resubmits the failed point, checks every
# point's output and the collected table, and stops the daemons.
# Exit status: 0 passed, 1 failed, 77 skipped (Slurm could not be started: the reason is
# printed). See docs/cluster.md, "Testing against a real Slurm".
#   bash sweep_slurm.sh PATH/TO/gliasim
set -u
if [ $# -ne 1 ]; then echo "usage: $0 PATH/TO/gliasim"; exit 2; fi
exe=$(realpath "$1")
fixtures=$(realpath "$(dirname "$0")/../fixtures/sweep")
skip() { echo "SKIPPED: $1"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root to install and start slurmctld/slurmd (running as $(id -un))"
need=()
for cmd in slurmctld slurmd sbatch squeue scontrol sinfo munged; do
  command -v "$cmd" > /dev/null || need+=("$cmd")
done
if ((${#need[@]})); then
  command -v apt-get > /dev/null || skip "no ${need[*]} and no apt-get to install them"
  echo "installing slurmctld slurmd slurm-client munge (missing: ${need[*]})"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      slurmctld slurmd slurm-client munge > /tmp/gliasim_slurm_apt.log 2>&1; then
    tail -5 /tmp/gliasim_slurm_apt.log
    skip "apt-get install slurmctld slurmd slurm-client munge failed (log above)"
  fi
fi

B=$(mktemp -d /tmp/gliasim_slurm.XXXXXX)
mkdir -p "$B"/{etc,state,spool,log,run}
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null; done
  rm -rf "$B"
}
trap cleanup EXIT

# Authentication: a munged already answering is reused; else one is started as the munge user;
# if that fails too, Slurm runs with auth/none (tested on bookworm's Slurm 22.05).
AUTH=munge
if ! munge -n < /dev/null 2> /dev/null | unmunge > /dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    mungekey -c -k /etc/munge/munge.key && chown munge:munge /etc/munge/munge.key &&
      chmod 400 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 755 /run/munge
  setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground \
    2> "$B/log/munged.err" &
  PIDS+=($!)
  for _ in $(seq 50); do
    munge -n < /dev/null 2> /dev/null | unmunge > /dev/null 2>&1 && break
    sleep 0.1
  done
  munge -n < /dev/null 2> /dev/null | unmunge > /dev/null 2>&1 || AUTH=none
fi
echo "authentication: auth/$AUTH"

host=$(hostname -s)
getent hosts "$host" > /dev/null || skip "the host name '$host' does not resolve (add it to /etc/hosts)"
node=$(slurmd -C 2> /dev/null | head -1)
[[ "$node" == NodeName=* ]] || skip "slurmd -C did not describe this node: '$node'"
port=$((20000 + $$ % 20000))
cat > "$B/etc/slurm.conf" << EOF
ClusterName=gliasimtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/$AUTH
CredType=cred/$AUTH
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
StateSaveLocation=$B/state
SlurmdSpoolDir=$B/spool
SlurmctldPidFile=$B/run/slurmctld.pid
SlurmdPidFile=$B/run/slurmd.pid
SlurmctldLogFile=$B/log/slurmctld.log
SlurmdLogFile=$B/log/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$B/log/jobcomp.txt
MinJobAge=300
KillWait=5
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$B/etc/slurm.conf
slurmctld -D > "$B/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D > "$B/log/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 150); do
  [ "$(sinfo -h -o %T 2> /dev/null)" = idle ] && break
  sleep 0.2
done
if [ "$(sinfo -h -o %T 2> /dev/null)" != idle ]; then
  tail -5 "$B/log/slurmctld.log" "$B/log/slurmd.log" 2> /dev/null
  skip "slurmctld/slurmd did not bring node $host to idle within 30 s (logs above)"
fi
echo "Slurm is up: $(sinfo -h -o '%P %D %T %c CPUs')"

passed=0
failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok: $1"; else failed=$((failed + 1)); echo "FAIL: $1  [$2]"; fi; }

{ sed 's/duration = "20 s"/duration = "500 ms"/' "$fixtures/tiny_network.toml"; cat << 'EOF'

[sweep]
seeds = 2
[sweep.grid]
"projections.in_n.weight" = ["8 nS", "10 nS", "12 nS"]
[sweep.slurm]
time = "00:05:00"
cpus_per_task = 1
EOF
} > "$B/sweep.toml"
D=$B/sweep
# wait_for JOB: polls squeue until the job array has left the queue.
wait_for() {
  local t0; t0=$(date +%s.%N)
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$1" 2> /dev/null)" ] && break
    sleep 0.2
  done
  echo "job array $1 left the queue after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s"
}
# Point 4 will fail at run time: its output path is a directory.
bad_id=$("$exe" sweep "$B/sweep.toml" -o "$D" --dry-run | awk 'NR==9{print $1}')
mkdir -p "$D/out/$bad_id.h5"
"$exe" sweep "$B/sweep.toml" -o "$D" --slurm --mem 200M > "$B/submit.log" 2>&1
rc=$?
cat "$B/submit.log"
check "sweep --slurm submits (exit 0)" "[ $rc -eq 0 ] && [ -s '$D/slurm_job_id' ]"
check "the script asks for the array and the resources" "grep -q '^#SBATCH --array=0-5$' '$D/sweep.sbatch' && grep -q '^#SBATCH --mem=200M$' '$D/sweep.sbatch' && grep -q '^#SBATCH --time=00:05:00$' '$D/sweep.sbatch'"
job=$(cat "$D/slurm_job_id" 2> /dev/null)
# While the array is queued or running, --status reads the tasks' states from scontrol.
"$exe" sweep --status "$D" > "$B/early.log" 2>&1
check "--status while the array runs reads scontrol" "grep -q 'states from scontrol show job' '$B/early.log'"
wait_for "$job"
"$exe" sweep --status "$D" > "$B/status.log" 2>&1
rc=$?
cat "$B/status.log"
check "--status: 5 points done, the broken one failed alone (exit 1)" "[ $rc -eq 1 ] && grep -q '^6 points: 5 done, 0 running, 0 pending, 1 failed (Slurm job $job' '$B/status.log' && grep -q '^$bad_id *failed *1 ' '$B/status.log'"
check "Slurm recorded 5 tasks COMPLETED and 1 FAILED" "[ \$(grep -c 'JobState=COMPLETED' '$B/log/jobcomp.txt') -eq 5 ] && [ \$(grep -c 'JobState=FAILED' '$B/log/jobcomp.txt') -eq 1 ]"
# Resubmitting runs the failed point alone.
rmdir "$D/out/$bad_id.h5"
"$exe" sweep "$B/sweep.toml" -o "$D" --slurm > "$B/resubmit.log" 2>&1
check "a resubmission asks for the failed point only" "grep -q '^#SBATCH --array=4$' '$D/sweep.sbatch'"
job2=$(cat "$D/slurm_job_id" 2> /dev/null)
wait_for "$job2"
"$exe" sweep --status "$D" > "$B/status2.log" 2>&1
rc=$?
cat "$B/status2.log"
check "--status: every point done (exit 0)" "[ $rc -eq 0 ] && grep -q '^6 points: 6 done, 0 running, 0 pending, 0 failed (Slurm job $job2)' '$B/status2.log'"
complete=0
for f in "$D"/out/*.h5; do "$exe" info "$f" 2> /dev/null | grep -q "completed *1" && complete=$((complete + 1)); done
check "6 result files, each with the completed-run marker" "[ $complete -eq 6 ]"
check "one status file per point" "[ \$(ls '$D/status' | wc -l) -eq 6 ]"
"$exe" collect "$D" > "$B/table.csv"
check "collect gathers 6 done rows with rates" "[ \$(grep -c ',done,0,' '$B/table.csv') -eq 6 ] && head -1 '$B/table.csv' | grep -q rate_hz.n"
# Resubmitting a finished sweep submits nothing.
"$exe" sweep "$B/sweep.toml" -o "$D" --slurm > "$B/again.log" 2>&1
check "a finished sweep resubmits nothing" "grep -q 'nothing to submit' '$B/again.log'"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
