#!/usr/bin/env bash
# Hostile paths around a run's files (docs/reliability.md, "Threat model": ownership of paths and
# resume identity): two roles on one file, links to a file outside the sandbox (the canary) as
# output, partial file, checkpoint or its .tmp, files the run did not write at the names it would
# write, checkpoints whose output points elsewhere, and partial files of another run. Each is
# refused with status 2 and one line before anything is written, or (with --overwrite) replaces
# the link itself and never writes through it.
#   bash paths.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
exe=$(realpath "$1")
src=$(realpath "$2")
source "$src/tests/hostile/lib.sh"
quick="$src/experiments/quickstart.toml"
py=/usr/bin/python3
q=(--set simulation.duration='"50 ms"' -q --ignore-resource-limits)
# A completed result that a resume must not take for its output (longer than any seed's prefix).
long_result=(--set simulation.duration='"2 s"' -q --ignore-resource-limits)

# Seeds made by gliasim itself: two runs of one experiment killed once their first checkpoint is
# written (polled for, with a generous bound), so that their run ids differ.
seed="$canary_dir/seed"
mkdir -p "$seed"
for name in r s; do
  (cd "$seed" && exec "$exe" run "$quick" -o "$name.h5" --checkpoint-every "5 ms" -q \
    --ignore-resource-limits --set simulation.duration='"9e7 s"' 2>/dev/null) &
  pid=$!
  for _ in $(seq 1 15000); do
    [ -e "$seed/$name.h5.ckpt" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.02
  done
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  rm -f "$seed/$name.h5.ckpt.tmp"
  # (A gliasim from before partial files wrote the output itself.)
  [ -e "$seed/$name.h5.partial" ] || mv "$seed/$name.h5" "$seed/$name.h5.partial" 2>/dev/null
done
if [ ! -e "$seed/r.h5.ckpt" ] || [ ! -e "$seed/s.h5.partial" ]; then
  echo "FAIL: the seed runs left no checkpoint or partial file"; ls -l "$seed"; exit 1
fi
"$exe" run "$quick" -o "$seed/done.h5" "${long_result[@]}" || { echo "FAIL: seed result"; exit 1; }
have_h5py=0
"$py" -c 'import h5py' 2>/dev/null && have_h5py=1
# craft IN OUT ATTRIBUTE [VALUE]: a copy of a checkpoint with one header attribute set (or removed).
craft() {
  "$py" - "$@" <<'EOF'
import shutil, sys, h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    if len(sys.argv) > 4: f.attrs[sys.argv[3]] = np.bytes_(sys.argv[4])
    else: del f.attrs[sys.argv[3]]
EOF
}
# resume_box: a sandbox with the seed run's checkpoint (its output is "r.h5", beside it).
resume_box() { hostile_box; cp "$seed/r.h5.ckpt" "$box/"; }

# --- two roles on one file ---------------------------------------------------------------------
hostile_box
hostile_case "output = checkpoint" 2 - -- "$exe" run "$quick" -o c.h5 --checkpoint c.h5 "${q[@]}"
hostile_case "output = ./checkpoint" 2 - -- "$exe" run "$quick" -o c.h5 --checkpoint ./c.h5 "${q[@]}"
hostile_case "output = absolute checkpoint" 2 - -- "$exe" run "$quick" -o c.h5 --checkpoint "$box/c.h5" "${q[@]}"
mkdir "$box/x"
hostile_case "output = ../x/checkpoint from x/" 2 - -- \
  bash -c 'cd x && exec "$0" run "$1" -o f.h5 --checkpoint ../x/f.h5 -q --ignore-resource-limits' "$exe" "$quick"
hostile_box
ln -s c.h5 "$box/l.ckpt"
hostile_case "checkpoint is a dangling link to the output" 2 - -- "$exe" run "$quick" -o c.h5 --checkpoint l.ckpt "${q[@]}"
hostile_case "checkpoint = the partial file" 2 - -- "$exe" run "$quick" -o c.h5 --checkpoint c.h5.partial "${q[@]}"
hostile_case "output = the checkpoint's .tmp" 2 - -- "$exe" run "$quick" -o c.tmp --checkpoint c "${q[@]}"
cp "$quick" "$box/exp.toml"
hostile_case "output = the experiment file" 2 - -- "$exe" run exp.toml -o exp.toml --overwrite "${q[@]}"
hostile_case "checkpoint = the experiment file" 2 - -- "$exe" run exp.toml -o o.h5 --checkpoint exp.toml --overwrite "${q[@]}"
echo "one file, two names" >"$box/h1"
ln "$box/h1" "$box/h2"
hostile_case "output and checkpoint are hard links of one file" 2 - -- \
  "$exe" run "$quick" -o h1 --checkpoint h2 --overwrite "${q[@]}"

# --- files the run did not write, at the names it would write ---------------------------------
hostile_box
echo "someone's checkpoint" >"$box/a.h5.ckpt"
hostile_case "stale <out>.ckpt" 2 - -- "$exe" run "$quick" -o a.h5 "${q[@]}"
hostile_box
echo "my notes" >"$box/notes.txt"
hostile_case "--checkpoint notes.txt" 2 - -- "$exe" run "$quick" -o a.h5 --checkpoint notes.txt "${q[@]}"
hostile_box
echo "someone's file" >"$box/a.h5.partial"
hostile_case "stale <out>.partial" 2 - -- "$exe" run "$quick" -o a.h5 "${q[@]}"
hostile_box
ln -s "$canary" "$box/a.h5.partial"
hostile_case "<out>.partial links to the canary" 2 - -- "$exe" run "$quick" -o a.h5 "${q[@]}"
hostile_box
ln -s "$canary" "$box/l.ckpt"
hostile_case "--checkpoint links to the canary" 2 - -- "$exe" run "$quick" -o a.h5 --checkpoint l.ckpt "${q[@]}"
hostile_box
ln -s "$canary" "$box/a.h5.ckpt.tmp"
hostile_case "<out>.ckpt.tmp links to the canary" 2 - -- "$exe" run "$quick" -o a.h5 "${q[@]}"
hostile_box
ln -s "$canary" "$box/out.h5"
hostile_case "output links to the canary (no --overwrite)" 2 - -- "$exe" run "$quick" -o out.h5 "${q[@]}"
hostile_box
mkdir "$box/a.h5.partial"
hostile_case "<out>.partial is a folder (--overwrite)" 2 - -- "$exe" run "$quick" -o a.h5 --overwrite "${q[@]}"
hostile_box
mkdir "$box/ck"
hostile_case "--checkpoint is a folder (--overwrite)" 2 - -- "$exe" run "$quick" -o a.h5 --checkpoint ck --overwrite "${q[@]}"

# --- outputs that cannot be written, known before the run ---------------------------------------
hostile_box
hostile_case "output in a missing folder" 2 - -- "$exe" run "$quick" -o nowhere/x.h5 "${q[@]}"
mkdir "$box/d"
hostile_case "output is a folder" 2 - -- "$exe" run "$quick" -o d --overwrite "${q[@]}"
long_name=$(printf 'n%.0s' $(seq 1 250)).h5
hostile_case "partial file name too long" 2 - -- "$exe" run "$quick" -o "$long_name" "${q[@]}"

# --- --overwrite replaces links, never writes through them --------------------------------------
hostile_box
ln -s "$canary" "$box/out.h5"
hostile_case "--overwrite of an output linking to the canary" 0 "out.h5" -- \
  "$exe" run "$quick" -o out.h5 --overwrite "${q[@]}"
hostile_box
ln -s "$canary" "$box/a.h5.partial"
hostile_case "--overwrite with <out>.partial linking to the canary" 0 "a.h5 a.h5.partial" -- \
  "$exe" run "$quick" -o a.h5 --overwrite "${q[@]}"
hostile_box
ln -s "$canary" "$box/a.ckpt"
hostile_case "--overwrite with a checkpoint linking to the canary" 0 "a.h5 a.ckpt" -- \
  "$exe" run "$quick" -o a.h5 --checkpoint a.ckpt --checkpoint-every "10 ms" --overwrite "${q[@]}"

# --- --resume: only the checkpoint's own run's partial file -------------------------------------
resume_box
hostile_case "resume without the partial file" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
resume_box
cp "$seed/s.h5.partial" "$box/r.h5.partial"
hostile_case "resume into another run's partial file" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
resume_box
ln -s "$canary" "$box/r.h5.partial"
hostile_case "resume: the partial file links to the canary" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
resume_box
mkfifo "$box/r.h5.partial"
hostile_case "resume: the partial file is a FIFO" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
resume_box
mkdir "$box/r.h5.partial"
hostile_case "resume: the partial file is a folder" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
resume_box
cp "$seed/r.h5.partial" "$box/"
cp "$seed/done.h5" "$box/r.h5"
hostile_case "resume: the output exists (no --overwrite)" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
resume_box
cp "$seed/r.h5.partial" "$box/"
ln -s "$canary" "$box/r.h5.ckpt.tmp"
hostile_case "resume: the checkpoint's .tmp links to the canary" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
# From another folder: the checkpoint's relative output is beside the checkpoint, not here.
hostile_box
mkdir "$box/other"
cp "$seed/r.h5.ckpt" "$box/other/"
cp "$seed/done.h5" "$box/r.h5"
cp "$seed/r.h5.partial" "$box/r.h5.partial"
hostile_case "resume from another folder (output beside the checkpoint is missing)" 2 - -- \
  "$exe" run --resume other/r.h5.ckpt -q --ignore-resource-limits
if [ "$have_h5py" -eq 1 ]; then
  hostile_box
  cp "$seed/done.h5" "$box/victim.h5"
  craft "$seed/r.h5.ckpt" "$box/crafted.ckpt" output "$box/victim.h5"
  hostile_case "crafted absolute output path to a completed result" 2 - -- "$exe" run --resume crafted.ckpt -q --ignore-resource-limits
  hostile_box
  craft "$seed/r.h5.ckpt" "$box/crafted.ckpt" output "$canary"
  hostile_case "crafted output path to the canary" 2 - -- "$exe" run --resume crafted.ckpt -q --ignore-resource-limits
  hostile_box
  craft "$seed/r.h5.ckpt" "$box/r.h5.ckpt" run_id
  cp "$seed/r.h5.partial" "$box/"
  hostile_case "checkpoint without a run id" 2 - -- "$exe" run --resume r.h5.ckpt -q --ignore-resource-limits
else
  echo "skipped: crafted checkpoints (no h5py for $py)"
fi

hostile_summary
