#!/usr/bin/env bash
# Regenerates the figures of docs/gallery.md from the shipped experiments.
#   bash docs/gallery/make_gallery.sh build/apps/gliasim
# Durations are shortened where the full run would take minutes; each line says so.
set -eu
exe=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
root=$(realpath "$here/../..")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# figure NAME EXPERIMENT KIND [RUN OPTIONS...]: runs the experiment (once per NAME's stem) and
# draws one figure into docs/gallery/NAME.png.
figure() {
  local name=$1 experiment=$2 kind=$3
  shift 3
  local h5="${name%%.*}.h5"
  [ -f "$h5" ] || "$exe" run "$root/experiments/$experiment" -o "$h5" -q --threads 2 "$@"
  "$exe" plot "$h5" "$kind" -o "$here/$name.png" --dpi 80 >/dev/null
}

figure quickstart quickstart.toml raster
figure quickstart.isi quickstart.toml isi
figure quickstart.rates quickstart.toml rates
figure coba coba.toml raster
figure brunel brunel.toml raster --set 'simulation.duration="300 ms"'
figure cuba cuba.toml raster
figure astro_single astro_single.toml astro
figure astro_gchi astro_gchi.toml astro
figure astro_ring astro_ring.toml astro --set 'simulation.duration="100 s"'
figure tripartite_synapse tripartite_synapse.toml astro
figure astro_brunel_small astro_brunel_small.toml raster
figure astro_brunel_small.astro astro_brunel_small.toml astro
figure coba_astro coba_astro.toml raster --set 'simulation.duration="6 s"'
figure coba_astro.astro coba_astro.toml astro --set 'simulation.duration="6 s"'
figure coba_stdp coba_stdp.toml weights
figure amsu_reservoir amsu_reservoir.toml raster
figure fast_weight_memory fast_weight_memory.toml raster
figure hebbian_working_memory hebbian_working_memory.toml raster
figure memory_capacity tasks/memory_capacity.toml memory

# A sweep folder: 25 points of COBA over two weights, the rate and the CV over both.
"$exe" sweep "$root/experiments/sweep_coba.toml" -o coba_sweep -j 2 >/dev/null
"$exe" plot coba_sweep heatmap -p exc -o "$here/sweep_coba.heatmap.png" --dpi 80 >/dev/null
"$exe" plot coba_sweep heatmap -p exc --metric cv_isi.mean -o "$here/sweep_coba.cv.png" --dpi 80 >/dev/null
ls -l "$here"/*.png
