#!/usr/bin/env bash
# Hostile result files: a real 100 ms quickstart result damaged one way per file
# (make_results.py), plus things that are not files (a folder and a FIFO named x.h5, a link to
# /dev/zero). Each goes through `info`, `info --experiment`, `analyze` and `plot`: the commands
# a case names must refuse it (exit 2, one line, nothing written but plot's own -o PNG), the
# others must read it (exit 0).
#   bash result.sh PATH/TO/gliasim REPOSITORY_ROOT
exe=$(realpath "$1")
src=$(realpath "$2")
# shellcheck source=lib.sh
source "$src/tests/hostile/lib.sh"
py=/usr/bin/python3
if ! "$py" -c 'import h5py, matplotlib' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 lacks h5py or matplotlib (scripts/install_deps.sh installs them)"
  exit 0
fi

# The good file is made outside the sandbox: the run is not what is tested.
good_dir=$(mktemp -d)
trap 'rm -rf "$canary_dir" "${box:-/nonexistent}" "$good_dir"' EXIT
"$exe" run "$src/experiments/quickstart.toml" -o "$good_dir/good.h5" -q \
  --set 'simulation.duration="100 ms"' || { echo "FAIL: the quickstart run"; exit 1; }

list=$("$py" "$src/tests/hostile/make_results.py" "$good_dir/good.h5" "$good_dir") ||
  { echo "FAIL: make_results.py"; exit 1; }
list+=$'\n'"dir.h5 IEP/"$'\n'"fifo.h5 IEAP/"$'\n'"zero.h5 IEAP/"

# A fresh sandbox holding only the file of one case (snapshots stay small).
box_with() {
  hostile_box
  case "$1" in
  dir.h5) mkdir "$box/dir.h5" ;;
  fifo.h5) mkfifo "$box/fifo.h5" ;;
  zero.h5) ln -s /dev/zero "$box/zero.h5" ;;
  *) cp "$good_dir/$1" "$box/$1" ;;
  esac
}

# command_for LETTER FILE: the command line that letter stands for.
command_for() {
  case "$1" in
  I) echo "$exe info $2" ;;
  E) echo "$exe info $2 --experiment" ;;
  A) echo "$exe analyze $2" ;;
  P) echo "$exe plot $2 -o out.png" ;;
  esac
}

n=0
while read -r name spec; do
  [ -n "$name" ] || continue
  file="$name"
  [[ "$file" == *.h5 ]] || file="$name.h5"
  box_with "$file"
  refuse=${spec%/*}
  accept=${spec#*/}
  for letter in I E A P; do
    want=""
    [[ "$refuse" == *"$letter"* ]] && want=2
    [[ "$accept" == *"$letter"* ]] && want=0
    [ -n "$want" ] || continue
    allowed="-"
    [ "$letter" = P ] && allowed="out.png"
    # shellcheck disable=SC2046 # the command line is split into words on purpose
    hostile_case "$name: $letter" "$want" "$allowed" -- $(command_for "$letter" "$file")
    rm -f "$box/out.png"
    n=$((n + 1))
  done
done <<<"$list"
echo "$(grep -c . <<<"$list") files, $n cases"
hostile_summary
