#!/usr/bin/env bash
# gliasim plot: every shipped experiment, run briefly, gives a valid PNG (signature, IHDR, size),
# each kind of figure works on a run that has its data, PDF output, and bad input exits 2.
#   bash plot.sh PATH/TO/gliasim REPOSITORY_ROOT
set -u
here=$(dirname "$(realpath "$0")")
exe=$(realpath "$1")
root=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# shellcheck source=helpers.sh
source "$here/helpers.sh"

if ! /usr/bin/python3 -c 'import matplotlib, h5py' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 lacks matplotlib or h5py (scripts/install_deps.sh installs them)"
  exit 0
fi

# valid_png WHAT FILE MIN_BYTES: the PNG signature, an IHDR chunk with a non-zero size, and at
# least MIN_BYTES (a blank figure compresses to a few KB).
valid_png() {
  if /usr/bin/python3 - "$2" "$3" <<'PY'
import struct, sys, os
path, least = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
assert data[12:16] == b"IHDR", "no IHDR chunk"
w, h = struct.unpack(">II", data[16:24])
assert w >= 300 and h >= 200, f"{w} x {h} pixels"
assert len(data) >= least, f"{len(data)} bytes"
PY
  then pass "$1"; else fail "$1"; fi
}

# Every shipped experiment but the four largest networks (10 000+ neurons; building them is
# most of the cost, and cli.experiments_run already runs them), 50 ms, its default figure
# (raster, or astro without spikes).
large=" brunel astro_brunel nalsm_8000 fashion_mnist_nalsm8000 "
while IFS= read -r -d '' f; do
  name=$(basename "$f" .toml)
  [[ "$large" == *" $name "* ]] && continue
  if ! "$exe" run "$f" -o "$name.h5" -q --threads 2 --set 'simulation.duration="50 ms"' >log 2>&1; then
    fail "$name: run"; cat log; continue
  fi
  run_cmd plot "$name.h5" -o "$name.png"
  if [ "$rc" -eq 2 ] && printf '%s' "$err" | grep -q "holds neither spikes nor report samples"; then
    pass "$name records nothing to draw, and plot says so"  # e.g. tasks without recorders, or reports sampled less often than 50 ms
    continue
  fi
  expect_rc "plot $name" 0
  valid_png "$name.png is a PNG" "$name.png" 10000
done < <(find "$root/experiments" -name '*.toml' -not -path '*/bench/*' -not -path '*/parts/*' -print0 | sort -z)

# Each kind on a run that has its data.
"$exe" run "$root/experiments/quickstart.toml" -o qs.h5 -q --set 'simulation.duration="500 ms"'
for kind in raster isi rates; do
  run_cmd plot qs.h5 "$kind"
  expect_rc "plot $kind" 0
  valid_png "qs_$kind.png (default name)" "qs_$kind.png" 15000
done
run_cmd plot qs.h5 raster -o qs.pdf
expect_rc "plot to PDF" 0
expect_in "PDF written" "$(head -c 5 qs.pdf)" '^%PDF-'

"$exe" run "$root/experiments/astro_single.toml" -o astro.h5 -q --set 'simulation.duration="10 s"'
run_cmd plot astro.h5 astro
expect_rc "plot astro" 0
valid_png "astro_astro.png" astro_astro.png 20000

"$exe" run "$root/experiments/coba_stdp.toml" -o stdp.h5 -q --set 'simulation.duration="300 ms"'
run_cmd plot stdp.h5 weights
expect_rc "plot weights" 0
valid_png "stdp_weights.png" stdp_weights.png 10000

"$exe" run "$root/experiments/tasks/memory_capacity.toml" -o mc.h5 -q --set task.washout=20 \
  --set task.train=100 --set task.validation=40 --set task.test=60 --set task.max_delay=10
run_cmd plot mc.h5 memory
expect_rc "plot memory" 0
valid_png "mc_memory.png" mc_memory.png 10000

mkdir sweep
printf 'weight,rate,file\n' > sweep/manifest.csv
for w in 2 4; do
  for r in 5 10; do
    "$exe" run "$root/experiments/quickstart.toml" -o "sweep/p_${w}_$r.h5" -q \
      --set 'simulation.duration="200 ms"' --set "projections.input_exc.weight=\"$w nS\"" \
      --set "populations.input.rate=\"$r Hz\""
    printf '%s nS,%s Hz,p_%s_%s.h5\n' "$w" "$r" "$w" "$r" >> sweep/manifest.csv
  done
