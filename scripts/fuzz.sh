#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan+UBSan: preset "fuzz") and runs each for SECONDS
# (default 300), nice'd, from a seed corpus of the shipped experiments, the malformed-input tests
# and short result files. Crash inputs land in build-fuzz/fuzz-work/artifacts/; once fixed, copy
# each into fuzz/regressions/<kind>/ (replayed by ctest in every build).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [experiment|result_file|analysis|batch_script|checkpoint]...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
secs="${1:-300}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(experiment result_file analysis batch_script checkpoint)
command -v clang++ >/dev/null || apt-get install -y clang libomp-dev

cmake --preset fuzz >/dev/null
nice cmake --build --preset fuzz --target "${targets[@]/#/fuzz_}" fuzz_replay

work="$root/build-fuzz/fuzz-work"
for t in "${targets[@]}"; do mkdir -p "$work/corpus_$t"; done
mkdir -p "$work/corpus_result_file" "$work/corpus_analysis" "$work/artifacts"
cp experiments/*.toml experiments/tasks/*.toml fuzz/regressions/experiment/* \
  "$work/corpus_experiment/" 2>/dev/null || true
# The bad inputs sit in one folder per section, and names repeat across sections.
for f in tests/bad_input/*/*; do
  section=$(basename "$(dirname "$f")")
  cp "$f" "$work/corpus_experiment/bad_input_${section}_$(basename "$f")"
done
cp fuzz/regressions/result_file/* "$work/corpus_result_file/" 2>/dev/null || true
cp fuzz/regressions/result_file/* fuzz/regressions/analysis/* "$work/corpus_analysis/" 2>/dev/null || true
# The batch-script generator: its seeds (values and sweep files with injections), and the shipped
# experiments as sweep files (first byte odd: a sweep file).
if [ -d "$work/corpus_batch_script" ]; then
  cp fuzz/regressions/batch_script/* "$work/corpus_batch_script/" 2>/dev/null || true
  rm -f "$work/corpus_batch_script/README.md"
  for f in tests/fixtures/sweep/*.toml experiments/*.toml; do
    { printf '\001'; cat "$f"; printf '\n[sweep]\nseeds = 2\n[sweep.slurm]\ntime = "1:00"\n'; } \
      >"$work/corpus_batch_script/$(basename "$f")" 2>/dev/null || true
  done
fi
# Real checkpoints of the checkpoint harness's network, and edit lists (fuzz/checkpoint_entry.cpp).
if [ -d "$work/corpus_checkpoint" ]; then
  build-fuzz/fuzz/fuzz_replay checkpoint_seeds "$work/corpus_checkpoint"
  cp fuzz/regressions/checkpoint/* "$work/corpus_checkpoint/" 2>/dev/null || true
fi
# Small result files of a few shapes (spikes, reports, weights), from the normal build.
if [ -x build/apps/gliasim ]; then
  for e in quickstart coba_stdp astro_single; do
    build/apps/gliasim run "experiments/$e.toml" -o "$work/corpus_result_file/$e.h5" -q \
      --overwrite --set simulation.duration='"20 ms"' || true
    cp "$work/corpus_result_file/$e.h5" "$work/corpus_analysis/" 2>/dev/null || true
  done
fi

for t in "${targets[@]}"; do
  echo "== fuzz_$t for $secs s"
  # libhdf5 (not instrumented) keeps freed blocks on its own free lists and loses a few hundred
  # bytes on some damaged files: libFuzzer's per-input leak check reports those; leaks are not
  # checked for the HDF5 targets, result files, analysis and checkpoints (docs/reliability.md).
  # It also has memory-safety bugs of its own on crafted files (fuzz/known_hdf5_bugs/): those
  # targets run in fork mode and go on after a crash; read the stacks in the log to tell
  # libhdf5's crashes from ours.
  extra=()
  case "$t" in
    experiment | batch_script) ;;
    *) extra=(-detect_leaks=0 -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1) ;;
  esac
  nice "build-fuzz/fuzz/fuzz_$t" "$work/corpus_$t" -max_total_time="$secs" -timeout=20 \
    "${extra[@]}" \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$work/artifacts/$t-" \
    2>"$work/$t.log" || echo "fuzz_$t stopped: see $work/$t.log"
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$work/$t.log" || true
done
ls -la "$work/artifacts"
