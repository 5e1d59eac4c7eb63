#!/usr/bin/env bash
# gliasim run when things go wrong (docs/reliability.md): numerical faults, checks before the
# run (output path, overwrite, memory, disk), SIGTERM/SIGINT, a full disk, and SIGKILL at
# several points (the partial file still opens and holds a prefix of the uninterrupted run's
# spikes). A stopped run's file is <output>.partial: the output appears only when a run completes.
# No check depends on wall time: signals are sent once a polled condition holds (a file appears
# or has grown), with generous bounds for a loaded machine.
#   bash reliability.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 2 ]; then echo "usage: $0 PATH/TO/gliasim REPOSITORY_ROOT"; exit 2; fi
exe=$(realpath "$1")
root=$(realpath "$2")
quick="$root/experiments/quickstart.toml"
coba="$root/experiments/coba.toml"
diverging="$root/tests/reliability/diverging_adex.toml"
py=/usr/bin/python3

work=$(mktemp -d)
pids=()
cleanup() {
  [ "$BASHPID" = "$$" ] || return # a background job's shell inherits the trap
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  umount "$work/tmpfs" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

# pass, fail, run_cmd, expect_rc, expect_in
source "$here/helpers.sh"
expect_no_file() { if [ -e "$2" ] || [ -e "$2.partial" ]; then fail "$1: $2 was created"; else pass "$1: nothing written"; fi; }
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
# until_true PID CMD...: polls CMD every 20 ms until it holds; gives up when PID has ended (after
# a last look) or after 300 s.
until_true() {
  local pid=$1 i
  shift
  for ((i = 0; i < 15000; i++)); do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || { "$@"; return; }
    sleep 0.02
  done
  return 1
}
larger_than() { [ "$(size_of "$1")" -gt "$2" ]; }
have_h5py() { "$py" -c 'import h5py' 2>/dev/null; }

# --- numerical fault -------------------------------------------------------------------------
run_cmd run "$diverging" -o nan.h5 -q
expect_rc "diverging AdEx" 1
expect_in "fault names population, model, entity, variable and time" "$err" \
  "numerical fault in population 'exc' \(model aeif_cond_alpha_astro\): entity [0-9]+, [A-Za-z_]+ = -?(nan|inf) at t = [0-9.]+ ms \(all states finite at t = [0-9.]+ ms\)"
expect_in "fault names the experiment file" "$err" "^$diverging: error: numerical fault"
fault_message=$err
[ -e nan.h5 ] && fail "a faulted run left nan.h5 (its output is nan.h5.partial)" ||
  pass "a faulted run leaves no output, only nan.h5.partial"
expect_in "the fault names the partial file" "$err" "stopped, nan.h5.partial holds the run up to t = [0-9.]+ ms \(completed = 0\)$"
run_cmd info nan.h5.partial
expect_rc "info on the stopped file" 0
expect_in "stopped file says completed 0" "$out" 'completed +0'
expect_in "stopped file says why" "$out" 'stopped +numerical fault'
# The same with two threads: the same entity and time.
"$exe" run "$diverging" -o nan1.h5 -q 2>nan1.err
"$exe" run "$diverging" -o nan2.h5 -q --threads 2 2>nan2.err
if diff <(sed 's/nan[12]//' nan1.err) <(sed 's/nan[12]//' nan2.err) >/dev/null; then
  pass "fault report independent of the thread count"
else fail "fault reports differ: $(cat nan1.err) / $(cat nan2.err)"; fi
# A model's own check (AdEx: V_m below -1000 mV) thrown inside the parallel update: the same
# clean stop, not a crash.
run_cmd run "$diverging" -o plunge.h5 -q --threads 2 --set projections.input_exc.weight='"1 nS"' \
  --set populations.exc.I_e='"-1e9 pA"'
expect_rc "AdEx instability reported by the model" 1
expect_in "model's message is passed on" "$err" \
  "error: aeif_cond_alpha_astro population 'exc', neuron 0: numerical instability at t = 0.1 ms"
run_cmd info plunge.h5.partial
expect_in "model failure is stored as the reason" "$out" 'stopped +aeif_cond_alpha_astro population'
# Every sample up to the stop is in the file; those before the first input can arrive (the
# delay is 1 ms) are finite.
if have_h5py; then
  if "$py" - nan.h5.partial "$fault_message" <<'PY'; then pass "samples up to the fault are in the file"; else fail "samples up to the fault"; fi
import h5py, math, re, sys
f = h5py.File(sys.argv[1], "r")
stop = float(re.search(r" at t = ([0-9.]+) ms \(", sys.argv[2]).group(1))
v = f["report/exc/V_m/data"][:]
assert v.shape[0] == round(stop / 0.1), (v.shape, stop)
assert all(math.isfinite(x) for x in v[:10].ravel())
assert not all(math.isfinite(x) for x in v[-1].ravel())
PY
fi

# --- checks before the run -------------------------------------------------------------------
short=(--set simulation.duration="100 ms")
run_cmd run "$quick" -o same.h5 -q "${short[@]}"
expect_rc "first run into same.h5" 0
run_cmd run "$quick" -o same.h5 -q "${short[@]}"
expect_rc "second run into same.h5 without --overwrite" 2
expect_in "existing output is named" "$err" "^same.h5: error: the output file exists; pass --overwrite to replace it"
run_cmd run "$quick" -o same.h5 -q --overwrite "${short[@]}"
expect_rc "second run with --overwrite" 0

run_cmd run "$quick" -o no_such_dir/x.h5 -q "${short[@]}"
expect_rc "missing output directory" 2
expect_in "missing directory is named" "$err" "output directory 'no_such_dir' does not exist"
mkdir adir
run_cmd run "$quick" -o adir -q "${short[@]}"
expect_rc "output path is a directory" 2
expect_in "directory output is refused" "$err" "^adir: error: the output path is a directory"
run_cmd run "$quick" -o /proc/gliasim_test.h5 -q "${short[@]}"
expect_rc "unwritable output directory" 2
expect_in "unwritable directory is named" "$err" "cannot create files in '/proc'"

# Ten million neurons all-to-all: 1e14 synapses, more than any machine has.
run_cmd run "$quick" -o huge.h5 --set populations.exc.size=10000000 --set projections.exc_exc.p=1
expect_rc "network larger than memory" 2
expect_in "memory refusal gives the estimate and the override" "$err" \
  "^huge.h5: error: the network needs an estimated [0-9.]+ [KMGTPE]?i?B \(1e\+14 synapses\) but only [0-9.]+ [KMG]i?B of memory is available; pass --ignore-resource-limits"
expect_no_file "memory refusal" huge.h5
run_cmd run "$root/tests/reliability/size_exceeds_memory.toml" -o huge2.h5
expect_rc "all-to-all over 2e9 neurons" 2
expect_in "refused with the estimate" "$err" "^huge2.h5: error: the network needs an estimated [0-9.]+ EiB \(4e\+18 synapses\)"
run_cmd validate "$root/tests/reliability/size_exceeds_memory.toml"
expect_rc "validate does not judge the machine" 0
# 1100 recorded entities for 9e7 s: 80 TB of spikes at 50 Hz.
run_cmd run "$quick" -o long.h5 --set simulation.duration='"9e7 s"'
expect_rc "output larger than the disk" 2
expect_in "disk refusal gives the estimate and the override" "$err" \
  "^long.h5: error: the output may take up to [0-9.]+ [KMGTPE]?i?B \(spikes at 50 Hz assumed, uncompressed\) but only .* is free in '.'; pass --ignore-resource-limits"
expect_no_file "disk refusal" long.h5
run_cmd run "$quick" -o est.h5 "${short[@]}"
expect_in "the estimate is reported" "$out" "^estimated: [0-9.e+]+ synapses, network memory [0-9.]+ [KM]iB, output up to"

# --- signals ---------------------------------------------------------------------------------
# SIGTERM (after --ignore-resource-limits lets the 9e7 s run start): exit 3, file closed. Sent
# once the partial file has grown past 100 KiB (several flushes of spikes).
"$exe" run "$quick" -o term.h5 --ignore-resource-limits --set simulation.duration='"9e7 s"' \
  --set output.flush_interval='"100 ms"' >term.out 2>term.err &
pid=$!; pids+=("$pid")
until_true "$pid" larger_than term.h5.partial 102400 || fail "term.h5.partial never grew past 100 KiB"
kill -TERM "$pid"
wait "$pid"; rc=$?
err=$(cat term.err); out=$(cat term.out)
expect_rc "SIGTERM" 3
expect_in "SIGTERM is reported with the time reached" "$err" "^term.h5.partial: interrupted at t = [0-9.]+ ms of 9e\+10 ms"
[ -e term.h5 ] && fail "an interrupted run left term.h5" || pass "an interrupted run leaves no output"
run_cmd info term.h5.partial
expect_rc "info on the interrupted file" 0
expect_in "interrupted file says completed 0" "$out" 'completed +0'
expect_in "interrupted file holds spikes" "$out" '^  exc +[1-9][0-9]* spikes'
# Two signals: the second aborts at once. Both are made pending while the process is stopped,
# so they arrive together whatever the machine's speed.
"$exe" run "$quick" -o twice.h5 --ignore-resource-limits --set simulation.duration='"9e7 s"' \
  >/dev/null 2>twice.err &
pid=$!; pids+=("$pid")
# The partial file exists once the handlers are installed.
until_true "$pid" test -e twice.h5.partial || fail "twice.h5.partial never appeared"
kill -STOP "$pid"; kill -INT "$pid"; kill -TERM "$pid"; kill -CONT "$pid"
wait "$pid"; rc=$?
if [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then pass "second signal aborts (exit $rc)"; else
  fail "second signal: exit $rc, expected 130 or 143"; fi

# --- a full disk (a file-size limit makes writes fail with EFBIG) ------------------------------
# A clear message and exit 1, no crash. (The file is then often unreadable: docs/reliability.md.)
(ulimit -f 256; trap '' XFSZ; exec "$exe" run "$quick" -o full.h5 -q --set simulation.duration='"20 s"' \
  --set output.flush_interval='"100 ms"') >full.out 2>full.err
rc=$?; err=$(cat full.err); out=""
expect_rc "file-size limit reached mid-run" 1
expect_in "write failure is named" "$err" "^full.h5.partial: error while writing the output: HDF5: .*full.h5.partial"
expect_in "the cause is a file-size limit, not a guess" "$err" "\(file size limit reached: File too large\)"

# --- a real full file system (a 1 MiB tmpfs, when this machine lets us mount one) -------------
# ENOSPC mid-run: the same message and status, and here the file stays readable and holds a
# prefix of the uninterrupted run (HDF5 had not yet extended it past what the disk accepted).
full_args=(-q --set simulation.duration='"20 s"' --set output.flush_interval='"100 ms"')
mkdir -p tmpfs
if mount -t tmpfs -o size=1m tmpfs tmpfs 2>mount.err; then
  run_cmd run "$quick" -o tmpfs/full.h5 "${full_args[@]}" --ignore-resource-limits
  expect_rc "tmpfs fills mid-run" 1
  expect_in "ENOSPC is named as a write failure" "$err" \
    "^tmpfs/full.h5.partial: error while writing the output: HDF5: failed to flush"
  expect_in "ENOSPC says disk full" "$err" "\(disk full: No space left on device\)"
  if have_h5py; then
    "$exe" run "$quick" -o full_ref.h5 "${full_args[@]}" || fail "uninterrupted quickstart run"
    if "$py" - full_ref.h5 tmpfs/full.h5.partial <<'PY'; then pass "full disk: the file opens and holds a prefix"; else fail "full disk: no readable prefix"; fi
import h5py, numpy as np, sys
ref, got = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
n = got["spikes/exc/timestamps"].shape[0]
assert 0 < n < ref["spikes/exc/timestamps"].shape[0], n
for name in ("timestamps", "node_ids"):
    assert np.array_equal(ref["spikes/exc/" + name][:n], got["spikes/exc/" + name][:n])
PY
  fi
  umount tmpfs
else
  echo "SKIPPED: full-disk test on a tmpfs: cannot mount one here ($(cat mount.err))"
fi

# --- SIGKILL at several points: a readable prefix of the uninterrupted run --------------------
if have_h5py; then
  flush=(--set output.flush_interval='"100 ms"' -q --threads 2)
  "$exe" run "$coba" -o ref.h5 --set simulation.duration='"3 s"' "${flush[@]}" ||
    fail "uninterrupted COBA run"
  ref_size=$(size_of ref.h5)
  # Runs that would never end on their own (their spikes do not depend on the duration), each
  # killed once its partial file has grown past a fraction of the 3 s reference's size: mid-run
  # whatever the machine's speed or load.
  for fraction in 0.2 0.35 0.5 0.65 0.8; do
    threshold=$(awk -v s="$ref_size" -v f="$fraction" 'BEGIN { printf "%d", s * f }')
    name="kill_$fraction.h5"
    "$exe" run "$coba" -o "$name" --set simulation.duration='"9e7 s"' --ignore-resource-limits \
      "${flush[@]}" &
    pid=$!; pids+=("$pid")
    until_true "$pid" larger_than "$name.partial" "$threshold" ||
      fail "SIGKILL at $fraction: $name.partial never grew past $threshold bytes"
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    [ -e "$name" ] && fail "SIGKILL at $fraction: $name exists before the run completed"
    if "$py" - ref.h5 "$name.partial" <<'PY'; then pass "SIGKILL at $fraction of the size: the partial file opens and holds a prefix"; else fail "SIGKILL at $fraction"; fi
import h5py, numpy as np, sys
ref = h5py.File(sys.argv[1], "r")
got = h5py.File(sys.argv[2], "r")
for pop in ref["spikes"]:
    r, g = ref["spikes"][pop], got["spikes"][pop]
    n = min(g["timestamps"].shape[0], r["timestamps"].shape[0])
    assert g["node_ids"].shape[0] == g["timestamps"].shape[0]
    assert np.array_equal(r["timestamps"][:n], g["timestamps"][:n]), pop
    assert np.array_equal(r["node_ids"][:n], g["node_ids"][:n]), pop
counts = {p: got["spikes"][p]["timestamps"].shape[0] for p in got["spikes"]}
print(sys.argv[2], counts, "completed", got["metadata"].attrs.get("completed", "absent"))
with open("kill_counts", "a") as out:
    total = sum(counts.values())
    out.write(f"{total} {sum(ref['spikes'][p]['timestamps'].shape[0] for p in ref['spikes'])}\n")
PY
  done
  # Not vacuous: some kill landed after a flush and before the end.
  if awk '$1 > 0 && $1 < $2 { n++ } END { exit !(n > 0) }' kill_counts; then
    pass "a SIGKILL landed mid-run with spikes already flushed"
  else fail "no SIGKILL landed between the first flush and the end: $(cat kill_counts)"; fi
else
  echo "skipped: SIGKILL prefix checks (no h5py for $py)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
