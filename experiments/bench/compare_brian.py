#!/usr/bin/python3
"""gliasim against Brian 2 (cpp_standalone, one thread), side by side on the same machine.

    /usr/bin/python3 experiments/bench/compare_brian.py [--gliasim build/apps/gliasim] [--repeats 3]

Builds nothing: it runs an existing gliasim binary and experiments/bench/brian_nets.py (Brian
generates and compiles its code on every run; that time is reported apart). For each network it
alternates gliasim and Brian `--repeats` times (seeds 1, 2, ...), then prints and writes into
docs/performance.md (between the compare_brian markers, the rest of the file is kept):
  - medians of the simulation loop: gliasim wall and CPU time, Brian's own loop time (std::clock,
    CPU time), the ratio gliasim/Brian on CPU time (the same clock on both sides, robust on a
    busy machine) and on wall time, gliasim's network build and Brian's code generation +
    compilation, synaptic events per second per core;
  - spike statistics: mean rates per population, CV of ISI (median over neurons) and the
    Kolmogorov-Smirnov distance between the two simulators' per-neuron CV distributions;
  - peak RSS, and bytes per synapse from peak RSS against the same network without synapses.
A plot of loop time per simulated second vs network size goes to docs/performance/.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BEGIN, END = "<!-- compare_brian:begin -->", "<!-- compare_brian:end -->"
COBA_PROJECTIONS = ["exc_exc", "exc_inh", "inh_exc", "inh_inh"]

# name, gliasim experiment, Brian arguments, projections (to build a synapse-free twin), size.
NETWORKS = {
    "coba": ("experiments/coba.toml", ["coba"], COBA_PROJECTIONS, 4000),
    "coba_64k": ("experiments/bench/coba_64k.toml", ["coba", "--neurons", "64000"],
                 COBA_PROJECTIONS, 64000),
    "neuron_glia": ("experiments/bench/neuron_glia_example6.toml", ["neuron_glia"],
                    COBA_PROJECTIONS, 7200),
}
DEFAULT_DURATIONS = {"coba": 10.0, "coba_64k": 1.0, "neuron_glia": 1.0}
# Memory per synapse, gliasim only: plastic synapses (STDP on E->E).
PLASTIC = ("experiments/coba_stdp.toml", COBA_PROJECTIONS)


# `taskset -c N` before both simulators' commands (--cpu): on a VM whose virtual CPUs differ in
# speed (a busy host sibling), both must run on the same one.
PIN = []


def sh(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def run_gliasim(exe, experiment, seed, duration, tmp, no_synapses_in=()):
    out = os.path.join(tmp, "g.h5")
    cmd = [exe, "run", os.path.join(ROOT, experiment), "-o", out, "-q", "--overwrite",
           "--set", f"simulation.seed={seed}", "--set", f'simulation.duration="{duration} s"',
           "--set", 'output.flush_interval="10 s"', "--set", "simulation.threads=1"]
    for p in no_synapses_in:
        cmd += ["--set", f"projections.{p}.p=0"]
    subprocess.run(PIN + cmd, check=True)
    with h5py.File(out, "r") as f:
        m = f["metadata"].attrs
        spikes = {pop: (f[f"spikes/{pop}/node_ids"][:], f[f"spikes/{pop}/timestamps"][:] * 1e-3)
                  for pop in ("exc", "inh") if f"spikes/{pop}" in f}
        return dict(loop_s=float(m["cpu_simulate_s"]), wall_s=float(m["wall_simulate_s"]),
                    setup_s=float(m["wall_build_s"]), peak_rss_bytes=int(m["peak_memory_bytes"]),
                    synapses=int(m["synapses"]), events=float(m["synaptic_events"]),
                    spikes=spikes)


def run_brian(args_brian, seed, duration, tmp, no_synapses=False):
    npz = os.path.join(tmp, "b.npz")
    cmd = [sys.executable, os.path.join(HERE, "brian_nets.py")] + args_brian + [
        "--seed", str(seed), "--duration", str(duration), "--spikes", npz]
    if no_synapses:
        cmd.append("--no-synapses")
    r = json.loads(sh(PIN + cmd).strip().splitlines()[-1])
    d = np.load(npz)
    r["spikes"] = {pop: (d["i"][d["pop"] == pop], d["t"][d["pop"] == pop]) for pop in ("exc", "inh")}
    r["wall_s"] = r["binary_wall_s"]  # the whole binary: connect, loop, writing results
    r["setup_s"] = r["compile_s"]
    return r


def cv_isi(ids, times, t_skip=0.1):
    """Per-neuron CV of the inter-spike intervals (spikes after t_skip, neurons with >= 3)."""
    keep = times >= t_skip
    ids, times = ids[keep], times[keep]
    order = np.lexsort((times, ids))
    ids, times = ids[order], times[order]
    same = ids[1:] == ids[:-1]  # consecutive spikes of one neuron
    isi, owner = np.diff(times)[same], ids[1:][same]
    _, first, count = np.unique(owner, return_index=True, return_counts=True)
    keep = count >= 2
    total = np.add.reduceat(isi, first)[keep] if len(isi) else np.array([])
    squares = np.add.reduceat(isi**2, first)[keep] if len(isi) else np.array([])
    n = count[keep]
    mean = total / n
    std = np.sqrt(np.maximum(squares / n - mean**2, 0))
    return std[mean > 0] / mean[mean > 0]


def ks_distance(a, b):
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    grid = np.sort(np.concatenate([a, b]))
    fa = np.searchsorted(np.sort(a), grid, side="right") / len(a)
    fb = np.searchsorted(np.sort(b), grid, side="right") / len(b)
    return float(np.abs(fa - fb).max())


def population_sizes(name):
    n = NETWORKS[name][3]
    n_neurons = 4000 if name == "neuron_glia" else n
    return {"exc": n_neurons * 4 // 5, "inh": n_neurons // 5}


def spike_statistics(run, name, duration):
    sizes = population_sizes(name)
    stats = {}
    for pop, (ids, times) in run["spikes"].items():
        stats[pop + "_rate"] = len(ids) / sizes[pop] / duration
        stats[pop + "_cv"] = cv_isi(np.asarray(ids, dtype=np.int64), np.asarray(times))
    return stats


def compare(args, name, duration, tmp):
    experiment, brian_args, _, _ = NETWORKS[name]
    runs = {"gliasim": [], "brian2": []}
    for r in range(args.repeats):
        seed = r + 1
        for sim in ("gliasim", "brian2"):
            print(f"  {name} {duration:g} s, seed {seed}: {sim} (load {load_average()})",
                  file=sys.stderr, flush=True)
            if sim == "gliasim":
                res = run_gliasim(args.gliasim, experiment, seed, duration, tmp)
            else:
                res = run_brian(brian_args, seed, duration, tmp)
            res.update(spike_statistics(res, name, duration))
            del res["spikes"]
            runs[sim].append(res)
    return runs


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def comparison_rows(name, duration, runs):
    g, b = runs["gliasim"], runs["brian2"]
    row = dict(network=name, duration=duration, g_loop=med(g, "loop_s"), g_wall=med(g, "wall_s"),
               b_loop=med(b, "loop_s"), b_wall=med(b, "wall_s"), g_build=med(g, "setup_s"),
               b_compile=med(b, "setup_s"), g_rss=med(g, "peak_rss_bytes"),
               b_rss=med(b, "peak_rss_bytes"), synapses=med(g, "synapses"),
               b_synapses=med(b, "synapses"), events=med(g, "events"))
    row["ratio_cpu"] = row["g_loop"] / row["b_loop"]
    stats = {}
    for pop in ("exc", "inh"):
        gr = statistics.mean(r[pop + "_rate"] for r in g)
        br = statistics.mean(r[pop + "_rate"] for r in b)
        gcv = np.concatenate([r[pop + "_cv"] for r in g])
        bcv = np.concatenate([r[pop + "_cv"] for r in b])
        stats[pop] = dict(g_rate=gr, b_rate=br, rate_diff=(gr - br) / br if br else float("nan"),
                          g_cv=float(np.median(gcv)) if len(gcv) else float("nan"),
                          b_cv=float(np.median(bcv)) if len(bcv) else float("nan"),
                          ks=ks_distance(gcv, bcv),
                          g_rates=[round(r[pop + "_rate"], 2) for r in g],
                          b_rates=[round(r[pop + "_rate"], 2) for r in b])
    row["stats"] = stats
    return row


def memory_rows(args, tmp, duration):
    """Bytes per synapse from peak RSS with and without the synapses (short runs, seed 1)."""
    rows = []
    cases = [("static (COBA 64k)", "coba_64k"), ("tripartite (neuron_glia)", "neuron_glia")]
    for label, name in cases:
        experiment, brian_args, projections, _ = NETWORKS[name]
        print(f"  memory: {label} (load {load_average()})", file=sys.stderr, flush=True)
        full = run_gliasim(args.gliasim, experiment, 1, duration, tmp)
        bare = run_gliasim(args.gliasim, experiment, 1, duration, tmp, projections)
        row = dict(label=label, synapses=full["synapses"],
                   g=(full["peak_rss_bytes"] - bare["peak_rss_bytes"]) / full["synapses"])
        if not args.no_brian_memory:
            bfull = run_brian(brian_args, 1, duration, tmp)
            bbare = run_brian(brian_args, 1, duration, tmp, no_synapses=True)
            row["b"] = (bfull["peak_rss_bytes"] - bbare["peak_rss_bytes"]) / bfull["synapses"]
            row["b_synapses"] = bfull["synapses"]
        rows.append(row)
    print(f"  memory: plastic (load {load_average()})", file=sys.stderr, flush=True)
    full = run_gliasim(args.gliasim, PLASTIC[0], 1, duration, tmp)
    bare = run_gliasim(args.gliasim, PLASTIC[0], 1, duration, tmp, PLASTIC[1])
    rows.append(dict(label="plastic (coba_stdp: STDP on E->E, 64 % of its synapses)",
                     synapses=full["synapses"],
                     g=(full["peak_rss_bytes"] - bare["peak_rss_bytes"]) / full["synapses"]))
    return rows


def machine_description():
    model = next((l.split(":", 1)[1].strip() for l in sh(["lscpu"]).splitlines()
                  if l.startswith("Model name")), platform.processor())
    brian = sh([sys.executable, "-c", "import brian2; print(brian2.__version__)"]).strip()
    gxx = sh(["g++", "--version"]).splitlines()[0]
    return model, os.cpu_count(), brian, gxx


def markdown(args, rows, memory, loads, plot_path):
    model, cores, brian, gxx = machine_description()
    lines = [BEGIN, "", "Generated by", "", "```sh", " ".join(["/usr/bin/python3", os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)] + sys.argv[1:]), "```",
             "", f"on {datetime.date.today()}, {model}, {cores} cores, Brian {brian}, {gxx}; "
             f"load averages (1, 5, 15 min) {loads[0]} before and {loads[1]} after the runs. "
             f"Medians of {args.repeats} runs per simulator (seeds 1..{args.repeats}), run "
             "alternately" + (f", both pinned to CPU {args.cpu}" if args.cpu is not None else "") +
             ". Loop times are CPU seconds of the simulation loop (gliasim: process CPU time of "
             "the loop without the recorders' flushes; Brian: its own std::clock loop time, "
             "which excludes writing its results), so a busy machine inflates them less than "
             "wall time; gliasim's wall time is shown next to them.", "",
             "| network | simulated | gliasim loop CPU [s] | gliasim loop wall [s] | Brian 2 loop [s] "
             "| **ratio gliasim/Brian** | gliasim build [s] | Brian codegen+compile [s] "
             "| synaptic events/s/core (gliasim) | peak RSS gliasim / Brian [MiB] |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['network']} | {r['duration']:g} s | {r['g_loop']:.3f} | {r['g_wall']:.3f} | "
            f"{r['b_loop']:.3f} | **{r['ratio_cpu']:.3g}** | {r['g_build']:.2f} | "
            f"{r['b_compile']:.1f} | {r['events'] / r['g_loop']:.3g} | "
            f"{r['g_rss'] / 2**20:.1f} / {r['b_rss'] / 2**20:.1f} |")
    lines += ["", "Spike statistics (rates: mean over the runs, Hz; CV of ISI: median over neurons "
              "with at least 3 spikes after 100 ms, pooled over runs; KS: Kolmogorov-Smirnov "
              "distance between the two simulators' per-neuron CV distributions):", "",
              "| network | population | rate gliasim | rate Brian 2 | difference | CV ISI gliasim "
              "| CV ISI Brian 2 | KS | rates per seed (gliasim; Brian) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for pop, s in r["stats"].items():
            lines.append(
                f"| {r['network']} | {pop} | {s['g_rate']:.2f} | {s['b_rate']:.2f} | "
                f"{100 * s['rate_diff']:+.1f} % | {s['g_cv']:.3f} | {s['b_cv']:.3f} | "
                f"{s['ks']:.3f} | {s['g_rates']}; {s['b_rates']} |")
    if memory:
        lines += ["", f"Memory per synapse: (peak RSS with synapses - peak RSS of the same network "
                  f"with every projection at p = 0) / synapses, runs of {args.memory_duration:g} s:",
                  "", "| synapses | count | gliasim [B/synapse] | Brian 2 [B/synapse] |",
                  "|---|---|---|---|"]
        for m in memory:
            b = f"{m['b']:.1f}" if "b" in m else "–"
            lines.append(f"| {m['label']} | {m['synapses']} | {m['g']:.1f} | {b} |")
    if plot_path:
        lines += ["", f"![loop time vs network size]({os.path.relpath(plot_path, os.path.join(ROOT, 'docs'))})"]
    lines += ["", END]
    return "\n".join(lines)


def write_docs(section, path):
    text = open(path).read() if os.path.exists(path) else "# Performance\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## gliasim and Brian 2 side by side\n\n" + section + "\n"
    open(path, "w").write(text)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label, marker, colour in (("g_loop", "gliasim", "o", "C0"),
                                       ("b_loop", "Brian 2 cpp_standalone", "s", "C3")):
        coba = [r for r in rows if r["network"].startswith("coba")]
        sizes = [NETWORKS[r["network"]][3] for r in coba]
        ax.plot(sizes, [r[key] / r["duration"] for r in coba], marker=marker, color=colour,
                label=f"{label}, COBA")
        for r in rows:
            if r["network"] == "neuron_glia":
                ax.plot([NETWORKS["neuron_glia"][3]], [r[key] / r["duration"]], marker=marker,
                        linestyle="none", markerfacecolor="none", markersize=9, color=colour,
                        label=f"{label}, neuron-glia (example 6 scale)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("entities (neurons + astrocytes)")
    ax.set_ylabel("loop CPU time per simulated second [s]")
    ax.set_title("one thread, medians")
    ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gliasim", default=os.path.join(ROOT, "build/apps/gliasim"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=list(NETWORKS))
    for name, d in DEFAULT_DURATIONS.items():
        parser.add_argument(f"--{name.replace('_', '-')}-duration", type=float, default=d,
                            help=f"simulated seconds for {name} (default {d:g})")
    parser.add_argument("--memory-duration", type=float, default=0.05,
                        help="simulated seconds of the memory runs (0: skip them)")
    parser.add_argument("--no-brian-memory", action="store_true",
                        help="measure bytes per synapse for gliasim only")
    parser.add_argument("--docs", default=os.path.join(ROOT, "docs/performance.md"),
                        help="markdown file to update ('-': print only)")
    parser.add_argument("--cpu", type=int, default=None,
                        help="run both simulators on this CPU only (taskset)")
    args = parser.parse_args()
    if args.cpu is not None:
        PIN[:] = ["taskset", "-c", str(args.cpu)]
    if not os.access(args.gliasim, os.X_OK):
        sys.exit(f"compare_brian: no gliasim binary at {args.gliasim} (build first or pass --gliasim)")

    loads = [load_average()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="compare_brian_") as tmp:
        for name in args.networks:
            duration = getattr(args, f"{name}_duration")
            rows.append(comparison_rows(name, duration, compare(args, name, duration, tmp)))
        memory = memory_rows(args, tmp, args.memory_duration) if args.memory_duration > 0 else []
    loads.append(load_average())
    plot_path = None
    if args.docs != "-":
        plot_path = os.path.join(os.path.dirname(args.docs), "performance", "brian_comparison.png")
        plot(rows, plot_path)
    section = markdown(args, rows, memory, loads, plot_path)
    print(section)
    if args.docs != "-":
        write_docs(section, args.docs)


if __name__ == "__main__":
    main()
