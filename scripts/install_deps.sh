#!/usr/bin/env bash
# Installs gliasim's build and test dependencies from Debian bookworm's archive.
# Idempotent: packages already present are left alone.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-graph-dev libboost-program-options-dev
  libhdf5-dev hdf5-tools
  libspdlog-dev libfmt-dev
  catch2
  libtomlplusplus-dev
  librandom123-dev
  libeigen3-dev
  python3-h5py python3-numpy
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
