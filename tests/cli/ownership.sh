#!/usr/bin/env bash
# gliasim run touches only its own files (docs/reliability.md, "Threat model"; issue 16, classes
# 1, 2 and 9): one role per file, checkpoints and partial files it did not write are refused or
# kept, the output appears only when the run completes (a failed, faulted, stopped or killed
# --overwrite run keeps the previous result), --resume continues only its own run's partial file
# wherever it is started from, and write failures name their cause.
#   bash ownership.sh PATH/TO/gliasim REPOSITORY_ROOT
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
# Only the script itself cleans up (a background job's shell inherits the trap).
cleanup() {
  [ "$BASHPID" = "$$" ] || return
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
short=(--set simulation.duration='"100 ms"' -q --ignore-resource-limits)
long=(--set simulation.duration='"9e7 s"' --set output.flush_interval='"100 ms"' -q
  --ignore-resource-limits)
sum() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
expect_same_file() { # WHAT FILE SUM
  if [ "$(sum "$2")" = "$3" ]; then pass "$1: $2 untouched"; else fail "$1: $2 was changed or removed"; fi
}
completed_of() { "$py" -c "import h5py, sys; print(h5py.File(sys.argv[1], 'r')['metadata'].attrs['completed'])" "$1" 2>/dev/null; }

# until_true TIMEOUT_S PID CMD...: polls CMD (every 20 ms) until it succeeds; fails when PID ends
# first or after TIMEOUT_S (generous: the machine may be loaded).
until_true() {
  local limit=$(($1 * 50)) pid=$2 i
  shift 2
  for ((i = 0; i < limit; i++)); do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || { "$@"; return; }
    sleep 0.02
  done
  return 1
}
# changed_or_exists FILE SUM PARTIAL: the run started writing (old gliasim: into FILE itself).
changed_or_exists() { [ -s "$3" ] || [ "$(sum "$1")" != "$2" ]; }

# --- class 1: one role per file --------------------------------------------------------------
run_cmd run "$quick" -o c.h5 --checkpoint c.h5 "${short[@]}"
expect_rc "output = checkpoint" 2
expect_in "names both" "$err" "^c.h5: error: the output and the checkpoint \('c.h5'\) are the same file"
run_cmd run "$quick" -o c.h5 --checkpoint ./c.h5 "${short[@]}"
expect_rc "output = ./checkpoint" 2
mkdir x
(cd x && "$exe" run "$quick" -o f.h5 --checkpoint ../x/f.h5 "${short[@]}" 2>../err.txt); rc=$?
err=$(cat err.txt); out=""
expect_rc "output = ../x/checkpoint" 2
expect_in "names ../x/f.h5" "$err" "the checkpoint \('../x/f.h5'\) are the same file"
ln -s c.h5 c_link.h5
run_cmd run "$quick" -o c.h5 --checkpoint c_link.h5 "${short[@]}"
expect_rc "checkpoint is a link to the output path" 2
run_cmd run "$quick" -o d.h5 --checkpoint d.h5.partial "${short[@]}"
expect_rc "checkpoint = the partial file" 2
cp "$quick" exp.toml
run_cmd run exp.toml -o e.h5 --checkpoint exp.toml "${short[@]}"
expect_rc "checkpoint = the experiment file" 2
if [ -e c.h5 ] || [ -e d.h5 ] || [ -e e.h5 ] || [ -e x/f.h5 ]; then
  fail "a refused run left an output"; else pass "refused runs wrote nothing"; fi

# --- class 1: checkpoints the run did not write -----------------------------------------------
echo "my own checkpoint" >a.h5.ckpt
a_ckpt=$(sum a.h5.ckpt)
run_cmd run "$quick" -o a.h5 "${short[@]}"
expect_rc "stale a.h5.ckpt without --overwrite" 2
expect_in "names the checkpoint" "$err" "^a.h5.ckpt: error: the checkpoint file exists and this run did not write it"
expect_same_file "stale checkpoint refused" a.h5.ckpt "$a_ckpt"
run_cmd run "$quick" -o a.h5 "${short[@]}" --overwrite
expect_rc "stale a.h5.ckpt with --overwrite" 0
expect_same_file "a completed run removes only a checkpoint it wrote" a.h5.ckpt "$a_ckpt"
echo "my notes" >notes.txt
notes=$(sum notes.txt)
run_cmd run "$quick" -o n.h5 --checkpoint notes.txt "${short[@]}"
expect_rc "--checkpoint notes.txt" 2
expect_same_file "--checkpoint notes.txt" notes.txt "$notes"
run_cmd run "$quick" -o n.h5 --checkpoint notes.txt "${short[@]}" --overwrite
expect_rc "--checkpoint notes.txt --overwrite" 0
expect_same_file "--checkpoint notes.txt --overwrite: not removed unless written" notes.txt "$notes"

# --- class 1: the output appears only when the run completes ----------------------------------
"$exe" run "$quick" -o prev.h5 "${short[@]}" || fail "first run into prev.h5"
prev=$(sum prev.h5)
# A faulted --overwrite run (status 1): the previous result stays, the prefix is in .partial.
run_cmd run "$diverging" -o prev.h5 -q --overwrite
expect_rc "faulted --overwrite run" 1
expect_same_file "faulted --overwrite run" prev.h5 "$prev"
expect_in "the fault names the partial file" "$err" "prev.h5.partial holds the run up to t = "
[ "$(completed_of prev.h5.partial)" = 0 ] && pass "faulted run: prev.h5.partial has completed = 0" ||
  fail "faulted run: no readable prev.h5.partial with completed = 0"
# An interrupted --overwrite run (status 3), stopped once it has written.
rm prev.h5.partial
"$exe" run "$quick" -o prev.h5 "${long[@]}" --overwrite 2>term.err &
pid=$!; pids+=("$pid")
until_true 300 "$pid" changed_or_exists prev.h5 "$prev" prev.h5.partial
kill -TERM "$pid"; wait "$pid"; rc=$?
err=$(cat term.err); out=""
expect_rc "SIGTERM of an --overwrite run" 3
expect_same_file "interrupted --overwrite run" prev.h5 "$prev"
expect_in "says where the run is" "$err" "^prev.h5.partial: interrupted at t = "
expect_in "the resume hint keeps --overwrite" "$err" "continue with: gliasim run --resume prev.h5.ckpt --overwrite"
rm -f prev.h5.ckpt prev.h5.partial
# A killed --overwrite run: the same.
"$exe" run "$quick" -o prev.h5 "${long[@]}" --overwrite 2>/dev/null &
pid=$!; pids+=("$pid")
until_true 300 "$pid" changed_or_exists prev.h5 "$prev" prev.h5.partial
kill -KILL "$pid"; wait "$pid" 2>/dev/null
expect_same_file "killed --overwrite run" prev.h5 "$prev"
# A stale partial file is not this run's.
echo "someone's file" >p.h5.partial
p_partial=$(sum p.h5.partial)
run_cmd run "$quick" -o p.h5 "${short[@]}"
expect_rc "stale p.h5.partial" 2
expect_in "names the partial file" "$err" "^p.h5.partial: error: this file exists and this run did not write it"
expect_same_file "stale partial refused" p.h5.partial "$p_partial"
# --overwrite through a link replaces the link, never writes into its target.
echo "the link's target" >target.txt
target=$(sum target.txt)
ln -s target.txt link.h5
run_cmd run "$quick" -o link.h5 "${short[@]}" --overwrite
expect_rc "--overwrite of a link" 0
expect_same_file "--overwrite of a link" target.txt "$target"
[ -f link.h5 ] && [ ! -L link.h5 ] && pass "the link is replaced by the result" ||
  fail "link.h5 is still a link"

# --- class 2: resume identity ------------------------------------------------------------------
# An interrupted run in run/ with its checkpoint.
mkdir run other
# (6 s of COBA: it stops at its first checkpoint, long before the end.)
resumable=(--set simulation.duration='"6 s"' --checkpoint-every "100 ms" -q)
(cd run && exec "$exe" run "$coba" -o r.h5 "${resumable[@]}") 2>/dev/null &
pid=$!; pids+=("$pid")
until_true 300 "$pid" test -e run/r.h5.ckpt
kill -TERM "$pid"; wait "$pid"
# In other/, a completed result with the same name: the same experiment run to its end without
# checkpoints (so a resume that took it for its output would continue it).
"$exe" run "$coba" -o other/r.h5 --set simulation.duration='"6 s"' -q || fail "reference run"
unrelated=$(sum other/r.h5)
cp run/r.h5.ckpt keep.ckpt
# A crafted checkpoint whose output is an unrelated result (absolute path).
"$py" - keep.ckpt crafted.ckpt "$work/prev.h5" <<'EOF'
import shutil, sys, h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    f.attrs["output"] = np.bytes_(sys.argv[3])
EOF
run_cmd run --resume crafted.ckpt -q
expect_rc "crafted absolute output path" 2
expect_same_file "crafted absolute output path" prev.h5 "$prev"
# A partial file of another run (same experiment, same seed) is not this checkpoint's output.
(cd other && exec "$exe" run "$coba" -o r2.h5 "${resumable[@]}") 2>/dev/null &
pid=$!; pids+=("$pid")
until_true 300 "$pid" test -e other/r2.h5.ckpt
kill -TERM "$pid"; wait "$pid"
second=other/r2.h5.partial; [ -e "$second" ] || second=other/r2.h5
mkdir swap
cp keep.ckpt swap/s.h5.ckpt
cp "$second" swap/r.h5.partial; cp "$second" swap/r.h5
swapped=$(sum swap/r.h5.partial)
(cd swap && "$exe" run --resume s.h5.ckpt -q 2>../err.txt); rc=$?
err=$(cat err.txt); out=""
expect_rc "resume into another run's partial file" 2
expect_in "names both files" "$err" "^r.h5.partial: error: not the output of the run saved in s.h5.ckpt \(run id [0-9a-f]{32}, the checkpoint's is [0-9a-f]{32}\)"
expect_same_file "another run's partial file" swap/r.h5.partial "$swapped"
expect_same_file "another run's output" swap/r.h5 "$swapped"
# --resume from another folder: the checkpoint's folder, not the current one.
(cd other && "$exe" run --resume ../run/r.h5.ckpt -q 2>../err.txt); rc=$?
err=$(cat err.txt); out=""
expect_rc "resume from another folder" 0
expect_same_file "resume from another folder" other/r.h5 "$unrelated"
[ "$(completed_of run/r.h5)" = 1 ] && pass "the resumed run completed run/r.h5" ||
  fail "run/r.h5 is not a completed result"
expect_in "the resumed run equals the uninterrupted one" "$(same other/r.h5 run/r.h5 2>&1)" '^same$'
[ ! -e run/r.h5.partial ] && [ ! -e run/r.h5.ckpt ] && pass "partial and checkpoint gone after completion" ||
  fail "run/r.h5.partial or run/r.h5.ckpt left after completion"

# --- class 9: causes, and failures known before simulating -------------------------------------
(ulimit -f 256; trap '' XFSZ; exec "$exe" run "$quick" -o big.h5 -q --set simulation.duration='"20 s"' \
  --set output.flush_interval='"100 ms"' --ignore-resource-limits) >/dev/null 2>big.err
rc=$?; err=$(cat big.err); out=""
expect_rc "file-size limit reached" 1
expect_in "says which limit, with the system's words" "$err" "\(file size limit reached: File too large\)"
if printf '%s' "$err" | grep -q "disk full?"; then fail "a file-size limit is not a full disk"; else pass "no 'disk full?' guess"; fi
name=$(printf 'n%.0s' $(seq 1 250)).h5
run_cmd run "$quick" -o "$name" "${short[@]}"
expect_rc "a partial file name too long for the file system" 2
expect_in "refused before building" "$err" "cannot create '$name.partial', where the run is written until it completes: File name too long"
[ -e "$name" ] && fail "a too-long partial name still wrote $name" || pass "nothing written for a too-long name"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
