# The hostile-input corpus's checks (sourced by tests/hostile/<kind>.sh).
#
# Each case runs one gliasim command on a file someone else made, inside a fresh sandbox folder,
# and requires what docs/reliability.md ("Threat model") promises:
#   - the documented exit status (2 for a refused input unless the case says otherwise);
#   - stderr is exactly one non-empty line, the cause (no traceback, no sanitizer report);
#   - no crash (a signal) and no hang (300 s: a hang is forever; one case takes seconds, but a
#     loaded CI machine was seen to stretch one past 60 s);
#   - no file in the sandbox is created, changed or removed except those the case names as the
#     command's own output (a file outside the sandbox is guarded by a canary the case may
#     point at through a symlink).
# The caller sets $exe (gliasim). Cases: hostile_case NAME WANT_RC ALLOWED -- CMD ARGS...
# where CMD runs with the sandbox as its working folder ($box holds its path while the case's
# files are prepared: call hostile_box first, put files in it, then hostile_case).
# ALLOWED is a space-separated list of paths relative to the sandbox that the command may
# create or change ("-" for none). The script ends with "N passed, N failed".

passed=0
failed=0
box=""
canary_dir=$(mktemp -d)
trap 'rm -rf "$canary_dir" "${box:-/nonexistent}"' EXIT

# A file outside every sandbox that no case may change: symlinks in hostile folders point here.
canary="$canary_dir/canary.txt"
echo "the user's own file: nothing may touch it" >"$canary"
canary_sum=$(sha256sum "$canary" | cut -d' ' -f1)

# hostile_box: a new empty sandbox in $box.
hostile_box() {
  [ -n "$box" ] && rm -rf "$box"
  box=$(mktemp -d)
}

# The sandbox's files with their content hashes (symlinks by target), sorted.
snapshot() {
  (cd "$box" && find . -mindepth 1 \( -type l -printf 'L %p -> %l\n' \) -o \
    \( -type f -exec sh -c 'printf "F %s %s\n" "$1" "$(sha256sum <"$1" | cut -c1-16)"' _ {} \; \) \
    -o \( -type d -printf 'D %p\n' \) -o -printf 'O %p\n' | sort)
}

hostile_case() {
  local name="$1" want="$2" allowed="$3"
  shift 3
  [ "$1" = "--" ] && shift
  local before after changed rc lines problems=()
  before=$(snapshot)
  (cd "$box" && timeout -k 5 300 "$@" >"$canary_dir/out.txt" 2>"$canary_dir/err.txt" </dev/null)
  rc=$?
  after=$(snapshot)
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then problems+=("hung (killed after 300 s)")
  elif [ "$rc" -gt 128 ]; then problems+=("crashed with signal $((rc - 128))")
  elif [ "$rc" -ne "$want" ]; then problems+=("exit $rc, expected $want")
  fi
  lines=$(grep -c '' "$canary_dir/err.txt")
  if [ "$want" -ne 0 ] && { [ "$lines" -ne 1 ] || ! grep -q '[^[:space:]]' "$canary_dir/err.txt"; }; then
    problems+=("stderr has $lines lines, expected one line with the cause")
  fi
  if grep -Eq 'Sanitizer|runtime error:|Traceback|terminate called|Assertion' "$canary_dir/err.txt"; then
    problems+=("crash report on stderr")
  fi
  changed=$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep '^[<>]' |
    sed -E 's/^[<>] [A-Z] \.\/([^ ]*).*/\1/' | sort -u)
  local f a ok
  for f in $changed; do
    ok=0
    for a in $allowed; do [ "$f" = "$a" ] && ok=1; done
    [ "$ok" -eq 0 ] && problems+=("touched '$f', which it was not asked to write")
  done
  if [ "$(sha256sum "$canary" | cut -d' ' -f1)" != "$canary_sum" ]; then
    problems+=("changed the canary outside the sandbox (followed a link)")
    echo "the user's own file: nothing may touch it" >"$canary"
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok: $name: exit $rc: $(head -c 300 "$canary_dir/err.txt" | head -1)"
  else
    failed=$((failed + 1))
    echo "FAIL: $name: ${problems[*]}"
    sed 's/^/  stderr| /' "$canary_dir/err.txt" | head -8
  fi
}

# hostile_summary: the closing line; exit status 1 when a case failed.
hostile_summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
