#!/usr/bin/env bash
# Every shipped experiment file must validate (exit 0) and accept the duration override that
# the README promises: --set simulation.duration="10 s".
set -u
exe="$1"
dir="$2"
status=0
count=0
while IFS= read -r -d '' f; do
  count=$((count + 1))
  if ! out=$("$exe" validate "$f" 2>&1); then
    echo "FAIL: $f does not validate:"; echo "$out"; status=1
  fi
  if ! out=$("$exe" validate "$f" --set 'simulation.duration="10 s"' 2>&1); then
    echo "FAIL: $f rejects --set simulation.duration=\"10 s\":"; echo "$out"; status=1
  fi
done < <(find "$dir" -name '*.toml' -not -path '*/parts/*' -print0)
if [ "$count" -eq 0 ]; then echo "FAIL: no experiment files under $dir"; exit 1; fi
echo "$count experiment files checked"
exit $status
