#!/usr/bin/env bash
# Checkpoint and resume with the real command (docs/reliability.md): SIGTERM (pre-emption) and
# SIGKILL (a crash after a periodic checkpoint), then `gliasim run --resume`, compared bitwise
# (every dataset outside /metadata) with an uninterrupted run, for COBA, a tripartite network
# and a plastic network at 1 and 2 threads, and a task run (its scores); and the refusals
# (another experiment, another thread count, a damaged checkpoint), each with status and message.
# A stopped run's file is <output>.partial; --resume continues it and renames it over the output
# when the run completes. Signals are sent once a checkpoint file exists (polled, never timed).
#   bash checkpoint.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 2 ]; then echo "usage: $0 PATH/TO/gliasim REPOSITORY_ROOT"; exit 2; fi
exe=$(realpath "$1")
root=$(realpath "$2")
py=/usr/bin/python3

work=$(mktemp -d)
pids=()
cleanup() {
  [ "$BASHPID" = "$$" ] || return # a background job's shell inherits the trap
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

# pass, fail, run_cmd, expect_rc, expect_in, same
source "$here/helpers.sh"
if ! "$py" -c 'import h5py' 2>/dev/null; then
  echo "FAIL: h5py is missing (scripts/install_deps.sh installs python3-h5py)"; exit 1
fi

# wait_for FILE PID: until FILE exists (the first periodic checkpoint) or PID ends (at most
# 300 s: generous for a loaded machine).
wait_for() {
  for _ in $(seq 1 15000); do
    [ -e "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# trial NAME FILE DURATION EVERY THREADS SIGNAL [--set ...]: the uninterrupted run, then a run
# with periodic checkpoints that gets SIGNAL once its first checkpoint exists, resumed and
# compared. DURATION "-" keeps the file's (a task's stream sets it).
trial() {
  local name=$1 file=$2 duration=$3 every=$4 threads=$5 sig=$6
  shift 6
  local set=(--threads "$threads" "$@")
  [ "$duration" = - ] || set+=(--set "simulation.duration=\"$duration\"")
  "$exe" run "$file" -o "$name.ref.h5" -q "${set[@]}" || { fail "$name: reference run"; return; }
  "$exe" run "$file" -o "$name.h5" -q "${set[@]}" --checkpoint-every "$every" 2>"$name.err" &
  local pid=$!
  pids+=("$pid")
  if ! wait_for "$name.h5.ckpt" "$pid"; then
    wait "$pid"
    fail "$name: the run ended before its first checkpoint (make DURATION longer)"
    return
  fi
  kill "-$sig" "$pid"
  wait "$pid"
  local first=$?
  if [ "$sig" = TERM ]; then
    [ $first -eq 3 ] && pass "$name: SIGTERM stops with status 3" ||
      fail "$name: SIGTERM gave status $first"
    expect_in "$name: says how to continue" "$(cat "$name.err")" \
      "checkpoint written; continue with: gliasim run --resume $name.h5.ckpt"
  else
    [ $first -eq 137 ] && pass "$name: killed" || fail "$name: SIGKILL gave status $first"
  fi
  [ ! -e "$name.h5" ] && [ -e "$name.h5.partial" ] &&
    pass "$name: the stopped run is in $name.h5.partial, no $name.h5 yet" ||
    fail "$name: expected $name.h5.partial and no $name.h5"
  run_cmd run --resume "$name.h5.ckpt" -q
  expect_rc "$name: resume" 0
  expect_in "$name: resumed output equals the uninterrupted run" "$(same "$name.ref.h5" "$name.h5")" \
    '^same$'
  local completed
  completed=$("$py" -c "import h5py; print(h5py.File('$name.h5')['metadata'].attrs['completed'])")
  [ "$completed" = 1 ] && pass "$name: completed = 1" || fail "$name: completed = $completed"
  [ -e "$name.h5.ckpt" ] && fail "$name: checkpoint left after completion" ||
    pass "$name: checkpoint removed after completion"
  [ -e "$name.h5.partial" ] && fail "$name: partial file left after completion" ||
    pass "$name: partial file renamed over the output"
}

for threads in 1 2; do
  trial "coba_term_t$threads" "$root/experiments/coba.toml" "6 s" "100 ms" "$threads" TERM
  trial "coba_kill_t$threads" "$root/experiments/coba.toml" "6 s" "100 ms" "$threads" KILL
  trial "sic_term_t$threads" "$root/experiments/coba_sic.toml" "6 s" "100 ms" "$threads" TERM
  trial "stdp_kill_t$threads" "$root/experiments/coba_stdp.toml" "6 s" "100 ms" "$threads" KILL
done

# A task run: the readout's item states are in the checkpoint, and the scores come out the same.
trial "task_term_t2" "$root/experiments/tasks/memory_capacity.toml" - "200 ms" 2 TERM \
  --set task.washout=20 --set task.train=300 --set task.validation=50 --set task.test=100 \
  --set task.max_delay=10

# --- refusals ---------------------------------------------------------------------------------
coba="$root/experiments/coba.toml"
"$exe" run "$coba" -o stop.h5 -q --set 'simulation.duration="6 s"' --checkpoint-every "100 ms" &
pid=$!
pids+=("$pid")
wait_for stop.h5.ckpt "$pid" && kill -TERM "$pid"
wait "$pid"
cp stop.h5.ckpt keep.ckpt
run_cmd run "$coba" --resume stop.h5.ckpt --set 'simulation.duration="6 s"' --seed 7 -q
expect_rc "resume with another experiment" 2
expect_in "says the checkpoint belongs to another experiment" "$err" \
  "coba.toml: error: the checkpoint stop.h5.ckpt was written by another experiment"
run_cmd run --resume stop.h5.ckpt --threads 2 -q
expect_rc "resume with another thread count" 2
expect_in "names the checkpoint's thread count" "$err" "written by a run on 1 threads"
run_cmd run "$coba" --resume stop.h5.ckpt --set 'simulation.duration="6 s"' -q
expect_rc "resume with the same file and options" 0
run_cmd run --resume missing.ckpt
expect_rc "missing checkpoint" 2
expect_in "names the missing checkpoint" "$err" "missing.ckpt: no such checkpoint file"
printf 'not a checkpoint' >bad.ckpt
run_cmd run --resume bad.ckpt
expect_rc "damaged checkpoint" 2
expect_in "says it is not a checkpoint" "$err" "bad.ckpt: not a gliasim checkpoint"
rm stop.h5
run_cmd run --resume keep.ckpt -o stop.h5
expect_rc "checkpoint without its output" 2
expect_in "says the output is missing" "$err" "stop.h5.partial: error: the output of the interrupted run is missing"
run_cmd run "$coba" -o x.h5 --checkpoint-every "10 mV"
expect_rc "bad interval" 2
expect_in "names the option and the value" "$err" "--checkpoint-every '10 mV': expected a positive time"
run_cmd run
expect_rc "no file and no checkpoint" 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
