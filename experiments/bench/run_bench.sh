#!/usr/bin/env bash
# Benchmarks: COBA (1 s, 10 s), Brunel (1 s), COBA with astrocytes and the small astrocyte
# Brunel network (1 s each), COBA with STDP on E->E (1 s), at 1 and 2 threads; then the NALSM
# self-organisation phase (1000 samples of 20 ms) in samples per second.
# Prints one row per run: wall time of the simulation loop, real-time factor, synaptic events
# per second, bytes per synapse and peak memory, all read back from the result file's
# /metadata. Usage: experiments/bench/run_bench.sh [path/to/gliasim] [repeats]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
exe="${1:-$root/build/apps/gliasim}"
repeats="${2:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

meta() { "$exe" info "$1" | awk -v k="$2" '$1 == k { print $2 }'; }

printf '%-14s %8s %7s %8s %8s %11s %12s %12s %9s %9s\n' network duration threads build_s wall_s real_time_f events_per_s astro_upd_s B_per_syn peak_MiB
run() {
    local name="$1" file="$2" duration="$3" threads="$4"
    local best="" line=""
    for ((r = 0; r < repeats; ++r)); do
        "$exe" run "$root/experiments/$file" -o "$tmp/out.h5" --overwrite -q --threads "$threads" \
            --set "simulation.duration=\"$duration\"" --set 'output.flush_interval="10 s"'
        local wall; wall=$(meta "$tmp/out.h5" wall_simulate_s)
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$wall"
            line=$(printf '%-14s %8s %7s %8.3f %8.3f %11.4f %12.3g %12.3g %9.2f %9.1f' "$name" "$duration" "$threads" \
                "$(meta "$tmp/out.h5" wall_build_s)" "$wall" "$(meta "$tmp/out.h5" real_time_factor)" \
                "$(meta "$tmp/out.h5" synaptic_events_per_s)" "$(meta "$tmp/out.h5" astrocyte_updates_per_s)" \
                "$(meta "$tmp/out.h5" bytes_per_synapse)" \
                "$(awk -v b="$(meta "$tmp/out.h5" peak_memory_bytes)" 'BEGIN { print b / 1048576 }')")
        fi
    done
    echo "$line"
}

for threads in 1 2; do
    run coba coba.toml "1 s" "$threads"
    run coba coba.toml "10 s" "$threads"
    run brunel brunel.toml "1 s" "$threads"
    run coba_astro coba_astro.toml "1 s" "$threads"
    run coba_sic coba_sic.toml "1 s" "$threads"
    run astro_brunel_s astro_brunel_small.toml "1 s" "$threads"
    run coba_stdp coba_stdp.toml "1 s" "$threads"
done
echo "coba_stdp: bytes per plastic synapse $(meta "$tmp/out.h5" bytes_per_plastic_synapse)"

# NALSM self-organisation: samples of 20 ms with STDP and the astrocyte, per wall second.
for net in nalsm_1000 nalsm_8000; do
    for threads in 1 2; do
        "$exe" run "$root/experiments/$net.toml" -o "$tmp/out.h5" --overwrite -q --threads "$threads" \
            --set 'simulation.duration="20 s"' --set 'output.flush_interval="10 s"'
        wall=$(meta "$tmp/out.h5" wall_simulate_s)
        printf '%-14s threads %s: %d samples of 20 ms in %.2f s = %.0f samples/s\n' "$net" \
            "$threads" 1000 "$wall" "$(awk -v w="$wall" 'BEGIN { print 1000 / w }')"
    done
done
echo "(best of $repeats runs each; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
