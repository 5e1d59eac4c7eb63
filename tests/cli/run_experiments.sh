#!/usr/bin/env bash
# Every shipped experiment runs (briefly: 50 ms of simulated time) and writes a readable
# result file with its spikes and reports.
set -u
exe="$1"
dir="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
while IFS= read -r -d '' f; do
  name=$(basename "$f" .toml)
  out="$tmp/$name.h5"
  # --ignore-resource-limits: the machine's momentary free memory is not what this tests.
  if "$exe" run "$f" -o "$out" -q --threads 2 --set 'simulation.duration="50 ms"' --ignore-resource-limits \
     > "$tmp/log" 2>&1 \
     && [ -s "$out" ] && "$exe" info "$out" > "$tmp/info" 2>&1 && grep -q "completed *1" "$tmp/info"; then
    pass=$((pass + 1))
  else
    echo "FAIL: $f"; cat "$tmp/log"; fail=$((fail + 1))
  fi
done < <(find "$dir" -name '*.toml' -not -path '*/parts/*' -print0 | sort -z)
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
