#!/usr/bin/env bash
# Installs gliasim's build and test dependencies from Debian bookworm's archive.
# Idempotent: packages already present are left alone.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-program-options-dev
  libhdf5-dev hdf5-tools
  libspdlog-dev libfmt-dev
  catch2
  libtomlplusplus-dev
  librandom123-dev
  libeigen3-dev
  python3-h5py python3-numpy python3-matplotlib
  dataset-fashion-mnist bible-kjv bible-kjv-text
)
# `install_deps.sh --slurm` adds a single-node Slurm and munge, for the Slurm integration test
# (ctest -L slurm) and for trying `gliasim sweep --slurm` on one machine.
# `install_deps.sh --mpi` adds Open MPI (headers and mpirun), for the GLIASIM_MPI build that runs
# one network over several processes (docs/cluster.md).
# `install_deps.sh --bench` adds Brian 2 (the peer of experiments/bench/compare_brian.py), matplotlib
# for its plot and perf for profiling; the default build and tests need none of them.
for option in "$@"; do
  case "$option" in
    --slurm) packages+=(slurmctld slurmd slurm-client munge) ;;
    --mpi) packages+=(libopenmpi-dev openmpi-bin) ;;
    --bench) packages+=(python3-brian python3-matplotlib linux-perf valgrind) ;;
    *) echo "install_deps.sh: unknown option $option (expected --slurm, --mpi or --bench)" >&2; exit 2 ;;
  esac
done
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The King James Bible (public domain) as plain text for the language tasks: one verse per line,
# with the `bible` program's verse references ("Ge1:1 ", "1Cor13:4 ") stripped. Written once, so
# runs read the file and never call `bible`.
kjv=/usr/local/share/gliasim/kjv.txt
if [ ! -s "$kjv" ]; then
  tmp=$(mktemp)
  trap 'rm -f "$tmp"' EXIT
  bible -f Gen1:1-Rev22:21 </dev/null | sed -E 's/^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ //' >"$tmp"
  verses=$(wc -l <"$tmp")
  if [ "$verses" -ne 31102 ] || grep -qE '^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ ' "$tmp"; then
    echo "install_deps.sh: unexpected output from 'bible' ($verses verses, expected 31102)" >&2
    exit 1
  fi
  $SUDO install -D -m 644 "$tmp" "$kjv"
fi
