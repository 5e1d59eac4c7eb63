#!/usr/bin/env bash
# Slow reproduction check (ctest -L slow, configured with -DGLIASIM_SLOW_TESTS=ON): NALSM1000 at
# the paper's protocol (50,000 samples of 20 ms, then 20 samples of 250 ms) for the paper's
# w_astro values. Checks BF in [1.2, 1.3] at w_astro = 0.015 (the paper: 1.25) and that BF falls
# as w_astro grows from 0.0075 to 0.1 (the paper's table). About 2.5 min per run on one core;
# the runs go in parallel on the machine's cores.
#   usage: nalsm_branching.sh path/to/gliasim path/to/experiments
set -euo pipefail
exe="$1"
experiments="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
values=(0.0075 0.015 0.025 0.05 0.1)
for w in "${values[@]}"; do
    "$exe" run "$experiments/nalsm_1000.toml" -o "$tmp/bf_$w.h5" -q --threads 1 \
        --set "projections.E_astro.weight=$w" --set "projections.I_astro.weight=$w" \
        --set "projections.input_astro.weight=-$w" &
    while [ "$(jobs -r | wc -l)" -ge "$(nproc)" ]; do sleep 1; done
done
wait
bf() { "$exe" info "$tmp/bf_$1.h5" | awk '$1 == "branching_factor" { print $2 }'; }
status=0
previous=""
printf 'w_astro  branching factor  (paper: 0.0075 1.32, 0.015 1.25, 0.025 1.18, 0.05 1.09, 0.1 0.99)\n'
for w in "${values[@]}"; do
    b=$(bf "$w")
    printf '%-8s %s\n' "$w" "$b"
    if [ -n "$previous" ] && ! awk -v a="$b" -v p="$previous" 'BEGIN { exit !(a < p) }'; then
        echo "FAIL: BF does not fall from the previous w_astro to $w ($previous -> $b)"
        status=1
    fi
    previous="$b"
done
b=$(bf 0.015)
if ! awk -v a="$b" 'BEGIN { exit !(a >= 1.2 && a <= 1.3) }'; then
    echo "FAIL: BF at w_astro = 0.015 is $b, outside [1.2, 1.3]"
    status=1
fi
exit $status
