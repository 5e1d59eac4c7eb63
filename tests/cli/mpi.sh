#!/usr/bin/env bash
# One network over MPI ranks (docs/cluster.md): `mpirun -np R gliasim run` at R = 1, 2, 4 ranks
# x 1, 2 threads per rank must write the same file as one process (every dataset outside
# /metadata byte-equal), for COBA, COBA with astrocytes and their slow inward current (SIC), the
# small astrocyte Brunel network (Tsodyks-Markram synapses, SIC, Poisson input), a network whose
# synapses read their astrocyte's state (gliotransmission), one whose STDP reads it (NALSM) and
# one whose neurons read it (AMSU with an external astrocyte).
# Also: /metadata records the ranks and the exchange time, and what is not supported over ranks
# is refused with status 2.
# Registered only in a GLIASIM_MPI build (ctest -L mpi); 4 ranks run oversubscribed.
#   bash mpi.sh PATH/TO/gliasim REPOSITORY_ROOT PATH/TO/mpirun
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 3 ]; then echo "usage: $0 PATH/TO/gliasim REPOSITORY_ROOT PATH/TO/mpirun"; exit 2; fi
exe=$(realpath "$1")
root=$(realpath "$2")
mpirun=$3
py=/usr/bin/python3

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# pass, fail, run_cmd, expect_rc, expect_in, same
source "$here/helpers.sh"
if ! "$py" -c 'import h5py' 2>/dev/null; then
  echo "FAIL: h5py is missing (scripts/install_deps.sh installs python3-h5py)"; exit 1
fi

# More ranks x threads than cores: threads that wait must yield (OpenMP and Open MPI), or a
# run on a 2-core machine takes minutes instead of seconds.
export OMP_WAIT_POLICY=passive
launch=("$mpirun" --oversubscribe --bind-to none --mca mpi_yield_when_idle 1)
[ "$(id -u)" = 0 ] && launch+=(--allow-run-as-root)

# mpi_cmd R ARGS...: gliasim on R ranks, with $out, $err, $rc as run_cmd.
mpi_cmd() {
  local ranks=$1
  shift
  "${launch[@]}" -np "$ranks" "$exe" "$@" >"$work/out.txt" 2>"$work/err.txt"
  rc=$?
  out=$(cat "$work/out.txt")
  err=$(cat "$work/err.txt")
}

# attr FILE NAME: an attribute of /metadata.
attr() { "$py" -c "import h5py; print(h5py.File('$1')['metadata'].attrs['$2'])"; }

# trial NAME FILE DURATION: the one-process run, then every rank and thread count compared.
trial() {
  local name=$1 file=$2 duration=$3
  local set=(-q --set "simulation.duration=\"$duration\"")
  "$exe" run "$file" -o "$name.ref.h5" "${set[@]}" --threads 1 ||
    { fail "$name: one-process run"; return; }
  for ranks in 1 2 4; do
    for threads in 1 2; do
      # One rank under mpirun only once: it is the one-process run with MPI started.
      [ "$ranks" = 1 ] && [ "$threads" = 2 ] && continue
      local tag="$name.r${ranks}t$threads"
      mpi_cmd "$ranks" run "$file" -o "$tag.h5" "${set[@]}" --threads "$threads"
      expect_rc "$tag: runs" 0
      [ "$rc" = 0 ] || continue
      expect_in "$tag: same output as one process" "$(same "$name.ref.h5" "$tag.h5")" '^same$'
      [ "$(attr "$tag.h5" ranks)" = "$ranks" ] && pass "$tag: /metadata ranks = $ranks" ||
        fail "$tag: /metadata ranks = $(attr "$tag.h5" ranks)"
    done
  done
}

# Durations where the astrocyte pathways are active: without their exchange the outputs differ.
trial coba "$root/experiments/coba.toml" "300 ms"
trial coba_sic "$root/experiments/coba_sic.toml" "1 s"
trial astro_brunel_small "$root/experiments/astro_brunel_small.toml" "1 s"
# Gliotransmission: synapses read their astrocyte's Gamma_S when they deliver. coba_astro.toml
# without its gap junctions (refused over several ranks, see below), and with a calcium
# threshold that its astrocytes cross within the run.
sed '/^coupling = /d; s/^\[populations.astro\]$/&\nC_theta = "0.02 uM"/' \
  "$root/experiments/coba_astro.toml" >coba_astro_glio.toml
