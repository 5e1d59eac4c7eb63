#!/usr/bin/env bash
# The benchmark tooling that runs without Brian 2: gliasim's cpu_simulate_s in /metadata, and the
# statistics and docs splicing of experiments/bench/compare_brian.py against hand-computed values.
#   bash bench_tools.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
if [ $# -ne 2 ]; then echo "usage: $0 PATH/TO/gliasim REPOSITORY_ROOT"; exit 2; fi
exe=$(realpath "$1")
root=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# CPU time of the run: positive, and one thread cannot use more CPU than the wall time of the
# same interval. cpu_simulate_s spans the whole run call, periodic flushes included, which
# wall_simulate_s does not; so the bound is wall_simulate_s + wall_write_s, with 20 ms slack for
# the process CPU clock's granularity and the bookkeeping between the two clocks' reads (a
# 50 ms run takes about 10 ms, so the check was flaky against the loop's wall time alone).
"$exe" run "$root/experiments/coba.toml" -o "$tmp/coba.h5" -q --set 'simulation.duration="50 ms"' \
  --set simulation.threads=1 || { echo "FAIL: coba run"; fail=1; }
meta() { "$exe" info "$tmp/coba.h5" | awk -v k="$1" '$1 == k { print $2 }'; }
cpu=$(meta cpu_simulate_s)
wall=$(meta wall_simulate_s)
write=$(meta wall_write_s)
if awk -v c="$cpu" -v w="$wall" -v x="$write" 'BEGIN { exit !(c > 0 && c <= w + x + 0.02) }'; then
  echo "ok: cpu_simulate_s = $cpu s (wall $wall s)"
else
  echo "FAIL: cpu_simulate_s '$cpu' not in (0, wall '$wall' + write '$write' + 0.02]"; fail=1
fi

if ! /usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null; then
  echo "skipped: compare_brian.py checks (no h5py/numpy for /usr/bin/python3)"
  exit $fail
fi
/usr/bin/python3 - "$root/experiments/bench" "$tmp" <<'PY' || fail=1
import os, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import compare_brian as cb

ok = True
def check(name, cond):
    global ok
    print(("ok: " if cond else "FAIL: ") + name)
    ok &= bool(cond)

# Neuron 0: ISIs 0.1, 0.2 -> CV 0.05/0.15 = 1/3; neuron 1: ISIs 0.2 x 3 -> 0; neuron 2: one ISI
# (dropped); neuron 3: its only ISI after t_skip = 0.1 s starts at 0.15 (the spike at 0.05 is
# skipped) -> dropped. Spikes given unsorted.
ids = np.array([1, 0, 0, 3, 0, 1, 1, 2, 1, 2, 3])
t = np.array([0.8, 0.5, 0.2, 0.05, 0.3, 0.2, 0.6, 0.3, 0.4, 0.5, 0.15])
cv = np.sort(cb.cv_isi(ids, t))
check("cv_isi hand example", len(cv) == 2 and abs(cv[0]) < 1e-12 and abs(cv[1] - 1 / 3) < 1e-12)
# KS: {1, 2, 3} vs {2, 3, 4}: the empirical CDFs differ by 1/3 at most.
check("ks_distance hand example", abs(cb.ks_distance(np.array([1., 2, 3]), np.array([2., 3, 4])) - 1 / 3) < 1e-12)
check("ks_distance of identical samples", cb.ks_distance(np.array([1., 2]), np.array([2., 1])) == 0)

# The generated section is replaced between the markers and the rest of the file kept.
doc = os.path.join(sys.argv[2], "perf.md")
open(doc, "w").write(f"# P\n\nbefore\n{cb.BEGIN}\nold\n{cb.END}\nafter\n")
cb.write_docs(f"{cb.BEGIN}\nnew\n{cb.END}", doc)
check("write_docs replaces the marked section", open(doc).read() == f"# P\n\nbefore\n{cb.BEGIN}\nnew\n{cb.END}\nafter\n")
os.remove(doc)
cb.write_docs(f"{cb.BEGIN}\nnew\n{cb.END}", doc)
check("write_docs starts a missing file", cb.BEGIN in open(doc).read())
sys.exit(0 if ok else 1)
PY
exit $fail
