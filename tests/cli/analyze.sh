#!/usr/bin/env bash
# gliasim analyze end to end: the table and JSON of a short quickstart run checked against the
# same file read by h5py, a folder with a manifest, and bad input (exit 2, messages naming the
# file or population).
#   bash analyze.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
here=$(dirname "$(realpath "$0")")
exe=$(realpath "$1")
root=$(realpath "$2")
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# shellcheck source=helpers.sh
source "$here/helpers.sh"

"$exe" run "$root/experiments/quickstart.toml" -o qs.h5 -q --set 'simulation.duration="500 ms"' ||
  fail "quickstart run"

# --- one file ---------------------------------------------------------------------------------
run_cmd analyze qs.h5
expect_rc "analyze qs.h5" 0
expect_in "table names every population" "$out" '^  exc +800 '
expect_in "table has the input population" "$out" '^  input +100 '
expect_in "table lists the V_m report" "$out" 'exc/V_m \[mV\]: 10 nodes x 500 samples'

# The JSON figures against h5py's own count of the same file: spikes, mean rate, window.
run_cmd analyze qs.h5 --json
expect_rc "analyze --json" 0
echo "$out" > qs.json
check=$("$py" - <<'PY'
import json, h5py, numpy as np
a = json.load(open("qs.json"))
f = h5py.File("qs.h5")
for p in a["populations"]:
    t = f["spikes"][p["population"]]["timestamps"][:]
    n = {"exc": 800, "inh": 200, "input": 100}[p["population"]]
    assert p["spikes"] == len(t), (p["population"], p["spikes"], len(t))
    assert abs(p["rate_hz"]["mean"] - len(t) / n / 0.5) < 1e-6
assert a["window_ms"] == [0, 500]
r = [r for r in a["reports"] if r["variable"] == "V_m"][0]
v = f["report/exc/V_m/data"][:]
assert abs(r["mean"] - v.mean()) < 1e-3 and abs(r["min"] - v.min()) < 1e-5 and abs(r["max"] - v.max()) < 1e-5
print("same")
PY
)
expect_in "JSON matches h5py's counts and V_m statistics" "$check" '^same$'

