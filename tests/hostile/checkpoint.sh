#!/usr/bin/env bash
# Hostile checkpoints: a real checkpoint (a short run stopped by SIGTERM after its first periodic
# checkpoint), damaged or crafted one way per case by make_checkpoints.py, then
# `gliasim run --resume CASE.ckpt` in a sandbox holding the interrupted run's files. Each must be
# refused with status 2 and one line naming the cause, before anything is written: no file of
# the sandbox changes. A control case resumes the undamaged checkpoint to the end.
#   bash checkpoint.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
exe=$(realpath "$1")
src=$(realpath "$2")
source "$src/tests/hostile/lib.sh"
py=/usr/bin/python3
if ! "$py" -c 'import h5py' 2>/dev/null; then
  echo "FAIL: h5py is missing (scripts/install_deps.sh installs python3-h5py)"; exit 1
fi

# What a refused resume may create or change in the sandbox (nothing), and what the control
# resume may (the output, its temporary copy, the checkpoint it continues and then removes).
# Adjust here when the output's temporary names change.
refused_may_touch="-"
resumed_may_touch="run.h5 run.h5.resume run.h5.partial case.ckpt case.ckpt.tmp"

work=$(mktemp -d)
trap 'rm -rf "$work" "$canary_dir" "${box:-/nonexistent}"' EXIT

# A small network with every kind of kernel array: stimulus events, per-sample resets, STDP
# traces and weights, spike, state and weight recorders.
cat >"$work/net.toml" <<'EOF'
[simulation]
duration = "30 s"
dt = "0.1 ms"
seed = 7
threads = 1
[output]
flush_interval = "5 ms"
[populations.input]
model = "poisson_source"
size = 20
rate = "50 Hz"
[populations.exc]
model = "lif_cond_exp"
size = 80
t_ref = "2 ms"
reset = { every = "700 ms" }
[populations.exc.initial]
V_m = { distribution = "uniform", low = "-60 mV", high = "-50 mV" }
[populations.inh]
model = "lif_curr_exp"
size = 20
[projections.input_exc]
source = "input"
target = "exc"
rule = "fixed_indegree"
indegree = 5
weight = "20 nS"
delay = "1 ms"
[projections.exc_exc]
source = "exc"
target = "exc"
rule = "bernoulli"
p = 0.1
weight = "2 nS"
delay = "0.5 ms"
synapse = "stdp"
w_max = "10 nS"
[projections.exc_inh]
source = "exc"
target = "inh"
rule = "bernoulli"
p = 0.2
weight = "50 pA"
delay = "1 ms"
[stimuli.bias]
model = "dc_source"
target = "exc"
amplitude = "100 pA"
start = "1 s"
stop = "20 s"
[recorders.spikes]
kind = "spikes"
populations = ["exc", "inh"]
[recorders.membrane]
kind = "state"
population = "exc"
variables = ["V_m", "g_ex"]
ids = [0, 3, 5]
interval = "1 ms"
[recorders.weights]
kind = "weight_histogram"
projection = "exc_exc"
bins = 4
range = ["0 nS", "10 nS"]
interval = "30 ms"
EOF

# The interrupted run: SIGTERM once its first periodic checkpoint exists (polled, not timed).
mkdir "$work/valid"
(cd "$work/valid" && exec "$exe" run ../net.toml -o run.h5 -q --checkpoint-every "200 ms" \
  2>../valid.err) &
pid=$!
for _ in $(seq 1 6000); do
  [ -e "$work/valid/run.h5.ckpt" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -ne 3 ] || [ ! -e "$work/valid/run.h5.ckpt" ]; then
  echo "FAIL: the interrupted run gave status $rc and no checkpoint: $(cat "$work/valid.err")"
  exit 1
fi
# The corpus is made from a copy: the sandboxes get the checkpoint only under the case's name.
mv "$work/valid/run.h5.ckpt" "$work/valid.ckpt"
"$py" "$src/tests/hostile/make_checkpoints.py" "$work/valid.ckpt" "$work/cases" ||
  { echo "FAIL: make_checkpoints.py"; exit 1; }

# sandbox CASE_FILE: a sandbox with the interrupted run's files and the case as case.ckpt.
sandbox() {
  hostile_box
  cp -a "$work/valid/." "$box/"
  cp "$1" "$box/case.ckpt"
}

# Each case: refused, and the cause is the one the case was made for.
while IFS=$'\t' read -r name expect; do
  sandbox "$work/cases/$name.ckpt"
  failed_before=$failed
  hostile_case "checkpoint $name" 2 "$refused_may_touch" -- "$exe" run --resume case.ckpt -q
  if [ "$failed" -eq "$failed_before" ] && [ -n "$expect" ] &&
    ! grep -qF -- "$expect" "$canary_dir/err.txt"; then
    passed=$((passed - 1))
    failed=$((failed + 1))
    echo "FAIL: checkpoint $name: refused, but the message does not say '$expect'"
  fi
done <"$work/cases/cases.tsv"

# The control: the undamaged checkpoint resumes to the end in the same sandbox.
sandbox "$work/valid.ckpt"
hostile_case "checkpoint undamaged (control)" 0 "$resumed_may_touch" -- \
  "$exe" run --resume case.ckpt -q
hostile_summary
