#!/usr/bin/env bash
# Hostile sweep folders (tests/hostile/README.md): a real 2-point sweep folder is made once, then
# each case copies it into a fresh sandbox, damages it one way, and runs one of
#   gliasim sweep t.toml -o s (resume) | sweep --status s | sweep-task s 0 | collect s | analyze s
# Documented statuses: 2 for a folder gliasim did not write (a symbolic link where it reads or
# writes, a damaged or foreign manifest, another sweep file's folder), before anything is
# written; 0 where the damage is gliasim's to repair or report (a garbage result reruns; collect
# names an unreadable or foreign result in its error column; a status file it did not write is
# ignored). Symlinks point at the canary outside the sandbox, which must stay unchanged.
# usage: sweep_folder.sh GLIASIM_EXE SOURCE_DIR
exe="$1"
src="$2"
source "$src/tests/hostile/lib.sh"
py=/usr/bin/python3

# The real sweep: 2 points of a tiny network.
template="$canary_dir/template"
mkdir -p "$template"
sed 's/^duration = .*/duration = "50 ms"/' "$src/tests/fixtures/sweep/tiny_network.toml" >"$template/t.toml"
printf '\n[sweep.grid]\n"projections.in_n.weight" = ["8 nS", "10 nS"]\n' >>"$template/t.toml"
(cd "$template" && "$exe" sweep t.toml -o s -j 1 -q >/dev/null) || { echo "FAIL: the template sweep did not run"; exit 1; }
id0=$(awk -F'\t' 'NR==2{print $2}' "$template/s/manifest.tsv")
id1=$(awk -F'\t' 'NR==3{print $2}' "$template/s/manifest.tsv")
outside="$canary_dir/outside"
mkdir -p "$outside"

fresh() { hostile_box; cp -a "$template/." "$box/"; }
# row N COLUMN VALUE: sets a manifest cell (N: 1 = first point).
set_cell() {
  V="$3" awk -F'\t' -v OFS='\t' -v n=$(($1 + 1)) -v c="$2" 'NR==n{$c=ENVIRON["V"]} {print}' \
    "$box/s/manifest.tsv" >"$box/m.tmp" && mv "$box/m.tmp" "$box/s/manifest.tsv"
}
resume=("$exe" sweep t.toml -o s -j 1 -q)

# --- symbolic links where the sweep reads or writes: refused, naming the link ----------------
for target in "out/$id0.h5" "logs/$id0.log" "points/$id0.toml" "status/$id0.tsv" manifest.tsv \
  sweep.lock sweep.hash sweep.sbatch slurm_job_id; do
  fresh
  mkdir -p "$box/s/status"
  rm -f "$box/s/$target"
  ln -s "$canary" "$box/s/$target"
  hostile_case "resume: $target is a link to a file outside" 2 - -- "${resume[@]}"
done
for sub in out status logs points; do
  fresh
  rm -rf "$box/s/$sub"
  ln -s "$outside" "$box/s/$sub"
  hostile_case "resume: $sub/ is a link to a folder outside" 2 - -- "${resume[@]}"
done
fresh
rm "$box/s/out/$id0.h5"
ln -s "$outside/new.h5" "$box/s/out/$id0.h5"
hostile_case "resume: a dangling link in out/ (would create a file outside)" 2 - -- "${resume[@]}"
[ -e "$outside/new.h5" ] && { failed=$((failed + 1)); echo "FAIL: a file was created outside through the link"; }
fresh
rm "$box/s/manifest.tsv" && ln -s "$canary" "$box/s/manifest.tsv"
hostile_case "--status: manifest.tsv is a link" 2 - -- "$exe" sweep --status s
hostile_case "collect: manifest.tsv is a link" 2 - -- "$exe" collect s
hostile_case "analyze DIR: manifest.tsv is a link" 2 - -- "$exe" analyze s
fresh
mkdir -p "$box/s/status" && ln -s "$canary" "$box/s/status/$id0.tsv"
hostile_case "--status: a status file that is a link is ignored" 0 "s/manifest.tsv" -- "$exe" sweep --status s
fresh
mkdir -p "$box/s/status" && ln -s "$canary" "$box/s/status/$id0.tsv"
hostile_case "sweep-task: writing a status file through a link" 2 - -- "$exe" sweep-task s 0

