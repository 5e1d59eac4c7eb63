#!/usr/bin/env bash
# Runs every shipped experiment with two gliasim binaries, at 1 and 2 threads, and compares the
# result files dataset by dataset and attribute by attribute (spikes, reports, weights, task
# figures; /metadata differs by design: run id, times, versions). A refactoring must leave
# every output bit-identical.
#   scripts/compare_outputs.sh OLD_GLIASIM NEW_GLIASIM [DURATION] [WORKDIR]
# DURATION (default "300 ms") shortens the plain experiments; task experiments run a short stream
# (washout 50, train 100, validation 20, test 30 items). Prints one line per run and a summary;
# exits 1 if any pair differs (or one binary fails where the other does not).
set -u
old="$1"
new="$2"
duration="${3:-300 ms}"
work="${4:-$(mktemp -d)}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work"
same=0
differ=0

# Every dataset and attribute but /metadata and the wall-clock figures (scripts/h5_same.py).
compare() { /usr/bin/python3 "$root/scripts/h5_same.py" "$1" "$2"; }

while IFS= read -r -d '' f; do
  name=$(basename "$f" .toml)
  sets=(--set "simulation.duration=\"$duration\"")
  grep -q '^\[task\]' "$f" &&
    sets=(--set task.washout=50 --set task.train=100 --set task.validation=20 --set task.test=30)
  for threads in 1 2; do
    for which in old new; do
      exe="$old"
      [ "$which" = new ] && exe="$new"
      out="$work/$name.t$threads.$which.h5"
      rm -f "$out"
      (cd "$root" && "$exe" run "$f" -o "$out" -q --threads "$threads" "${sets[@]}" \
        --ignore-resource-limits >"$work/$name.t$threads.$which.log" 2>&1)
      echo $? >"$work/$name.t$threads.$which.rc"
    done
    rc_old=$(cat "$work/$name.t$threads.old.rc")
    rc_new=$(cat "$work/$name.t$threads.new.rc")
    if [ "$rc_old" != "$rc_new" ]; then
      echo "DIFFER $name threads=$threads: exit $rc_old vs $rc_new"
      differ=$((differ + 1))
    elif [ "$rc_old" != 0 ]; then
      # Both refused: the message must be the same too.
      if diff -q "$work/$name.t$threads.old.log" "$work/$name.t$threads.new.log" >/dev/null; then
        echo "same   $name threads=$threads (both exit $rc_old)"
        same=$((same + 1))
      else
        echo "DIFFER $name threads=$threads: same exit $rc_old, different messages"
        differ=$((differ + 1))
      fi
    elif compare "$work/$name.t$threads.old.h5" "$work/$name.t$threads.new.h5"; then
      echo "same   $name threads=$threads"
      same=$((same + 1))
    else
      echo "DIFFER $name threads=$threads"
      differ=$((differ + 1))
    fi
  done
done < <(find "$root/experiments" -name '*.toml' -not -path '*/parts/*' -not -path '*/bench/*' \
  -print0 | sort -z)
echo "$same identical, $differ different (work files in $work)"
[ "$differ" -eq 0 ]
