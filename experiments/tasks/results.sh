#!/usr/bin/env bash
# Regenerates docs/results.md: every task with astrocytes off and on over several seeds
# (gliasim compare), Fashion-MNIST with the NALSM protocol, and plots of the seed-1 curves.
#   usage: experiments/tasks/results.sh [--seeds N] [--fashion-seeds N] [--full]
#                                        [--work DIR] [--gliasim EXE] [-o FILE]
#   --full   also the larger runs: NALSM1000 on 20,000 and on the paper's 50,000 training
#            images, NALSM8000 (reduced sizes, see fashion_mnist_nalsm8000.toml) and the
#            branching-factor sweep (tests/slow/nalsm_branching.sh): hours on 2 cores.
# Stages whose output already exists in the work folder (default build/results) are not run
# again: delete a file there to redo its stage. Default (no --full): about 40 min on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seeds=5
fashion_seeds=2
full=0
work="$root/build/results"
exe="$root/build/apps/gliasim"
out="$root/docs/results.md"
while [ $# -gt 0 ]; do
    case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --fashion-seeds) fashion_seeds="$2"; shift 2 ;;
    --full) full=1; shift ;;
    --work) work="$2"; shift 2 ;;
    --gliasim) exe="$2"; shift 2 ;;
    -o) out="$2"; shift 2 ;;
    *) echo "results.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
mkdir -p "$work"
py=/usr/bin/python3
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)" 
log() { echo "[results] $(date +%H:%M:%S) $*" >&2; }

# compare STAGE SEEDS A B [--set ...]: a Markdown table of A (off) and B (on) over seeds 1..SEEDS.
compare() {
    local stage="$1" n="$2" a="$3" b="$4"
    shift 4
    if [ ! -s "$work/$stage.md" ]; then
        log "compare $stage ($n seeds)"
        local load
        load="$(cut -d' ' -f1-3 /proc/loadavg)"
        "$exe" compare "$here/$a.toml" "$here/$b.toml" --seeds "$n" --threads 1 --markdown \
            "$@" >"$work/$stage.md.tmp" 2>"$work/$stage.log"
        printf '\n(Load averages when this stage started: %s; they end %s.)\n' "$load" \
            "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/$stage.md.tmp"
        mv "$work/$stage.md.tmp" "$work/$stage.md"
    fi
    echo
    sed "s#$root/##g" "$work/$stage.md"
}

# run NAME FILE [--set ...]: one run (seed 1) into the work folder, for plots and single figures.
run() {
    local name="$1" file="$2"
    shift 2
    if [ ! -s "$work/$name.h5" ]; then
        log "run $name"
        "$exe" run "$here/$file.toml" -o "$work/$name.h5.tmp" -q --overwrite --seed 1 "$@"
        mv "$work/$name.h5.tmp" "$work/$name.h5"
    fi
}

# figures FILE...: one Markdown row per file with its /task scalars.
figures() {
    "$py" - "$@" <<'EOF'
import h5py, sys, os
for path in sys.argv[1:]:
    t = h5py.File(path, "r")["task"].attrs
    keep = [k for k in t if k not in ("kind",)]
    print("| " + os.path.basename(path)[:-3] + " | " +
          ", ".join(f"{k} {float(t[k]):.4g}" for k in keep) + " |")
EOF
}

# plot PNG TITLE X-CURVE Y-CURVE OFF.h5 ON.h5: the seed-1 curves of both variants.
plot() {
    "$py" - "$@" <<'EOF'
import sys, h5py, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
png, title, xname, yname, off, on = sys.argv[1:7]
fig, ax = plt.subplots(figsize=(4.2, 3.0), dpi=110)
for path, label, style in ((off, "astrocytes off", "o-"), (on, "astrocytes on", "s--")):
    t = h5py.File(path, "r")["task"]
    y = t[yname][...]
    x = t[xname][...] if xname in t else range(1, len(y) + 1)
    ax.plot(x, y, style, label=label, ms=4)
ax.set_title(title, fontsize=10)
ax.set_xlabel(xname.replace("_", " "))
ax.set_ylabel(yname.replace("_", " "))
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig(png)
EOF
}

tables="$work/tables.md"
: >"$tables"
section() { printf '\n%s\n\n' "$*" >>"$tables"; }

