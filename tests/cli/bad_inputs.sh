#!/usr/bin/env bash
# Every malformed experiment in tests/bad_input/<section>/ must be refused by the gliasim command:
#   gliasim validate FILE  and  gliasim run FILE -o OUT.h5 -q
# each exit with status 2 (not 0, not 1, not a signal), print "FILE:LINE:COLUMN: error: KEY: "
# (from the file's "# expect: LINE:COLUMN KEY" line) and every "# message: TEXT" to stderr, and
# run must not create OUT.h5. A few --set override errors are checked the same way.
# usage: bad_inputs.sh GLIASIM_EXE BAD_INPUT_DIR
set -u

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
  echo "usage: $0 GLIASIM_EXE BAD_INPUT_DIR" >&2
  exit 2
fi
exe="$1"
dir="${2%/}"

# Files that cannot carry an expect line, by their path under BAD_INPUT_DIR:
# "LINE:COLUMN KEY|MESSAGE" (MESSAGE may be empty).
declare -A SPECIAL=(
  [syntax/empty_file.toml]="1:1 simulation|missing [simulation]"
  [syntax/binary_garbage.bin]="1:1 -|invalid utf-8"
)

# Known bugs (reported, not fixed here): for these files any problem is printed loudly but not
# counted as a failure. When one starts to pass, the script says so (XPASS).
KNOWN_FAILURES=(
  # files whose expectation fails because of a known bug: none at the moment
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
known=0
xpassed=0
failures=()

is_known() {
  local k
  for k in "${KNOWN_FAILURES[@]}"; do [ "$k" = "$1" ] && return 0; done
  return 1
}

# describe_status RC: a readable exit status.
describe_status() {
  if [ "$1" -gt 128 ] && [ "$1" -lt 160 ]; then
    echo "killed by signal $(($1 - 128)) (status $1)"
  elif [ "$1" -eq 124 ]; then
    echo "timed out (status 124)"
  else
    echo "status $1"
  fi
}

# run_one LABEL PREFIX MESSAGES_FILE CMD...: runs CMD; appends problems to the arrays `hard`
# (exit status, output file) and `soft` (location and message).
run_one() {
  local label="$1" prefix="$2" messages="$3"
  shift 3
  rm -f "$tmp/out.h5"
  timeout 120 "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [ "$rc" -ne 2 ]; then
    hard+=("$label: expected exit status 2, got $(describe_status "$rc")")
  fi
  if [ -e "$tmp/out.h5" ]; then
    hard+=("$label: created the output file")
  fi
  if ! grep -qF -- "$prefix" "$tmp/stderr"; then
    soft+=("$label: stderr has no line containing '$prefix'")
  fi
  local m
  while IFS= read -r m; do
    [ -z "$m" ] && continue
    if ! grep -qiF -- "$m" "$tmp/stderr"; then
      soft+=("$label: stderr does not contain '$m'")
    fi
  done <"$messages"
  if [ ${#hard[@]} -gt 0 ] || [ ${#soft[@]} -gt 0 ]; then
    last_stderr=$(head -c 2000 "$tmp/stderr")
  fi
}

# report NAME KNOWN(0/1): counts the outcome of the checks in `hard` and `soft`.
report() {
  local name="$1" is_known_bug="$2" p
  if [ ${#hard[@]} -eq 0 ] && [ ${#soft[@]} -eq 0 ]; then
    passed=$((passed + 1))
    if [ "$is_known_bug" -eq 1 ]; then
      xpassed=$((xpassed + 1))
      echo "XPASS: $name is listed in KNOWN_FAILURES but passes; remove it from the list"
    fi
    return
  fi
  if [ "$is_known_bug" -eq 1 ]; then
    known=$((known + 1))
    echo "!!! KNOWN FAILURE (a bug in gliasim, not counted): $name"
    for p in "${hard[@]}" "${soft[@]}"; do echo "!!!   $p"; done
    echo "!!!   stderr: $last_stderr"
    return
  fi
  failed=$((failed + 1))
  failures+=("$name")
  echo "FAIL: $name"
  for p in "${hard[@]}" "${soft[@]}"; do echo "      $p"; done
  echo "      stderr: $last_stderr"
}

count=0
while IFS= read -r -d '' f; do
  name="${f#"$dir"/}" # section/file
  count=$((count + 1))
  : >"$tmp/messages"
  if [ -n "${SPECIAL[$name]+set}" ]; then
    spec="${SPECIAL[$name]}"
    expect="${spec%%|*}"
    printf '%s\n' "${spec#*|}" >"$tmp/messages"
  else
    first=$(head -n 1 "$f" | tr -d '\r')
    if [[ ! "$first" =~ ^#\ expect:\ ([0-9]+:[0-9]+\ [^[:space:]]+)[[:space:]]*$ ]]; then
      failed=$((failed + 1))
      failures+=("$name")
      echo "FAIL: $name: the first line is not '# expect: LINE:COLUMN KEY' (and no SPECIAL entry)"
      continue
    fi
    expect="${BASH_REMATCH[1]}"
    # "# message: TEXT" lines right after the expect line.
    tail -n +2 "$f" | while IFS= read -r line; do
      case "$line" in
        "# message: "*) printf '%s\n' "${line#\# message: }" ;;
        *) break ;;
      esac
    done >"$tmp/messages"
  fi
  where="${expect%% *}"
  key="${expect#* }"
  if [ "$key" = "-" ]; then
    prefix="$f:$where: error: "
  else
    prefix="$f:$where: error: $key: "
  fi
  known_bug=0
  is_known "$name" && known_bug=1
  hard=()
  soft=()
  last_stderr=""
  run_one "validate" "$prefix" "$tmp/messages" "$exe" validate "$f"
  run_one "run" "$prefix" "$tmp/messages" "$exe" run "$f" -o "$tmp/out.h5" -q
  report "$name" "$known_bug"
done < <(find "$dir" -type f \( -name '*.toml' -o -name '*.bin' \) -print0 | sort -z)

if [ "$count" -lt 25 ]; then
  echo "FAIL: only $count files under $dir (expected at least 25)"
  failed=$((failed + 1))
fi
for k in "${KNOWN_FAILURES[@]}" "${!SPECIAL[@]}"; do
  if [ ! -f "$dir/$k" ]; then
    echo "FAIL: $k is listed in this script but missing from $dir"
    failed=$((failed + 1))
  fi
done

# --set errors on a valid experiment: exit 2, "--set KEY.PATH: error: ", no output file.
cat >"$tmp/valid.toml" <<'EOF'
[simulation]
duration = "100 ms"
dt = "0.1 ms"

[populations.exc]
model = "lif_curr_exp"
size = 10
EOF
if "$exe" validate "$tmp/valid.toml" >/dev/null 2>"$tmp/stderr"; then
  overrides=(
    "simulation.duration=5 mV|--set simulation.duration: error: simulation.duration: |got a voltage"
    "nonsense|--set nonsense: error: |expected key.path=value"
    "populations.exc.size=-5|--set populations.exc.size: error: populations.exc.size: |positive population size"
    "populations.exc.model=lif_cond_exq|--set populations.exc.model: error: populations.exc.model: |did you mean 'lif_cond_exp'?"
  )
  for o in "${overrides[@]}"; do
    set_arg="${o%%|*}"
    rest="${o#*|}"
    prefix="${rest%%|*}"
    printf '%s\n' "${rest#*|}" >"$tmp/messages"
    hard=()
    soft=()
    last_stderr=""
    run_one "validate --set" "$prefix" "$tmp/messages" "$exe" validate "$tmp/valid.toml" --set "$set_arg"
    run_one "run --set" "$prefix" "$tmp/messages" "$exe" run "$tmp/valid.toml" -o "$tmp/out.h5" -q --set "$set_arg"
    report "--set $set_arg" 0
  done
  # --threads is a shorthand for --set simulation.threads.
  printf '%s\n' "thread count" >"$tmp/messages"
  hard=()
  soft=()
  last_stderr=""
  run_one "run --threads=-1" "--set simulation.threads: error: simulation.threads: " "$tmp/messages" \
    "$exe" run "$tmp/valid.toml" -o "$tmp/out.h5" -q --threads=-1
  report "--threads=-1" 0
else
  echo "FAIL: the base experiment for the --set checks does not validate:"
  cat "$tmp/stderr"
  failed=$((failed + 1))
fi

echo
if [ "$known" -gt 0 ]; then
  echo "!!! $known known failure(s), bugs in gliasim that are listed in KNOWN_FAILURES: see above"
fi
[ "$failed" -gt 0 ] && echo "failed: ${failures[*]}"
summary="$passed passed, $failed failed, $known known failures"
[ "$xpassed" -gt 0 ] && summary+=" ($xpassed listed in KNOWN_FAILURES but passed)"
echo "$summary"
[ "$failed" -eq 0 ]