trial coba_astro_glio coba_astro_glio.toml "500 ms"
# STDP modulated by an astrocyte's state (NALSM: one astrocyte, read by the synapses of every
# rank), without the weight recorders and the branching factor (refused over several ranks).
awk '/^\[/ { skip = ($0 ~ /^\[analysis\]/ || $0 ~ /_weights\]$/) } !skip' \
  "$root/experiments/nalsm_1000.toml" >nalsm_plain.toml
trial nalsm "nalsm_plain.toml" "300 ms"
# A population reading another's state (`modulator = "pop.var"`, copied at slice starts): AMSU
# units and 2 astrocytes (tests/fixtures, as in tests/models/test_modulator.cpp); at 4 ranks units read an astrocyte that
# another rank owns.
trial amsu_external "$root/tests/fixtures/amsu_external.toml" "2 s"

# --- the summary and /metadata -----------------------------------------------------------------
coba="$root/experiments/coba.toml"
short=(--set 'simulation.duration="50 ms"')
mpi_cmd 2 run "$coba" -o summary.h5 "${short[@]}"
expect_rc "summary run" 0
expect_in "the summary is printed once" "$(printf '%s\n' "$out" | grep -c '^gliasim ')" '^1$'
expect_in "the summary names ranks and threads" "$out" "2 MPI ranks x 1 thread"
expect_in "the summary gives the exchange time" "$out" \
  "exchange between ranks: [0-9.]+ s in 500 slices"
exchange=$(attr summary.h5 wall_exchange_s)
"$py" -c "import sys; sys.exit(0 if float('$exchange') > 0 else 1)" &&
  pass "/metadata wall_exchange_s > 0 ($exchange)" || fail "/metadata wall_exchange_s = $exchange"

# --- a numerical fault: every rank stops at the same check, with one process's message ------
diverging="$root/tests/reliability/diverging_adex.toml"
"$exe" run "$diverging" -o nan.ref.h5 -q 2>nan.ref.err
for ranks in 2 4; do
  mpi_cmd "$ranks" run "$diverging" -o "nan.r$ranks.h5" -q
  expect_rc "fault on $ranks ranks" 1
  [ "$(grep -m1 'numerical fault' <<<"$err")" = "$(cat nan.ref.err)" ] &&
    pass "fault on $ranks ranks: the one-process message" ||
    fail "fault on $ranks ranks: '$(grep -m1 'numerical fault' <<<"$err")' vs '$(cat nan.ref.err)'"
  expect_in "fault on $ranks ranks: the file up to the fault" "$(same nan.ref.h5 "nan.r$ranks.h5")" \
    '^same$'
done

# --- refusals: every rank exits with status 2 --------------------------------------------------
mpi_cmd 2 run "$coba" -o summary.h5 "${short[@]}"
expect_rc "existing output without --overwrite" 2
expect_in "says the output exists" "$err" "summary.h5"
mpi_cmd 2 run "$coba" -o ck.h5 "${short[@]}" --checkpoint-every "10 ms"
expect_rc "checkpoints over ranks" 2
expect_in "says checkpoints are not supported" "$err" "not supported over several MPI ranks"
mpi_cmd 2 run "$root/experiments/nalsm_1000.toml" -o w.h5 "${short[@]}"
expect_rc "weight recorders over ranks" 2
expect_in "says weight recorders are not supported" "$err" \
  "weight recorders are not supported over several MPI ranks"
mpi_cmd 2 run "$root/experiments/tasks/nback.toml" -o t.h5
expect_rc "task run over ranks" 2
expect_in "says task runs are not supported" "$err" "task runs are not supported over several MPI"
mpi_cmd 2 run "$root/experiments/coba_astro.toml" -o ring.h5 "${short[@]}"
expect_rc "coupled astrocytes over ranks" 2
expect_in "says couplings are not supported" "$err" "coupling between entities is not supported"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
