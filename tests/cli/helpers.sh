# Checks shared by the command-line test scripts (sourced). The caller sets $exe (gliasim) and
# $work (a scratch directory).

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }

# run_cmd ARGS...: runs gliasim, keeping stdout, stderr and the status in $out, $err, $rc.
run_cmd() {
  "$exe" "$@" >"$work/out.txt" 2>"$work/err.txt"
  rc=$?
  out=$(cat "$work/out.txt")
  err=$(cat "$work/err.txt")
}

# expect_rc WHAT WANT: checks the status of the last run_cmd.
expect_rc() {
  if [ "$rc" -eq "$2" ]; then pass "$1: exit $2"; else
    fail "$1: exit $rc, expected $2"; echo "  stdout: $out" | head -5; echo "  stderr: $err" | head -5
  fi
}

# expect_in WHAT TEXT PATTERN: grep -E PATTERN in TEXT.
expect_in() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass "$1"; else
    fail "$1: no match for /$3/ in:"; printf '%s\n' "$2" | head -20 | sed 's/^/  | /'
  fi
}

# same A.h5 B.h5: prints "same" when every dataset outside /metadata is equal in shape, type and
# bytes and a task's figures are equal, else "differ: NAMES" (or "empty"). Needs h5py.
same() {
  /usr/bin/python3 - "$1" "$2" <<'EOF'
import sys, h5py, numpy as np
def datasets(path):
    out = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and not name.startswith("metadata"):
            out[name] = obj[()]
    h5py.File(path, "r").visititems(visit)
    return out
a, b = datasets(sys.argv[1]), datasets(sys.argv[2])
diff = sorted(set(a) ^ set(b)) + [k for k in a if k in b and (
    a[k].dtype != b[k].dtype or a[k].shape != b[k].shape or a[k].tobytes() != b[k].tobytes())]
# A task's figures (attributes of /task), except the timings.
def figures(path):
    f = h5py.File(path, "r")
    return {k: v for k, v in f["task"].attrs.items()
            if k not in ("items_per_second", "readout_seconds")} if "task" in f else {}
fa, fb = figures(sys.argv[1]), figures(sys.argv[2])
diff += ["task@" + k for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)]
print("same" if not diff and a else "differ: " + " ".join(diff) if diff else "empty")
EOF
}