section "## Tasks: astrocytes off (A) and on (B)"
cat >>"$tables" <<EOF
\`gliasim compare A.toml B.toml --seeds $seeds --markdown\`: seeds 1–$seeds (network and stream),
mean ± standard deviation over the seeds, and the paired difference B − A. The reservoir tasks
use a 400 E + 100 I LIF reservoir (\`TASK.toml\`); \`TASK_astro.toml\` adds 400 Li–Rinzel
astrocytes that sense half of the E→E synapses and feed a slow inward current back
(\`parts/reservoir_astrocytes.toml\`). \`items_per_second\` is simulated items per wall second
on one thread, \`readout_seconds\` the readout's training and scoring.
EOF
section "### Short-term memory capacity (delays 1–40)"
compare memory_capacity "$seeds" memory_capacity memory_capacity_astro >>"$tables"
section "### Delayed recall (8 symbols; accuracy per delay, chance 0.125)"
compare delayed_recall "$seeds" delayed_recall delayed_recall_astro >>"$tables"
section "### N-back (4 symbols; balanced accuracy per N, chance 0.5)"
compare nback "$seeds" nback nback_astro >>"$tables"
section "### Next character, King James Bible (bits per character; n-gram baselines on the same split)"
compare next_char "$seeds" next_char next_char_astro >>"$tables"
section "### Associative recall with the fast-weight memory (8 values, chance 0.125)"
cat >>"$tables" <<'EOF'
A: the raw Hebbian read-out (`associative_recall_noastro.toml`); B: the astrocyte normaliser
(`associative_recall.toml`), each at its best weight. Accuracy against the number of
interfering pairs between a write and its query.
EOF
compare associative_recall "$seeds" associative_recall_noastro associative_recall >>"$tables"
section "### Fashion-MNIST, NALSM protocol, 1000 neurons, reduced sizes"
cat >>"$tables" <<'EOF'
A: LSM+STDP, the paper's baseline (`fashion_mnist_lsm_stdp.toml`: the astrocyte receives
nothing, the depression rate equals the potentiation rate); B: NALSM (`fashion_mnist_nalsm.toml`,
w_astro = 0.015). 5000 self-organisation images of 20 ms, then 250 ms images with STDP frozen;
softmax readout of spike counts trained on 5000 images (L2 chosen on 1000), tested on 2000.
EOF
compare fashion_reduced "$fashion_seeds" fashion_mnist_lsm_stdp fashion_mnist_nalsm >>"$tables"
# Larger Fashion-MNIST runs (seed 1): with --full they are run; without, those already in the
# work folder are reported.
if [ "$full" = 1 ]; then
    run fashion_nalsm1000_medium fashion_mnist_nalsm --set task.train=20000 \
        --set task.validation=5000 --set task.test=10000
    run fashion_nalsm8000 fashion_mnist_nalsm8000
    run fashion_nalsm1000_paper fashion_mnist_nalsm --set task.selforg=50000 --set task.train=50000 \
        --set task.validation=10000 --set task.test=10000
fi
larger=()
for name in fashion_nalsm1000_medium fashion_nalsm8000 fashion_nalsm1000_paper; do
    if [ -s "$work/$name.h5" ]; then larger+=("$work/$name.h5"); fi
done
if [ "${#larger[@]}" -gt 0 ]; then
    section "### Fashion-MNIST, larger runs (seed 1)"
    cat >>"$tables" <<'EOF'
`fashion_nalsm1000_medium`: NALSM1000, 5000 self-organisation images, 20,000 training, 5000
validation and all 10,000 test images. `fashion_nalsm8000`: NALSM8000
(`fashion_mnist_nalsm8000.toml`) at the reduced sizes above. `fashion_nalsm1000_paper`: the
paper's sizes (50,000 self-organisation and 50,000 training images). The paper: 83.05 ± 0.21 %
(1000 neurons), 85.61 ± 0.18 % (8000).

| run | figures |
|---|---|
EOF
    figures "${larger[@]}" >>"$tables"
fi
if [ "$full" = 1 ]; then
    if [ ! -s "$work/branching.txt" ]; then
        log "branching-factor sweep"
        bash "$root/tests/slow/nalsm_branching.sh" "$exe" "$root/experiments" >"$work/branching.txt"
    fi
    section "### NALSM1000 branching factor against w_astro"
    printf '```\n%s\n```\n' "$(cat "$work/branching.txt")" >>"$tables"
fi

section "### Curves (seed 1)"
mkdir -p "$root/docs/results"
for pair in "memory_capacity memory_capacity_astro memory_capacity_per_delay" \
    "delayed_recall delayed_recall_astro accuracy_per_delay:delays" \
    "associative_recall_noastro associative_recall accuracy_per_interfering_pairs:interfering_pairs"; do
    set -- $pair
    y="${3%%:*}"
    x="${3#*:}"
    [ "$x" = "$3" ] && x=delay
    run "$1" "$1"
    run "$2" "$2"
    plot "$root/docs/results/$1.png" "$1" "$x" "$y" "$work/$1.h5" "$work/$2.h5"
    echo "![$1](results/$1.png)" >>"$tables"
done

{
    cat <<EOF
# Results

Generated by \`experiments/tasks/results.sh --seeds $seeds --fashion-seeds $fashion_seeds$([ "$full" = 1 ] && echo " --full")\`
on $(date -u +%Y-%m-%d), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)),
$("$exe" --version | head -n1); load averages when this invocation started: $load_at_start.
Timings (items per second, readout seconds) on a loaded machine are slower than on an idle one
(each stage records its load); the accuracies are not affected. Do not edit by hand: change the script and rerun it (stages already in
\`$(realpath --relative-to="$root" "$work")\` are reused). The discussion of these figures is in
docs/results-discussion.md.
EOF
    cat "$tables"
} >"$out"
log "wrote $out"
