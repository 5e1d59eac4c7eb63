#!/usr/bin/env bash
# Hostile sweep files (tests/hostile/README.md): each file of sweep_file/ is run with
#   gliasim sweep F -o out --slurm
# in a fresh sandbox, with a stand-in sbatch on PATH that would run the batch script with bash
# (tests/slurm/fake_sbatch). Every file must be refused with exit 2 and one line before anything
# is written: no sweep folder, no batch script, sbatch never called, and no MARK file (the
# payloads `touch MARK` in the sandbox). A "# hostile: setup=WHAT" line makes fixtures first:
#   link_base  base.toml, the experiment the file extends, is a symlink to the canary outside
# Cases without a file (hostile names of the file and the folder, hostile options) follow.
# usage: sweep_file.sh GLIASIM_EXE SOURCE_DIR
exe="$1"
src="$2"
source "$src/tests/hostile/lib.sh"

fake_bin="$canary_dir/bin"
mkdir -p "$fake_bin"
cp "$src/tests/slurm/fake_sbatch" "$fake_bin/sbatch"
sbatch_log="$canary_dir/sbatch_log"
run=(env PATH="$fake_bin:$PATH" FAKE_SBATCH_LOG="$sbatch_log" "$exe")

# sbatch_not_called NAME: counts a failure when the stand-in sbatch ran.
sbatch_not_called() {
  if [ -e "$sbatch_log" ]; then
    failed=$((failed + 1))
    echo "FAIL: $1: sbatch was called"
    rm -rf "$sbatch_log"
  fi
}

count=0
for f in "$src"/tests/hostile/sweep_file/*.toml; do
  name=$(basename "$f")
  count=$((count + 1))
  hostile_box
  cp "$f" "$box/$name"
  case "$(grep -m1 '^# hostile:' "$f")" in
    *setup=link_base*) ln -s "$canary" "$box/base.toml" ;;
  esac
  hostile_case "$name" 2 - -- "${run[@]}" sweep "$name" -o out --slurm
  sbatch_not_called "$name"
done

# The sweep file's name is the job name; the folder is written into the script.
hostile_box
cp "$src/tests/hostile/sweep_file/no_sweep.toml" "$box/x.toml"
sed -i '$a [sweep]\nseeds = 2' "$box/x.toml"
cp "$box/x.toml" "$box/"$'job\ntouch MARK.toml'
hostile_case "a line break in the file's name (the job name)" 2 - -- "${run[@]}" sweep $'job\ntouch MARK.toml' -o out --slurm
sbatch_not_called "job name"
cp "$box/x.toml" "$box/"$'job\rx.toml'
hostile_case "a carriage return in the file's name" 2 - -- "${run[@]}" sweep $'job\rx.toml' -o out --slurm
sbatch_not_called "job name CR"
cp "$box/x.toml" "$box/job'x.toml"
hostile_case "a quote in the file's name" 2 - -- "${run[@]}" sweep "job'x.toml" -o out --slurm
sbatch_not_called "job name quote"
hostile_case "a line break in the sweep folder" 2 - -- "${run[@]}" sweep x.toml -o $'out\ntouch MARK' --slurm
sbatch_not_called "folder"
for opt in time mem partition; do
  for payload in $'1\ntouch MARK' '$(touch MARK)' '`touch MARK`' '1;touch MARK'; do
    count=$((count + 1))
    hostile_case "--$opt $(printf '%q' "$payload")" 2 - -- "${run[@]}" sweep x.toml -o out --slurm "--$opt" "$payload"
    sbatch_not_called "--$opt"
  done
done
hostile_case "--cpus-per-task 0" 2 - -- "${run[@]}" sweep x.toml -o out --slurm --cpus-per-task 0
# The sweep file itself is no regular file: refused at once, never read (a FIFO blocked forever
# and /dev/zero filled memory before).
hostile_box
mkfifo "$box/fifo.toml"
mkdir "$box/folder.toml"
hostile_case "the sweep file is a FIFO" 2 - -- "${run[@]}" sweep fifo.toml -o out --local
hostile_case "the sweep file is /dev/zero" 2 - -- "${run[@]}" sweep /dev/zero -o out --local
hostile_case "the sweep file is a folder" 2 - -- "${run[@]}" sweep folder.toml -o out --local
count=$((count + 3))
echo "$count sweep files and options"
hostile_summary
