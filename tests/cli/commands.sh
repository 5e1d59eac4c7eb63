#!/usr/bin/env bash
# The gliasim command end to end: exit statuses, help, the model registry, a short run, the
# result file (with h5py when /usr/bin/python3 has it) and thread-count independence.
#   bash commands.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 2 ]; then echo "usage: $0 PATH/TO/gliasim REPOSITORY_ROOT"; exit 2; fi
# Absolute paths: the checks run in a temporary directory.
exe=$(realpath "$1")
root=$(realpath "$2")
exp="$root/experiments/quickstart.toml"
if [ ! -x "$exe" ] || [ ! -f "$exp" ]; then
  echo "FAIL: no executable $exe or no $exp"
  echo "0 passed, 1 failed"
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# pass, fail, run_cmd, expect_rc, expect_in
source "$here/helpers.sh"

# --- version and help ------------------------------------------------------------------------
run_cmd --version
expect_rc "--version" 0
expect_in "--version prints a version" "$out" '^gliasim [0-9]+\.[0-9]+\.[0-9]+'

run_cmd --help
expect_rc "--help" 0
expect_in "--help prints usage" "$out" '^usage: gliasim'
for c in run validate models info; do
  expect_in "--help lists '$c'" "$out" "^  $c"
done

for c in run validate models info; do
  run_cmd "$c" --help
  expect_rc "$c --help" 0
  expect_in "$c --help prints usage" "$out" "^usage: gliasim $c"
done
run_cmd run --help
expect_in "run --help documents --threads" "$out" '--threads'
expect_in "run --help documents --set" "$out" '--set'

run_cmd frobnicate
expect_rc "unknown command" 2
expect_in "unknown command is named" "$err" "unknown command 'frobnicate'"

run_cmd
expect_rc "no command" 2

# --- models ----------------------------------------------------------------------------------
run_cmd models
expect_rc "models" 0
for m in lif_curr_exp lif_cond_exp poisson_source spike_source_array dc_source poisson_generator \
  static; do
  expect_in "models lists $m" "$out" "^$m[[:space:]]"
done

run_cmd models lif_cond_exp
expect_rc "models lif_cond_exp" 0
# name, unit, default (docs/models.md).
expect_in "lif_cond_exp: V_th mV -55" "$out" '^  V_th +mV +-55 '
expect_in "lif_cond_exp: g_L nS 16.6667" "$out" '^  g_L +nS +16\.6667 '
expect_in "lif_cond_exp: C_m pF 250" "$out" '^  C_m +pF +250 '
expect_in "lif_cond_exp: tau_syn_ex ms 0.2" "$out" '^  tau_syn_ex +ms +0\.2 '
expect_in "lif_cond_exp: E_in mV -85" "$out" '^  E_in +mV +-85 '
expect_in "lif_cond_exp: I_e pA 0" "$out" '^  I_e +pA +0 '
expect_in "lif_cond_exp: state V_m" "$out" '^  V_m +mV'
expect_in "lif_cond_exp: receptors" "$out" 'receptors: excitatory, inhibitory'

run_cmd models nonsense
expect_rc "models nonsense" 2
expect_in "models nonsense says unknown" "$err" "unknown model 'nonsense'"

run_cmd models lif_cond_ex
expect_rc "models lif_cond_ex" 2
expect_in "models lif_cond_ex suggests lif_cond_exp" "$err" "did you mean 'lif_cond_exp'"

# --- run and info ----------------------------------------------------------------------------
# --ignore-resource-limits: what the machine has free at the moment is not tested here.
run_cmd run "$exp" -o X.h5 --set simulation.duration="200 ms" --ignore-resource-limits
expect_rc "run quickstart 200 ms" 0
expect_in "run prints the real-time factor" "$out" 'real-time factor'
for p in input exc inh; do
  expect_in "run summary names population $p" "$out" "^  $p +"
done
expect_in "run summary says 200 ms" "$out" 'simulated 200 ms'
if [ -s X.h5 ]; then pass "X.h5 exists"; else fail "X.h5 missing or empty"; fi

run_cmd info X.h5
expect_rc "info X.h5" 0
expect_in "info mentions spikes" "$out" '^spikes:'
expect_in "info counts exc spikes" "$out" '^  exc +[0-9]+ spikes'
expect_in "info mentions the report" "$out" 'exc/V_m: 200 samples x 10 nodes \[mV\]'
expect_in "info shows completed = 1" "$out" 'completed +1'
expect_in "info shows seed 42" "$out" 'seed +42'
expect_in "info shows the run id" "$out" "run_id +[0-9a-f]{32}$"
if [ -e X.h5.partial ]; then fail "X.h5.partial left after a completed run"; else pass "the partial file became X.h5"; fi

run_cmd info X.h5 --experiment
expect_rc "info --experiment" 0
expect_in "info --experiment prints the resolved duration" "$out" "^duration = '200 ms'"

echo "this is not HDF5" >not.h5
run_cmd info not.h5
expect_rc "info on a text file" 2
expect_in "info on a text file says so" "$err" 'not an HDF5 file'
run_cmd info missing.h5
expect_rc "info on a missing file" 2