# --- damaged and foreign manifests: refused ---------------------------------------------------
fresh
printf 'index\tid\tstatus\n' >"$box/s/manifest.tsv"
hostile_case "resume: a manifest with a foreign header" 2 - -- "${resume[@]}"
fresh
head -c 150 "$template/s/manifest.tsv" >"$box/s/manifest.tsv"
hostile_case "collect: a manifest cut mid-row" 2 - -- "$exe" collect s
fresh
set_cell 1 2 "../../../tmp/x"
hostile_case "sweep-task: a point id that leaves the folder" 2 - -- "$exe" sweep-task s 0
fresh
set_cell 1 6 "$canary"
hostile_case "analyze DIR: an output path outside the folder" 2 - -- "$exe" analyze s
fresh
set_cell 1 3 "pwned"
hostile_case "--status: an unknown point status" 2 - -- "$exe" sweep --status s
fresh
set_cell 2 1 "7"
hostile_case "collect: point indices out of order" 2 - -- "$exe" collect s
fresh
: >"$box/s/manifest.tsv"
hostile_case "collect: an empty manifest" 2 - -- "$exe" collect s
fresh
rm "$box/s/manifest.tsv" && mkfifo "$box/s/manifest.tsv"
hostile_case "--status: the manifest is a FIFO (no hang)" 2 - -- "$exe" sweep --status s
fresh
rm "$box/s/manifest.tsv" && mkdir "$box/s/manifest.tsv"
hostile_case "collect: the manifest is a folder" 2 - -- "$exe" collect s
fresh
truncate -s 2G "$box/s/manifest.tsv"
hostile_case "collect: a 2 GiB manifest" 2 - -- "$exe" collect s
fresh
printf '0\t0000-\0bad\tdone\n' >>"$box/s/manifest.tsv"
hostile_case "collect: a NUL byte in an id" 2 - -- "$exe" collect s
fresh
rm "$box/s/sweep.hash"
sed -i '1s/projections.in_n.weight$/simulation.seed/' "$box/s/manifest.tsv"
hostile_case "resume: the manifest of a sweep over other keys" 2 - -- "${resume[@]}"
fresh
printf '0123456789abcdef other.toml\n' >"$box/s/sweep.hash"
hostile_case "resume: the folder of another sweep file (sweep.hash)" 2 - -- "${resume[@]}"
fresh
printf '0123456789abcdef other.toml\n' >"$box/s/sweep.hash"
hostile_case "resume --overwrite: the folder becomes this file's sweep" 0 "s/sweep.hash s/manifest.tsv" -- "${resume[@]}" --overwrite

# --- results that are not this point's --------------------------------------------------------
fresh
head -c 4096 /dev/urandom >"$box/s/out/$id0.h5"
hostile_case "collect: a garbage .h5 in out/" 0 - -- "$exe" collect s
grep -q "out/$id0.h5 is not a completed result" "$canary_dir/out.txt" ||
  { failed=$((failed + 1)); echo "FAIL: collect did not name the garbage result"; }
fresh
head -c 4096 /dev/urandom >"$box/s/out/$id0.h5"
hostile_case "resume: a garbage .h5 in out/ reruns its point" 0 "s/out/$id0.h5 s/logs/$id0.log s/manifest.tsv" -- "${resume[@]}"
fresh
cp "$box/s/out/$id1.h5" "$box/s/out/$id0.h5"
hostile_case "collect: another point's result in out/" 0 - -- "$exe" collect s
grep -q "out/$id0.h5 is not a completed result" "$canary_dir/out.txt" ||
  { failed=$((failed + 1)); echo "FAIL: collect took another point's result"; }
fresh
rm "$box/s/out/$id0.h5" && mkdir "$box/s/out/$id0.h5"
hostile_case "collect: a folder where a result should be" 0 - -- "$exe" collect s
if $py -c 'import h5py' 2>/dev/null; then
  fresh
  $py - "$box/s/out/$id0.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    del f["metadata/experiment"]
    f["metadata"].create_dataset("experiment", data=np.arange(4, dtype=np.int32))
PY
  cp -a "$box" "$canary_dir/nonstring"
  hostile_case "collect: a non-string /metadata/experiment" 0 - -- "$exe" collect s
  hostile_box && cp -a "$canary_dir/nonstring/." "$box/"
  hostile_case "resume: a non-string /metadata/experiment reruns its point" 0 "s/out/$id0.h5 s/logs/$id0.log s/manifest.tsv" -- "${resume[@]}"
else
  echo "note: /usr/bin/python3 has no h5py; the non-string /metadata/experiment cases were skipped"
fi

# --- status files gliasim did not write: ignored ----------------------------------------------
for content in 'garbage' $'done\tNaN\tx\ty' $'pwned\t0\t1.0\t' $'done\t0x10\t1\t'; do
  fresh
  mkdir -p "$box/s/status"
  printf '%s\n' "$content" >"$box/s/status/$id0.tsv"
  hostile_case "--status: status file '$(printf '%q' "$content")' is ignored" 0 "s/manifest.tsv" -- "$exe" sweep --status s
done
fresh
mkdir -p "$box/s/status"
head -c 100000 /dev/urandom >"$box/s/status/$id0.tsv"
hostile_case "--status: a 100 KB binary status file is ignored" 0 "s/manifest.tsv" -- "$exe" sweep --status s
fresh
printf '1; touch MARK\n' >"$box/s/slurm_job_id"
hostile_case "--status: a job id with a command in it" 0 "s/manifest.tsv" -- "$exe" sweep --status s

# --- values that a spreadsheet would run as formulas ------------------------------------------
fresh
set_cell 1 9 "=HYPERLINK(\"http://x\")"
set_cell 2 9 "@SUM(A1)"
set_cell 1 8 "=cmd|' /C calc'!A0"
set_cell 2 8 "+1+2\\nsecond line"
hostile_case "collect: formula values and errors" 0 - -- "$exe" collect s
$py - "$canary_dir/out.txt" <<'PY' || { failed=$((failed + 1)); echo "FAIL: collect wrote a formula cell"; }
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
number = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
for row in rows:
    for cell in row:
        assert not (cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not number.match(cell))), cell
col = rows[0].index("projections.in_n.weight")
err = rows[0].index("error")
assert rows[1][col] == "'=HYPERLINK(\"http://x\")", rows[1][col]
assert rows[2][col] == "'@SUM(A1)", rows[2][col]
assert rows[1][err].startswith("'=cmd|' /C calc'!A0"), rows[1][err]
print("collect's CSV holds no formula cell")
PY
hostile_summary