done
run_cmd plot sweep heatmap -p exc --metric synchrony_chi -o heat.png
expect_rc "plot heatmap" 0
valid_png "heat.png" heat.png 10000
# all: every figure the file has data for, into a folder.
run_cmd plot qs.h5 all -o every
expect_rc "plot all" 0
for kind in raster isi rates; do valid_png "all: qs_$kind.png" "every/qs_$kind.png" 15000; done
if [ ! -e every/qs_astro.png ]; then pass "all: no astro figure without astrocytes"; else
  fail "all: an astro figure without astrocytes"; fi

# One swept parameter: the metric against it, a line per population.
mkdir sweep1
cp sweep/p_2_5.h5 sweep/p_4_5.h5 sweep1/
printf 'weight,file\n2 nS,p_2_5.h5\n4 nS,p_4_5.h5\n' > sweep1/manifest.csv
run_cmd plot sweep1 heatmap --metric cv_isi.mean -o line.png
expect_rc "plot one swept parameter" 0
valid_png "line.png" line.png 10000

# Bad input: exit 2 with the reason.
run_cmd plot missing.h5
expect_rc "missing file" 2
expect_in "missing file named" "$err" "missing.h5"
run_cmd plot qs.h5 astro
expect_rc "astro without an astrocyte report" 2
expect_in "says what is missing" "$err" "no astrocyte report"
run_cmd plot qs.h5 memory
expect_rc "memory without /task" 2
run_cmd plot qs.h5 raster -p nope
expect_rc "unknown population" 2
expect_in "population named" "$err" "'nope'"
run_cmd plot qs.h5 sparkles
expect_rc "unknown kind" 2
run_cmd plot qs.h5 -o qs.jpg
expect_rc "unsupported output type" 2

# Damaged files and bad arguments: one line on stderr (no traceback), exit 2, no figure.
expect_one_line() {
  local lines
  lines=$(printf '%s\n' "$err" | grep -c .)
  if [ "$lines" -eq 1 ] && ! printf '%s' "$err" | grep -q Traceback; then pass "$1: one line"
  else fail "$1: $lines lines on stderr"; printf '%s\n' "$err" | head -5 | sed 's/^/  | /'; fi
}
echo "not hdf5" > text.h5
cp qs.h5 nan.h5
/usr/bin/python3 -c '
import h5py, numpy as np
f = h5py.File("nan.h5", "r+")
t = f["spikes/exc/timestamps"][:]
t[3] = np.nan
del f["spikes/exc/timestamps"]
f["spikes/exc/timestamps"] = t'
cp qs.h5 exp2d.h5
/usr/bin/python3 -c '
import h5py, numpy as np
f = h5py.File("exp2d.h5", "r+")
del f["metadata/experiment"]
f["metadata/experiment"] = np.arange(6.0).reshape(2, 3)'
mkfifo fifo.h5
for bad in missing.h5 text.h5 nan.h5 exp2d.h5 fifo.h5; do
  run_cmd plot "$bad" -o bad.png
  expect_rc "plot $bad" 2
  expect_one_line "plot $bad"
  [ ! -e bad.png ] || fail "plot $bad wrote bad.png"
done
expect_in "NaN time named" "$(run_cmd plot nan.h5; echo "$err")" 'spikes/exc/timestamps: value nan is not a finite number'
run_cmd plot qs.h5 --from soon
expect_rc "bad --from" 2
expect_one_line "bad --from"

# No python, or a python without matplotlib (-S hides Debian's packages): exit 1, and the
# message says what to install.
export GLIASIM_PYTHON="$work/no-such-python"
run_cmd plot qs.h5
expect_rc "no python" 1
expect_in "no python: says what to install" "$err" "python3-matplotlib"
printf '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n' > bare-python
chmod +x bare-python
export GLIASIM_PYTHON="$work/bare-python"
run_cmd plot qs.h5
expect_rc "python without matplotlib" 1
expect_in "no matplotlib: says what to install" "$err" "python3-matplotlib"
unset GLIASIM_PYTHON

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