# --- the file, with h5py ---------------------------------------------------------------------
have_h5py=0
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null; then
  have_h5py=1
fi
if [ "$have_h5py" -eq 1 ]; then
  if msg=$(/usr/bin/python3 - X.h5 <<'EOF' 2>&1
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)
t = f["spikes/exc/timestamps"]
ids = f["spikes/exc/node_ids"]
check(t.dtype == np.float64, "timestamps dtype %s" % t.dtype)
u = t.attrs.get("units")
u = u.decode() if isinstance(u, bytes) else u
check(u == "ms", "timestamps units %r" % u)
check(ids.dtype == np.uint64, "node_ids dtype %s" % ids.dtype)
check(len(t) == len(ids) and len(t) > 0, "spike counts %d / %d" % (len(t), len(ids)))
tv = t[:]
check(np.all(np.diff(tv) >= 0), "timestamps not sorted")
check(tv.min() >= 0.1 and tv.max() <= 200.0 + 1e-9, "timestamps outside the run")
check(np.allclose(tv * 10, np.round(tv * 10), atol=1e-6), "timestamps off the 0.1 ms grid")
check(ids[:].max() < 800, "node id out of range")
check("sorting" in f["spikes/exc"].attrs, "no sorting attribute")
d = f["report/exc/V_m/data"]
check(d.dtype == np.float32, "V_m dtype %s" % d.dtype)
check(d.ndim == 2 and d.shape == (200, 10), "V_m shape %s" % (d.shape,))
m = f["report/exc/V_m/mapping"]
n = len(m["node_ids"])
ip = m["index_pointers"][:]
check(len(ip) == n + 1 and list(ip) == list(range(n + 1)), "index_pointers %s" % ip)
check(list(m["time"][:]) == [1.0, 201.0, 1.0], "time %s" % m["time"][:])
e = f["metadata/experiment"][()]
e = e.decode() if isinstance(e, bytes) else e
check("[populations.exc]" in e and "duration = '200 ms'" in e, "metadata/experiment")
check(int(f["metadata"].attrs["completed"]) == 1, "completed")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF
  ); then pass "h5py reads the SONATA layout"; else fail "h5py check: $msg"; fi
else
  echo "skip: /usr/bin/python3 has no h5py; layout checks by h5py skipped"
fi

# --- thread-count independence ---------------------------------------------------------------
run_cmd run "$exp" -o T1.h5 --threads 1 --quiet --set simulation.duration="300 ms" --ignore-resource-limits
expect_rc "run --threads 1" 0
if [ -z "$out" ]; then pass "--quiet prints nothing"; else fail "--quiet printed: $out"; fi
run_cmd run "$exp" -o T2.h5 --threads 2 --quiet --set simulation.duration="300 ms" --ignore-resource-limits
expect_rc "run --threads 2" 0
if [ "$have_h5py" -eq 1 ]; then
  if msg=$(/usr/bin/python3 - T1.h5 T2.h5 <<'EOF' 2>&1
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
diff = []
n = 0
def visit(name, obj):
    global n
    if isinstance(obj, h5py.Dataset):
        n += 1
        if name not in b or not np.array_equal(obj[()], b[name][()]):
            diff.append(name)
for g in ("spikes", "report"):
    a[g].visititems(lambda name, obj: visit(g + "/" + name, obj))
if n < 10:
    diff.append("only %d datasets compared" % n)
assert int(a["metadata"].attrs["threads"]) == 1 and int(b["metadata"].attrs["threads"]) == 2
print(" ".join(diff))
sys.exit(1 if diff else 0)
EOF
  ); then pass "--threads 2 output equals --threads 1 output (h5py)"; else
    fail "--threads 2 differs from --threads 1: $msg"
  fi
elif command -v h5diff >/dev/null 2>&1; then
  if h5diff T1.h5 T2.h5 /spikes /spikes >/dev/null && h5diff T1.h5 T2.h5 /report /report >/dev/null
  then pass "--threads 2 output equals --threads 1 output (h5diff)"
  else fail "--threads 2 differs from --threads 1 (h5diff)"
  fi
else
  echo "skip: neither h5py nor h5diff; thread comparison skipped"
fi

# gliasim compare: two task files over seeds, side by side; refuses a non-task file.
if out=$("$exe" compare "$root/experiments/tasks/memory_capacity.toml" \
    "$root/experiments/tasks/memory_capacity_astro.toml" --seeds 2 --set task.train=300 \
    --set task.validation=100 --set task.test=100 --set task.max_delay=10 --set task.washout=20 \
    2>/dev/null) && echo "$out" | grep -q "^memory_capacity .*±"; then
  pass "compare prints the task's figures of both files"
else
  fail "compare: $out"
fi
"$exe" compare "$exp" "$exp" --seeds 1 >/dev/null 2>&1
[ $? -eq 2 ] && pass "compare refuses a file without [task] (exit 2)" ||
  fail "compare accepted a file without [task]"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