run_cmd analyze qs.h5 --population exc --from "100 ms" --to 300 --json
expect_rc "analyze --population --from --to" 0
check=$(echo "$out" | "$py" -c '
import json, sys, h5py
a = json.load(sys.stdin)
t = h5py.File("qs.h5")["spikes/exc/timestamps"][:]
inside = ((t - 0.05 >= 100) & (t - 0.05 < 300)).sum()
assert [p["population"] for p in a["populations"]] == ["exc"], a["populations"]
assert a["populations"][0]["spikes"] == inside, (a["populations"][0]["spikes"], inside)
print("window ok")')
expect_in "window counts the spikes inside it" "$check" '^window ok$'

# A killed run (completed = 0, datasets ending at its last flush, here 250 ms): the window ends
# where the data ends, so the figures equal those of the whole file cut at 250 ms.
cp qs.h5 killed.h5
"$py" - <<'PY'
import h5py
f = h5py.File("killed.h5", "r+")
f["metadata"].attrs["completed"] = 0
for p in f["spikes"]:
    g = f["spikes"][p]
    n = int((g["timestamps"][:] <= 250).sum())
    g["timestamps"].resize((n,))
    g["node_ids"].resize((n,))
for v in f["report/exc"]:
    f["report/exc"][v]["data"].resize((250, 10))
PY
run_cmd analyze killed.h5
expect_rc "analyze a killed run" 0
expect_in "says it is incomplete and where the data ends" "$out" 'INCOMPLETE run \(recorded until 250 of 500 ms\), window 0 \.\. 250 ms'
"$exe" analyze killed.h5 --json > killed.json
# info flags it on its first line (completed = 0), and a complete one not.
run_cmd info killed.h5
expect_rc "info on a killed run" 0
expect_in "info's first line says INCOMPLETE" "$(printf '%s\n' "$out" | head -1)" \
  '^killed.h5  INCOMPLETE: the run did not complete \(completed = 0\)$'
run_cmd info qs.h5
if printf '%s\n' "$out" | head -1 | grep -q INCOMPLETE; then fail "a complete run is flagged"
else pass "a complete run is not flagged INCOMPLETE"; fi
"$py" -c 'import h5py; f = h5py.File("killed.h5", "r+"); f["metadata"].attrs["stopped"] = b"interrupted by a signal at t = 250 ms"'
run_cmd info killed.h5
expect_in "info names why it stopped" "$(printf '%s\n' "$out" | head -1)" \
  'INCOMPLETE: .*completed = 0; stopped: interrupted by a signal at t = 250 ms\)$'
"$exe" analyze qs.h5 --to 250 --json > cut.json
check=$("$py" -c '
import json
a, b = json.load(open("killed.json")), json.load(open("cut.json"))
assert a["populations"] == b["populations"]
print("same figures")')
expect_in "killed run = whole run cut at its end" "$check" '^same figures$'

# --- a folder with a manifest ----------------------------------------------------------------
mkdir sweep
for w in 2 4; do
  "$exe" run "$root/experiments/quickstart.toml" -o "sweep/w$w.h5" -q \
    --set 'simulation.duration="200 ms"' --set "projections.input_exc.weight=\"$w nS\"" ||
    fail "sweep point $w"
done
printf 'point,weight,file\n0,2 nS,w2.h5\n1,4 nS,w4.h5\n' > sweep/manifest.csv
run_cmd analyze sweep
expect_rc "analyze DIR" 0
expect_in "DIR table joins the manifest's parameters" "$out" '^w2.h5 +0 +2 nS +exc '
expect_in "DIR table has one row per file and population" "$out" '^w4.h5 +1 +4 nS +input '
run_cmd analyze sweep --json
expect_in "DIR JSON carries the parameters" "$out" '"parameters": \{"point": "1", "weight": "4 nS"\}'

# The manifest `gliasim sweep` writes: tab-separated, run columns first, results under out/;
# a failed point without a result is noted and left out.
mkdir -p sweep2/out
cp sweep/w2.h5 sweep2/out/p0.h5
cp sweep/w4.h5 sweep2/out/p1.h5
{
  printf 'index\tid\tstatus\texit_code\twall_s\toutput\texperiment\terror\tprojections.input_exc.weight\n'
  printf '0\tp0\tdone\t0\t0.5\tout/p0.h5\tpoints/p0.toml\t\t"2 nS"\n'
  printf '1\tp1\tdone\t0\t0.5\tout/p1.h5\tpoints/p1.toml\t\t"4 nS"\n'
  printf '2\tp2\tfailed\t2\t0.1\tout/p2.h5\tpoints/p2.toml\tbad weight\t"-1 nS"\n'
} > sweep2/manifest.tsv
run_cmd analyze sweep2
expect_rc "analyze a sweep folder" 0
expect_in "sweep table: parameter columns only" "$out" '^file +projections.input_exc.weight population'
expect_in "sweep table: rows in manifest order" "$(printf '%s\n' "$out" | sed -n 2p)" '^p0.h5 +"2 nS" +exc '
expect_in "failed point noted" "$err" 'point 2 \(p2\): no result file out/p2.h5 \(status failed\)'

# A folder that `gliasim sweep` writes: the quickstart over two input weights, 200 ms each.
{ cat "$root/experiments/quickstart.toml"
  printf '\n[sweep.grid]\n"projections.input_exc.weight" = ["2 nS", "4 nS"]\n'; } |
  sed 's/^duration = "2 s"/duration = "200 ms"/' > qs_sweep.toml
if "$exe" sweep qs_sweep.toml -o real_sweep -j 2 > /dev/null; then
  run_cmd analyze real_sweep --population exc
  expect_rc "analyze a gliasim sweep folder" 0
  expect_in "one row per point, the swept weight in front" "$out" "'4 nS' exc +800 "
  rows=$(printf '%s\n' "$out" | grep -c " exc ")
  if [ "$rows" -eq 2 ]; then pass "two points, two rows"; else fail "two points, $rows rows"; fi
else
  fail "gliasim sweep of the quickstart"
fi

# --- bad input ---------------------------------------------------------------------------------
echo "not an HDF5 file" > junk.h5
run_cmd analyze junk.h5
expect_rc "non-HDF5 file" 2
expect_in "non-HDF5 file named" "$err" "junk.h5.*not an HDF5 file"

head -c 20000 qs.h5 > truncated.h5
run_cmd analyze truncated.h5
expect_rc "truncated file" 2
expect_in "truncated file named" "$err" "truncated.h5"

cp qs.h5 future.h5
"$py" -c 'import h5py, numpy; h5py.File("future.h5", "r+")["metadata"].attrs["version"] = numpy.bytes_("99.0.0")'
run_cmd analyze future.h5
expect_rc "future format version" 2
expect_in "future version named" "$err" "future.h5.*gliasim 99.0.0"

run_cmd analyze qs.h5 --population nope
expect_rc "missing population" 2
expect_in "missing population named" "$err" "qs.h5.*'nope'.*populations: exc, inh, input"

run_cmd analyze qs.h5 --to "5 s"
expect_rc "window past the end" 2
expect_in "window named" "$err" "window \[0, 5000\) ms"

run_cmd analyze qs.h5 --from soon
expect_rc "unparsable time" 2

run_cmd analyze missing.h5
expect_rc "missing file" 2

# A damaged file is refused in one line naming the file and dataset (tests/hostile/result.sh
# has many more).
cp qs.h5 ts2d.h5
"$py" -c '
import h5py, numpy as np
f = h5py.File("ts2d.h5", "r+")
t = f["spikes/exc/timestamps"][:]
del f["spikes/exc/timestamps"]
f["spikes/exc/timestamps"] = np.stack([t, t], axis=1)'
run_cmd analyze ts2d.h5
expect_rc "2-D timestamps" 2
expect_in "2-D timestamps: the shape named" "$err" \
  '^error: ts2d.h5: /spikes/exc/timestamps: expected a 1-D float64 dataset, found a 2-D float64 dataset \([0-9]+ x 2\)$'
cp qs.h5 bigdur.h5
"$py" -c 'import h5py; h5py.File("bigdur.h5", "r+")["metadata"].attrs["duration_ms"] = 1e15'
run_cmd analyze bigdur.h5
expect_rc "huge duration_ms" 2
expect_in "huge duration_ms: bounded with a message" "$err" 'population-rate bins of 1 ms, more than 5e\+07'

mkdir empty
run_cmd analyze empty
expect_rc "folder without results" 2
expect_in "empty folder named" "$err" "no result files in folder 'empty'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
