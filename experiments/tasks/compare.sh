#!/usr/bin/env bash
# Runs a task with astrocytes off and on over several seeds (network and stream) and prints the
# figures side by side with mean and standard deviation, and the difference on - off.
#   usage: experiments/tasks/compare.sh TASK [SEEDS] [path/to/gliasim]
#   TASK: memory_capacity or delayed_recall (experiments/tasks/TASK.toml and TASK_astro.toml)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
task="${1:?usage: compare.sh TASK [SEEDS] [gliasim]}"
seeds="${2:-5}"
exe="${3:-$root/build/apps/gliasim}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
case "$task" in
memory_capacity) figure=memory_capacity ;;
delayed_recall) figure=mean_accuracy ;;
next_char) figure=bits_per_character ;;
nback) figure=mean_balanced_accuracy ;;
*) echo "unknown task '$task'" >&2; exit 2 ;;
esac
value() { /usr/bin/python3 -c "import h5py, sys; print(h5py.File(sys.argv[1])['task'].attrs[sys.argv[2]])" "$1" "$2"; }
printf '%-6s %14s %14s %10s\n' seed "off" "on" "on - off"
for ((s = 1; s <= seeds; ++s)); do
    "$exe" run "$here/$task.toml" -o "$tmp/off_$s.h5" -q --seed "$s"
    "$exe" run "$here/${task}_astro.toml" -o "$tmp/on_$s.h5" -q --seed "$s"
    off=$(value "$tmp/off_$s.h5" "$figure")
    on=$(value "$tmp/on_$s.h5" "$figure")
    printf '%-6s %14.4f %14.4f %+10.4f\n' "$s" "$off" "$on" "$(awk -v a="$on" -v b="$off" 'BEGIN { print a - b }')"
    echo "$off $on" >>"$tmp/all"
done
awk -v f="$figure" '{ n++; a += $1; b += $2; d += $2 - $1; aa += $1 * $1; bb += $2 * $2; dd += ($2 - $1) ^ 2 }
    END {
        ma = a / n; mb = b / n; md = d / n
        sa = (n > 1) ? sqrt((aa - n * ma * ma) / (n - 1)) : 0
        sb = (n > 1) ? sqrt((bb - n * mb * mb) / (n - 1)) : 0
        sd = (n > 1) ? sqrt((dd - n * md * md) / (n - 1)) : 0
        printf "%-6s %7.4f±%-6.4f %7.4f±%-6.4f %+7.4f±%.4f  (%s, mean ± sd over %d seeds)\n", "all", ma, sa, mb, sb, md, sd, f, n
    }' "$tmp/all"
