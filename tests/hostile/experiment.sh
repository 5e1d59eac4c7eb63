#!/usr/bin/env bash
# Hostile experiment files (tests/hostile/README.md): each file of experiment/ is checked with
#   gliasim validate F   and   gliasim run F -o out.h5 -q
# in a fresh sandbox. Exit status 2 (refused before anything is written) unless the file's
# "# hostile:" line says otherwise:
#   validate=RC run=RC  the documented status (0: a valid file, e.g. one that is too big for this
#                       machine, which validate accepts and run refuses by the memory estimate;
#                       1: a numerical fault while running, which keeps the output)
#   setup=WHAT          fixtures made in the sandbox first: fifo, cycle, huge, link_zero,
#                       link_canary (a symlink to the canary outside the sandbox)
#   output=default      run without -o (the file's own [output] file)
# A run may write only out.h5 (and the names gliasim keeps beside an output it writes).
# Cases without a file (the main file itself a FIFO, a device, a folder, too big) follow.
# usage: experiment.sh GLIASIM_EXE SOURCE_DIR
exe="$1"
src="$2"
source "$src/tests/hostile/lib.sh"

run_outputs="out.h5 out.h5.partial out.h5.ckpt"

# setup WHAT NAME: fixtures in $box for the case in file NAME.
setup() {
  case "$1" in
    fifo) mkfifo "$box/fifo" ;;
    cycle) printf 'extends = "%s"\n' "$2" >"$box/cycle_b.toml" ;;
    huge) truncate -s $((17 * 1024 * 1024)) "$box/huge.toml" ;;
    link_zero) ln -s /dev/zero "$box/zero.toml" ;;
    link_canary) ln -s "$canary" "$box/result.h5" ;;
    "") ;;
    *) echo "unknown setup '$1'" >&2 ;;
  esac
}

count=0
for f in "$src"/tests/hostile/experiment/*.toml; do
  name=$(basename "$f")
  count=$((count + 1))
  want_validate=2 want_run=2 what="" output=""
  directive=$(grep -m1 '^# hostile:' "$f" | sed 's/^# hostile://')
  for kv in $directive; do
    case "$kv" in
      validate=*) want_validate="${kv#*=}" ;;
      run=*) want_run="${kv#*=}" ;;
      setup=*) what="${kv#*=}" ;;
      output=*) output="${kv#*=}" ;;
    esac
  done
  hostile_box
  cp "$f" "$box/$name"
  setup "$what" "$name"
  hostile_case "$name: validate" "$want_validate" - -- "$exe" validate "$name"
  if [ "$output" = default ]; then
    hostile_case "$name: run" "$want_run" "$run_outputs" -- "$exe" run "$name" -q
  else
    hostile_case "$name: run" "$want_run" "$run_outputs" -- "$exe" run "$name" -o out.h5 -q
  fi
done
if [ "$count" -lt 50 ]; then
  echo "FAIL: only $count hostile experiment files (expected at least 50)"
  failed=$((failed + 1))
fi

# The main file itself is not a regular file, or too big.
hostile_box
mkfifo "$box/fifo.toml"
mkdir "$box/folder.toml"
truncate -s $((17 * 1024 * 1024)) "$box/huge.toml"
for target in /dev/zero /dev/urandom fifo.toml folder.toml huge.toml; do
  hostile_case "main file $target: validate" 2 - -- "$exe" validate "$target"
  hostile_case "main file $target: run" 2 - -- "$exe" run "$target" -o out.h5 -q
done

# A huge array of spike times (6 MB of TOML): parsed within the limits, refused for its content.
hostile_box
{
  printf '[simulation]\nduration = "20 ms"\n\n[populations.src]\nmodel = "spike_source_array"\n'
  printf 'size = 1\nspike_times = [['
  seq -s, 1 1000000
  printf ', -1]]\n'
} >"$box/huge_array.toml"
hostile_case "huge spike_times array with a negative time: validate" 2 - -- \
  "$exe" validate huge_array.toml

hostile_summary
