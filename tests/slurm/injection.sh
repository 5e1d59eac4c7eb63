#!/usr/bin/env bash
# Shell injection into the Slurm batch script (issue 16, class 3), with a stand-in sbatch on PATH
# that runs the script it is given with bash (tests/slurm/fake_sbatch): a line break, $(...) or a
# backquote in [sweep.slurm] time / mem / partition, in --time / --mem / --partition, in the
# sweep file's name (the job name) or in the sweep folder never runs a command (the marker file
# never appears). A refused value exits 2 with one line naming it (file:line:col for the file's
# values) before anything is written; a name or folder the script can hold safely is quoted and
# the submitted task runs its point.
#   bash injection.sh PATH/TO/gliasim
set -u
if [ $# -ne 1 ]; then echo "usage: $0 PATH/TO/gliasim"; exit 2; fi
exe=$(realpath "$1")
here=$(realpath "$(dirname "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir bin && cp "$here/fake_sbatch" bin/sbatch
export PATH="$work/bin:$PATH" FAKE_SBATCH_LOG="$work/sbatch_log"
mark="$work/MARK"

passed=0
failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok: $1"; else failed=$((failed + 1)); echo "FAIL: $1  [$2]"; fi; }

# A tiny network whose points run in well under a second.
base() {
  cat "$here/../fixtures/sweep/tiny_network.toml"
  printf '\n[sweep]\nseeds = 2\n'
}
base > plain.toml
sed -i 's/^duration = .*/duration = "50 ms"/' plain.toml

# refused NAME WANT_IN_MESSAGE -- gliasim args: exit 2, one line on stderr naming the value, no
# marker, no sweep folder, sbatch never called.
refused() {
  local name="$1" want="$2"
  shift 3
  rm -rf "$mark" "$FAKE_SBATCH_LOG" out
  "$exe" "$@" >out.txt 2>err.txt
  local rc=$?
  check "$name: exit 2 ($rc)" "[ $rc -eq 2 ]"
  check "$name: one line naming it: $(head -c 200 err.txt)" "[ \$(wc -l <err.txt) -eq 1 ] && grep -qF -- \"$want\" err.txt"
  check "$name: no command ran, nothing was written, sbatch not called" "[ ! -e '$mark' ] && [ ! -e out ] && [ ! -e '$FAKE_SBATCH_LOG' ]"
}

payloads=("1:00\ntouch $mark" "\$(touch $mark)" "\`touch $mark\`")
for key in time mem partition; do
  for i in 0 1 2; do
    f="file_${key}_$i.toml"
    { cat plain.toml; printf '[sweep.slurm]\n%s = "%s"\n' "$key" "${payloads[$i]//\\n/\\\\n}"; } >"$f"
    line=$(grep -c '' "$f")
    refused "[sweep.slurm] $key payload $i" "$f:$line:" -- sweep "$f" -o out --slurm
    check "  ... and the message names sweep.slurm.$key" "grep -q 'sweep.slurm.$key' err.txt"
    value=$(printf "${payloads[$i]//%/%%}")
    refused "--$key payload $i" "--$key" -- sweep plain.toml -o out --slurm "--$key" "$value"
  done
done

# A line break in the sweep file's name (the job name) or in the folder: refused.
nl_file=$'job\ntouch MARK.toml'
cp plain.toml "$nl_file"
refused "a line break in the sweep file's name" "job name" -- sweep "$nl_file" -o out --slurm
refused "a line break in the sweep folder" "sweep folder" -- sweep plain.toml -o $'out\ntouch MARK' --slurm

# $(...), backquotes, quotes and spaces in the file's name and the folder are quoted: the job is
# submitted, the stand-in sbatch runs the script, the point is done, and no command ran.
# (Names cannot hold '/': the payloads touch MARK in the working folder, which is $work.)
odd_name="job \$(touch MARK) \`touch MARK\` x.toml"
cp plain.toml "$odd_name"
odd_dir="dir \$(touch MARK) \`touch MARK\` it's"
rm -rf "$FAKE_SBATCH_LOG"
"$exe" sweep "$odd_name" -o "$odd_dir" --slurm --time 5 --mem 1G --partition debug >out.txt 2>err.txt
rc=$?
# No eval from here on: the names hold $(...) on purpose.
verdict() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok: $1"; else failed=$((failed + 1)); echo "FAIL: $1"; cat err.txt; fi; }
[ $rc -eq 0 ] && grep -q 'submitted job array 4242' out.txt
verdict "a name and folder full of shell syntax are submitted (exit $rc)" $?
[ "$(cat "$FAKE_SBATCH_LOG/run.0.rc")" = 0 ]
verdict "bash ran the script, which exited 0" $?
[ ! -e "$mark" ]
verdict "no command of the names ran (no marker)" $?
grep -q '^done' "$odd_dir"/status/*.tsv
verdict "the array task ran its point to the end" $?
grep -qx '#SBATCH --time=5' "$FAKE_SBATCH_LOG/script.0" && grep -qx '#SBATCH --partition=debug' "$FAKE_SBATCH_LOG/script.0"
verdict "the script's #SBATCH lines are the asked values" $?
grep -qF "sweep-task '$work/dir \$(touch" "$FAKE_SBATCH_LOG/script.0"
verdict "the exec line single-quotes the folder" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
