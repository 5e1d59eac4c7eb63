#!/usr/bin/env bash
# Sweep overhead: 100 tiny points (the 150-entity network of tests/fixtures/sweep, 10 ms of
# simulated time, seeds 1..100) run by `gliasim sweep --local -j J` (default 2). Prints
#   - the sweep's wall time, and per point: wall x J / 100 (what one point costs a core);
#   - the simulation itself: the mean of the points' /metadata wall_simulate_s;
#   - overhead per point beyond the simulation = (wall x J - sum of wall_simulate_s) / 100:
#     fork/exec, parsing, building the network, writing HDF5, and the sweep's bookkeeping;
#   - of which the sweep's own share, beyond `gliasim run` = (wall x J - sum of the children's
#     wall times) / 100: planning, resolved files, manifest rewrites, reaping;
#   - the CPU time (user + sys) of the sweep and its children per point: what a point costs
#     whatever else the machine runs (the wall-time figures grow when cores are shared);
#   - a resume of the finished sweep (every output verified, nothing run).
# Usage: experiments/bench/sweep_overhead.sh [path/to/gliasim] [J] [points]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
exe="$(realpath "${1:-$root/build/apps/gliasim}")"
jobs="${2:-2}"
points="${3:-100}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

{ sed 's/duration = "20 s"/duration = "10 ms"/' "$root/tests/fixtures/sweep/tiny_network.toml"
  printf '\n[sweep]\nseeds = %d\n' "$points"; } > "$tmp/bench.toml"

now() { date +%s.%N; }
t0=$(now)
/usr/bin/time -f "%U %S" -o "$tmp/cpu" "$exe" sweep "$tmp/bench.toml" -o "$tmp/d" -j "$jobs" -q > "$tmp/sweep.log"
t1=$(now)
read -r user sys < "$tmp/cpu"
"$exe" sweep "$tmp/bench.toml" -o "$tmp/d" -j "$jobs" -q > "$tmp/resume.log"
t2=$(now)
"$exe" collect "$tmp/d" -o "$tmp/table.csv"
grep -q "$points done" "$tmp/sweep.log" || { echo "not every point finished:"; cat "$tmp/sweep.log"; exit 1; }

awk -F, -v t0="$t0" -v t1="$t1" -v t2="$t2" -v j="$jobs" -v n="$points" -v cpu="$(echo "$user + $sys" | awk '{print $1 + $3}')" '
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{ sim += $c["wall_simulate_s"]; child += $c["wall_s"] }
END {
    wall = t1 - t0
    printf "sweep of %d points, -j %d: %.2f s wall, %.1f ms per point per core\n", n, j, wall, 1000 * wall * j / n
    printf "simulation itself (wall_simulate_s): %.2f ms per point\n", 1000 * sim / n
    printf "overhead beyond the simulation: %.1f ms per point\n", 1000 * (wall * j - sim) / n
    printf "  of which the sweep itself, beyond gliasim run: %.1f ms per point\n", 1000 * (wall * j - child) / n
    printf "CPU time (user + sys of the sweep and its runs): %.1f ms per point\n", 1000 * cpu / n
    printf "resume of the finished sweep (verify %d outputs, run nothing): %.3f s\n", n, t2 - t1
}' "$tmp/table.csv"
