#!/usr/bin/env bash
# Includes only go down the layers (docs/design.md, "Layers"):
#   core <- models <- io <- tasks, analysis <- session <- sweep <- apps
# A file of one layer may include its own layer and the ones below, never one above. Prints each
# upward include as FILE:LINE and fails. Folders that do not exist are skipped; tests/ and fuzz/
# may include everything and are not checked.
#   check_includes.sh REPOSITORY_ROOT      the check
#   check_includes.sh --self-test          the check catches an upward include in a scratch tree
set -u

declare -A LEVEL=([core]=0 [models]=1 [io]=2 [tasks]=3 [analysis]=3 [session]=4 [sweep]=5 [apps]=6)

# check ROOT: prints the upward includes under ROOT; returns how many (capped at 1).
check() {
  local root="$1" folder hit file rest line target bad=0
  for folder in "${!LEVEL[@]}"; do
    [ -d "$root/$folder" ] || continue
    while IFS= read -r hit; do
      file="${hit%%:*}"
      rest="${hit#*:}"
      line="${rest%%:*}"
      target=$(sed -E 's/^[^"]*"([a-z_]+)\/.*/\1/' <<<"${rest#*:}")
      [ -n "${LEVEL[$target]+set}" ] || continue # a subfolder of the same layer
      if [ "${LEVEL[$target]}" -gt "${LEVEL[$folder]}" ]; then
        echo "upward include: ${file#"$root"/}:$line: $folder/ includes $target/"
        bad=1
      fi
    done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/' "$root/$folder" \
      --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.in')
  done
  return "$bad"
}

if [ "${1:-}" = "--self-test" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/core" "$tmp/io/experiment" "$tmp/apps"
  printf '#include "core/types.hpp"\n#include "experiment/reader.hpp"\n' >"$tmp/io/a.cpp"
  printf '#include "io/a.hpp"\n' >"$tmp/apps/main.cpp"
  if ! check "$tmp" >/dev/null; then
    echo "FAIL: downward includes reported as upward"
    exit 1
  fi
  printf '// a comment\n  #include "apps/log.hpp"\n' >"$tmp/core/x.hpp"
  out=$(check "$tmp")
  if [ $? -eq 0 ] || [ "$out" != "upward include: core/x.hpp:2: core/ includes apps/" ]; then
    echo "FAIL: the upward include core/x.hpp -> apps/ was not reported as such: '$out'"
    exit 1
  fi
  echo "self-test passed"
  exit 0
fi

root="${1:?usage: check_includes.sh REPOSITORY_ROOT | --self-test}"
if check "$root"; then
  echo "no upward include"
else
  echo "FAIL: includes must go down the layers (docs/design.md, \"Layers\")"
  exit 1
fi
