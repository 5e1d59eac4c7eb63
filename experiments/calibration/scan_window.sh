#!/usr/bin/env bash
# The working window of a calibration file: runs it over a list of values of one parameter and
# several seeds, and prints, from gliasim analyze (after the 10 s start-up), the seconds that
# each astrocyte spends above its model's threshold. Astrocyte 0 gets the burst at 30 s; a
# value is in the window when astrocyte 0 is above for >= 2 s (G-ChI: above at all) and the
# others never (docs/astrocyte-calibration.md).
#   usage: experiments/calibration/scan_window.sh FILE KEY "V1 V2 ..." [SEEDS] [GLIASIM]
#   e.g.   experiments/calibration/scan_window.sh experiments/calibration/astrocyte_lr.toml \
#              populations.astro.delta_IP3 '"0.0008 uM" "0.001 uM" "0.0012 uM"' "1 2 3"
set -euo pipefail
file="$1"
key="$2"
values="$3"
seeds="${4:-1 2 3 4 5}"
exe="${5:-$(cd "$(dirname "$0")/../.." && pwd)/build/apps/gliasim}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
eval "set -- $values"
for value in "$@"; do
    for seed in $seeds; do
        out="$work/run.h5"
        "$exe" run "$file" -o "$out" --overwrite --set "$key=$value" --set "simulation.seed=$seed" \
            >/dev/null
        "$exe" analyze "$out" --from "10 s" --json | python3 -c '
import json, sys
value, seed = sys.argv[1], sys.argv[2]
report = json.load(sys.stdin)
window_s = (report["window_ms"][1] - report["window_ms"][0]) / 1000
for r in report["reports"]:
    above = r.get("time_above_threshold")
    if above is None:
        continue
    seconds = [f * window_s for f in above["per_astrocyte"]]
    stimulated, others = seconds[0], max(seconds[1:])
    print(f"{value:>12} seed {seed}: astrocyte 0 above {stimulated:5.2f} s, "
          f"others at most {others:5.2f} s")
' "$value" "$seed"
    done
done
