#!/usr/bin/env bash
# gliasim sweep / collect end to end with the local executor: a sweep killed mid-way (SIGKILL)
# resumes without rerunning finished points, a bad point fails alone with its error in the
# manifest, malformed sweeps exit 2 naming file:line:column, and collect's table matches the
# result files.
#   bash sweep.sh PATH/TO/gliasim
set -u
if [ $# -ne 1 ]; then echo "usage: $0 PATH/TO/gliasim"; exit 2; fi
exe=$(realpath "$1")
fixtures=$(realpath "$(dirname "$0")/../fixtures/sweep")
experiments=$(realpath "$(dirname "$0")/../../experiments")
work=$(mktemp -d)
sweep_pid=
cleanup() {
  [ -n "$sweep_pid" ] && kill -9 "$sweep_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() { if eval "$2"; then pass "$1"; else fail "$1  [$2]"; fi; }

# The manifest column of a point (by id) or the count of points with a status.
col() { awk -F'\t' -v id="$1" -v c="$2" 'NR==1{for(i=1;i<=NF;i++) h[$i]=i; next} $2==id{print $h[c]}' "$3/manifest.tsv"; }
count_status() { awk -F'\t' -v s="$1" 'NR>1 && $3==s{n++} END{print n+0}' "$2/manifest.tsv"; }

# A small network; each point simulates 20 s (about 0.3-0.6 s of wall time) so that a sweep
# can be killed while points are running. Its 26 lines put the [sweep] table at line 27.
cp "$fixtures/tiny_network.toml" base.toml

# --- resume after SIGKILL ---------------------------------------------------------------------
{ cat base.toml; cat <<'EOF'
[sweep]
seeds = 2
[sweep.grid]
"projections.in_n.weight" = ["8 nS", "10 nS", "12 nS", "14 nS", "16 nS"]
EOF
} > resume.toml
"$exe" sweep resume.toml -o r --local -j 2 > first.log 2>&1 &
sweep_pid=$!
disown "$sweep_pid" # no "Killed" job report from bash
for _ in $(seq 6000); do
  [ -f r/manifest.tsv ] && [ "$(count_status done r)" -ge 3 ] && break
  sleep 0.05
done
"$exe" sweep resume.toml -o r -j 2 > second_sweep.log 2>&1
rc=$?
check "a second sweep in the same directory is refused" "[ $rc -eq 1 ] && grep -q 'another gliasim sweep is running' second_sweep.log"
"$exe" sweep --status r > live_status.log 2>&1
check "--status during a local sweep says it is running and leaves the manifest alone" "grep -q '(a gliasim sweep is running in this directory)' live_status.log"
kill -9 "$sweep_pid"
while kill -0 "$sweep_pid" 2>/dev/null; do sleep 0.05; done
sweep_pid=
sleep 0.5
done_before=$(count_status done r)
check "the sweep was killed mid-way ($done_before of 10 done)" "[ $done_before -ge 3 ] && [ $done_before -lt 10 ]"
# No child outlives the killed sweep (they die with it: PR_SET_PDEATHSIG).
check "no orphan run left writing into the sweep" "! pgrep -f '$work/r/points' > /dev/null"
check "the manifest survived the kill whole (11 lines)" "[ \$(wc -l < r/manifest.tsv) -eq 11 ]"
"$exe" sweep --status r > dead_status.log 2>&1
check "--status after the kill shows no point running, the interrupted ones pending" "grep -q '10 points: $done_before done, 0 running, $((10 - done_before)) pending, 0 failed$' dead_status.log"
# A point can finish (its output renamed into place) between the sweep's last manifest write
# and the kill: the resume counts it done from its verified output, so "done earlier" is the
# count of finished outputs, which is at least the manifest's count.
declare -A mtime
finished=0
for out in r/out/*.h5; do
  [ -f "$out" ] || continue
  id=$(basename "$out" .h5)
  mtime[$id]=$(stat -c %Y.%y "$out")
  finished=$((finished + 1))
done
check "the finished outputs include every point the manifest says is done ($finished >= $done_before)" "[ $finished -ge $done_before ]"
"$exe" sweep resume.toml -o r --local -j 2 > second.log 2>&1
rc=$?
check "the resumed sweep exits 0" "[ $rc -eq 0 ]"
check "every point is done after the resume" "[ \$(count_status done r) -eq 10 ]"
check "the resume reports $finished points done earlier" "grep -q '($finished from an earlier run)' second.log"
check "the resume ran exactly the $((10 - finished)) unfinished points" "[ \$(grep -c '^\[' second.log) -eq $((10 - finished)) ]"
unchanged=0
for id in "${!mtime[@]}"; do
  [ "$(stat -c %Y.%y "r/out/$id.h5")" = "${mtime[$id]}" ] && unchanged=$((unchanged + 1))
done
check "no finished output was rewritten ($unchanged of $finished unchanged)" "[ $unchanged -eq $finished ]"
# A third run has nothing to do.
"$exe" sweep resume.toml -o r -j 2 > third.log 2>&1
check "a finished sweep reruns nothing" "grep -q '10 done (10 from an earlier run)' third.log && ! grep -q '^\[' third.log"
# A deleted output is missing again, and only it reruns.
id3=$(awk -F'\t' 'NR==5{print $2}' r/manifest.tsv)
rm "r/out/$id3.h5"
"$exe" sweep resume.toml -o r -j 2 > fourth.log 2>&1
check "a missing output reruns alone" "[ \$(grep -c '^\[' fourth.log) -eq 1 ] && grep -q \"$id3 done\" fourth.log"

# --- a bad point fails alone ------------------------------------------------------------------
{ cat base.toml; cat <<'EOF'
[sweep.grid]
"projections.in_n.weight" = ["8 nS", "-3 mV", "12 nS"]
EOF
} > bad.toml
"$exe" sweep bad.toml -o b -j 2 --set 'simulation.duration="200 ms"' > bad.log 2>&1
rc=$?
check "a sweep with a failed point exits 1" "[ $rc -eq 1 ]"
bad_id=$(awk -F'\t' 'NR==3{print $2}' b/manifest.tsv)
check "the bad point is failed with exit code 2" "[ \"\$(col $bad_id status b)\" = failed ] && [ \"\$(col $bad_id exit_code b)\" = 2 ]"
check "its error names the sweep file, line and value" "col $bad_id error b | grep -q \"bad.toml:28:38: error: projections.in_n.weight: .*-3 mV\""
check "the other points are done" "[ \$(count_status done b) -eq 2 ]"
# Resume trusts the outputs, not the manifest: without it nothing reruns...
rm b/manifest.tsv
"$exe" sweep bad.toml -o b -j 2 --set 'simulation.duration="200 ms"' > bad2.log 2>&1
check "a lost manifest is rebuilt from the verified outputs" "grep -q '2 done (2 from an earlier run)' bad2.log && ! grep -q '^\[' bad2.log"
# ...and an output of another experiment text (here: another duration) does not count.
"$exe" sweep bad.toml -o b -j 2 --set 'simulation.duration="300 ms"' > bad3.log 2>&1
check "an edited experiment reruns its points" "grep -q '2 done (0 from an earlier run)' bad3.log && [ \$(grep -c '^\[' bad3.log) -eq 2 ]"
# A point that fails for a reason of its own (its output path is a directory: refused before
# simulating, exit 2) fails alone too.
{ cat base.toml; cat <<'EOF'
[sweep]
seeds = [1, 2, 3]
EOF
} > runtime.toml
"$exe" sweep runtime.toml -o f --dry-run > /dev/null
check "--dry-run writes nothing" "[ ! -e f ]"
"$exe" sweep runtime.toml -o f -j 2 --set 'simulation.duration="100 ms"' > f.log 2>&1
id1=$(awk -F'\t' 'NR==3{print $2}' f/manifest.tsv)
rm -rf f/out/*.h5 && mkdir "f/out/$id1.h5"
"$exe" sweep runtime.toml -o f -j 2 --set 'simulation.duration="100 ms"' > f2.log 2>&1
rc=$?
check "a failing point makes the sweep exit 1, the others rerun and finish" "[ $rc -eq 1 ] && [ \$(count_status done f) -eq 2 ]"
check "the failure's exit code and error are in the manifest" "[ \"\$(col $id1 exit_code f)\" = 2 ] && col $id1 error f | grep -q 'error'"
"$exe" sweep --status f > status.log 2>&1
rc=$?
check "--status lists every point and exits 1 with a failure" "[ $rc -eq 1 ] && grep -q '3 points: 2 done, 0 running, 0 pending, 1 failed' status.log"

# --- malformed sweeps exit 2 before running anything ------------------------------------------
{ cat base.toml; printf '[sweep.zip]\n"a.b" = [1, 2]\n"c.d" = [1]\n'; } > zip.toml
"$exe" sweep zip.toml -o z > zip.log 2>&1
rc=$?
check "unequal zip lists exit 2 naming file:line:column and key" "[ $rc -eq 2 ] && grep -q 'zip.toml:29:9: error: sweep.zip.c.d: zip lists must have equal lengths' zip.log"
{ cat base.toml; printf '[sweep.grid]\n"projections.in_n.wieght" = ["1 nS"]\n'; } > typo.toml
"$exe" sweep typo.toml -o t > typo.log 2>&1
rc=$?
check "a key the experiment does not have exits 2" "[ $rc -eq 2 ] && grep -q 'every point is invalid' typo.log && grep -q 'typo.toml:28:' typo.log"
check "nothing ran for the malformed sweeps" "[ ! -e z ] && [ ! -e t/out/*.h5 ]"

# --- collect ----------------------------------------------------------------------------------
"$exe" collect r -o table.csv --h5 table.h5
rc=$?
check "collect exits 0" "[ $rc -eq 0 ]"
check "collect writes one row per point" "[ \$(wc -l < table.csv) -eq 11 ]"
check "collect has the parameters, status and rates" "head -1 table.csv | grep -q 'projections.in_n.weight,simulation.seed,projections.in_n.weight \[nS\],error' && head -1 table.csv | grep -q 'rate_hz.n'"
"$exe" collect b > b.csv
check "collect keeps failed points with their error, the value guarded against formula injection" "grep -q \"failed,2,,'-3 mV\" b.csv"
if /usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null; then
  # The rate in the table is spikes / size / duration, recounted here from the result file.
  /usr/bin/python3 - "$work" <<'EOF'
import csv, sys, h5py, numpy as np
work = sys.argv[1]
rows = list(csv.DictReader(open(f"{work}/table.csv")))
t = h5py.File(f"{work}/table.h5")
cols = [c.decode() for c in t["columns"][:]]
assert cols[:3] == ["index", "id", "status"], cols
for i, row in enumerate(rows):
    out = h5py.File(f"{work}/r/out/{row['id']}.h5")
    n = len(out["spikes/n/timestamps"])
    rate = n / 100 / 20.0
    assert abs(float(row["rate_hz.n"]) - rate) <= 1e-5 * max(rate, 1), (row["rate_hz.n"], rate)
    assert abs(t["table/rate_hz.n"][i] - rate) <= 1e-5 * max(rate, 1)
    assert t["table/projections.in_n.weight [nS]"][i] == float(row["projections.in_n.weight"].split()[0])
    assert t["table/id"][i].decode() == row["id"]
    assert int(out["metadata"].attrs["seed"]) == int(row["simulation.seed"])
print("table checked against", len(rows), "result files")
EOF
  check "collect's CSV and HDF5 table match the result files" "[ $? -eq 0 ]"
else
  echo "note: /usr/bin/python3 has no h5py; the HDF5 table was not checked"
fi

# Values round-trip: multi-line TOML strings, quotes, commas and formula-like values come back
# exactly from collect's CSV (RFC 4180, and a leading ' added by the OWASP rule taken off), and
# no cell starts like a formula. Only the first model is valid; the others fail as points but
# keep their values in the table.
{ cat base.toml; cat <<'EOF'
[sweep.grid]
"populations.n.model" = ["lif_cond_exp", """line 1
line 2, with "quotes"
""", '=HYPERLINK("http://x")', "+1", "@A1", "-3 mV", "'quoted", "tab\there", "back\\slash\\n"]
EOF
} > values.toml
"$exe" sweep values.toml -o v -j 1 -q --set 'simulation.duration="50 ms"' > values.log 2>&1
"$exe" collect v > values.csv
python3 - values.toml values.csv <<'EOF'
import csv, re, sys, tomllib
want = tomllib.load(open(sys.argv[1], "rb"))["sweep"]["grid"]["populations.n.model"]
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
got = [r["populations.n.model"] for r in rows]
number = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
for cell in got:
    assert cell[:1] not in ("=", "+", "@", "\t", "\r") and not (cell[:1] == "-" and not number.match(cell)), cell
unguarded = [c[1:] if c.startswith("'") else c for c in got]
assert unguarded == want, (unguarded, want)
print("values round-trip through collect:", len(want))
EOF
check "collect reproduces multi-line and formula-like values exactly, guarded" "[ $? -eq 0 ]"

# A task experiment's /task figures reach the table (memory capacity, shortened to ~1 s).
sed -e 's/^washout = 100/washout = 40/; s/^train = 2000/train = 300/' \
    -e 's/^validation = 400/validation = 100/; s/^test = 600/test = 100/' \
    "$experiments/tasks/memory_capacity.toml" > task.toml
printf '\n[sweep]\nseeds = [5]\n' >> task.toml
"$exe" sweep task.toml -o mc -j 1 -q > mc.log 2>&1 && "$exe" collect mc > mc.csv
mc_col=$(head -1 mc.csv | tr ',' '\n' | grep -nx 'task.memory_capacity' | cut -d: -f1)
mc_value=$(sed -n 2p mc.csv | cut -d, -f"${mc_col:-1}")
mc_id=$(sed -n 2p mc.csv | cut -d, -f2)
check "collect has the task's memory capacity ($mc_value)" "[ -n '$mc_col' ] && awk -v v='$mc_value' 'BEGIN{exit !(v > 0)}' && grep -q 'task.kind' <(head -1 mc.csv)"
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
  check "it is the result file's /task memory_capacity" "/usr/bin/python3 -c \"import h5py, sys; v = h5py.File('mc/out/$mc_id.h5')['task'].attrs['memory_capacity']; sys.exit(int(abs(v - $mc_value) > 1e-5 * abs(v)))\""
fi

# --- Slurm script (dry run: no Slurm needed) --------------------------------------------------
"$exe" sweep resume.toml -o s --slurm --dry-run --time 00:01:00 --mem 100M > sbatch.txt 2>&1
check "--slurm --dry-run prints a 10-task array script with the resources" "grep -q '^#SBATCH --array=0-9$' sbatch.txt && grep -q '^#SBATCH --time=00:01:00$' sbatch.txt && grep -q '^#SBATCH --mem=100M$' sbatch.txt && grep -q 'sweep-task' sbatch.txt"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
