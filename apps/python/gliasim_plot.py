# SPDX-License-Identifier: MIT
"""Figures of gliasim result files; run as `gliasim plot OUT.h5 [KIND] [-o FILE.png|.pdf]`.

Kinds: raster (spikes with the population rate underneath), astro (Ca/IP3/SIC traces of
sampled astrocytes), isi (inter-spike intervals and their CV), rates (firing-rate
histograms), weights (weight histograms), memory (task curves from /task), heatmap (a sweep
folder: a metric over two swept parameters), all (every figure the file has data for).
Exit status 0, 2 for bad input, 1 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

KINDS = ["raster", "astro", "isi", "rates", "weights", "memory", "heatmap", "all"]
COLOURS = ["#1f4e99", "#c0392b", "#2a9d5c", "#8e44ad", "#d68910", "#17a2b8", "#6c757d"]


class BadInput(Exception):
    pass


class OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line on stderr (exit 2), not usage plus message."""

    def error(self, message):
        self.exit(2, f"error: gliasim plot: {message} (gliasim plot --help)\n")


def one_line(text):
    return " ".join(str(text).split())


def import_matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        sys.stderr.write("error: gliasim plot needs matplotlib for /usr/bin/python3 "
                         "(Debian: apt-get install python3-matplotlib python3-h5py)\n")
        sys.exit(1)


def style(plt):
    plt.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 110, "font.size": 9, "axes.titlesize": 10,
        "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
    })


def window(f, args):
    t0 = args.t_from if args.t_from is not None else 0.0
    t1 = args.t_to if args.t_to is not None else f.duration_ms()
    if not t1 > t0:
        raise BadInput(f"empty time window [{t0:g}, {t1:g}) ms")
    return t0, t1


def spike_populations(f, args):
    pops = f.spike_populations()
    if args.population:
        if args.population not in pops:
            raise BadInput(f"'{f.path}' has no spikes of population '{args.population}' "
                           f"(it has: {', '.join(pops) or 'none'})")
        return [args.population]
    if not pops:
        raise BadInput(f"'{f.path}' holds no spikes")
    return pops


def plot_raster(plt, f, args):
    import numpy as np
    import gliasim_reader as gr
    t0, t1 = window(f, args)
    pops = spike_populations(f, args)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1]})
    offset, ticks, labels = 0, [], []
    bin_ms = max(1.0, (t1 - t0) / 400)
    rng = np.random.default_rng(1)
    for k, p in enumerate(pops):
        s = f.spikes(p, t0, t1)
        n = max(s.size, int(s.node_ids.max()) + 1 if len(s) else 0, 1)
        # At most 300 rows per population, drawn at random, so dots stay visible.
        shown = np.sort(rng.choice(n, 300, replace=False)) if n > 300 else np.arange(n)
        row = np.full(n, -1)
        row[shown] = np.arange(len(shown))
        keep = row[s.node_ids.astype(np.int64)] >= 0
        colour = COLOURS[k % len(COLOURS)]
        # Ticks while they stay apart, dots for dense rasters.
        sparse = len(s) < 20000
        top.scatter(s.times[keep], row[s.node_ids[keep].astype(np.int64)] + offset,
                    s=6 if sparse else 1.5, marker="|" if sparse else ".", color=colour,
                    linewidths=0.6)
        ticks.append(offset + len(shown) / 2)
        labels.append(f"{p}\n({len(shown)} of {n})" if n > len(shown) else p)
        edges = np.arange(t0, t1 + bin_ms / 2, bin_ms)
        counts, _ = np.histogram(s.times - f.dt_ms() / 2, edges)
        bottom.plot(edges[:-1] + bin_ms / 2, counts / (n * bin_ms * 1e-3), color=colour, lw=1,
                    label=f"{p}: {len(s) / n / ((t1 - t0) * 1e-3):.1f} Hz")
        offset += len(shown) + max(5, len(shown) // 20)
    top.set_yticks(ticks, labels)
    top.set_ylim(offset, -1)  # the first population on top
    top.set_title(f"{os.path.basename(f.path)}: spikes")
    bottom.set_xlabel("time (ms)")
    bottom.set_ylabel(f"rate (Hz)\n{bin_ms:g} ms bins")
    bottom.set_xlim(t0, t1)
    bottom.legend(loc="lower right", bbox_to_anchor=(1, 1.0), fontsize=8, ncol=min(3, len(pops)))
    return fig


def plot_astro(plt, f, args):
    import numpy as np
    reports = f.reports()
    pops = sorted({p for p, v in reports if v.lower() in ("ca", "ca_astro", "c")})
    if args.population:
        pops = [args.population] if any(p == args.population for p, _ in reports) else []
    if not pops:
        raise BadInput(f"'{f.path}' has no astrocyte report (a Ca variable)"
                       + (f" of population '{args.population}'" if args.population else ""))
    pop = pops[0]
    variables = [v for p, v in reports if p == pop]
    # Ca first, then IP3, then the rest (SIC, G, ...).
    order = {"ca": 0, "ca_astro": 0, "c": 0, "ip3": 1}
    variables.sort(key=lambda v: (order.get(v.lower(), 2), v))
    t0, t1 = window(f, args)
    fig, axes = plt.subplots(len(variables), 1, figsize=(8, 1.6 + 1.4 * len(variables)),
                             sharex=True, squeeze=False)
    cols = None
    for ax, v in zip(axes[:, 0], variables):
        r = f.report(pop, v)
        keep = (r.times >= t0) & (r.times <= t1)
        if not keep.any():
            raise BadInput(f"'{f.path}': report {pop}/{v} has no samples in "
                           f"[{t0:g}, {t1:g}] ms")
        if cols is None:
            # The 5 recorded astrocytes whose Ca varies most (the ones where something happens),
            # the same ones in every panel.
            spread = r.values[keep].max(axis=0) - r.values[keep].min(axis=0)
            cols = np.sort(np.argsort(-spread, kind="stable")[:5])
        for k, c in enumerate(cols):
            ax.plot(r.times[keep] / 1000, r.values[keep, c], lw=1, color=COLOURS[k],
                    label=f"#{r.node_ids[c]}")
        units = r.units.replace("uM", "µM")
        ax.set_ylabel(f"{v}\n({units})" if units and units != "1" else v)
    # The model's own Ca threshold (release or SIC), where it has one, as a dashed line.
    params = f.experiment_dict().get("populations", {}).get(pop, {})
    for name in ("C_theta", "SIC_th"):
        if name in params and order.get(variables[0].lower()) == 0:
            value = float(str(params[name]).split()[0])
            axes[0, 0].axhline(value, color="0.5", ls="--", lw=0.8)
            axes[0, 0].annotate(f"{name} = {value:g}", (0, value), xycoords=("axes fraction",
                                "data"), xytext=(2, 2), textcoords="offset points", fontsize=7,
                                color="0.4")
    many = r.values.shape[1] > len(cols)
    fig.suptitle(f"{os.path.basename(f.path)}: population '{pop}', "
                 + (f"the {len(cols)} most active of {r.values.shape[1]} recorded astrocytes"
                    if many else f"{len(cols)} recorded astrocyte" + ("s" if len(cols) > 1 else "")))
    axes[0, 0].legend(loc="lower right", bbox_to_anchor=(1, 1.0), fontsize=7, ncol=len(cols))
    axes[-1, 0].set_xlabel("time (s)")
    return fig


def isis_and_rates(f, args):
    import numpy as np
    import gliasim_reader as gr
    t0, t1 = window(f, args)
    out = {}
    for p in spike_populations(f, args):
        s = f.spikes(p, t0, t1)
        trains = s.per_neuron()
        isis = [np.diff(t) for t in trains if len(t) > 1]
        cvs = [d.std(ddof=1) / d.mean() for d in isis if len(d) >= 3 and d.mean() > 0]
        rates = np.array([len(t) for t in trains]) / ((t1 - t0) * 1e-3)
        out[p] = (np.concatenate(isis) if isis else np.empty(0), np.array(cvs), rates)
    return out


def plot_isi(plt, f, args):
    import numpy as np
    data = isis_and_rates(f, args)
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6))
    for k, (p, (isi, cv, _)) in enumerate(data.items()):
        if len(isi):
            bins = np.logspace(np.log10(max(isi.min(), 0.1)), np.log10(isi.max() * 1.01), 50)
            a.hist(isi, bins=bins, histtype="step", lw=1.3, color=COLOURS[k % 7],
                   label=f"{p} (median {np.median(isi):.0f} ms)")
        if len(cv):
            b.hist(cv, bins=np.linspace(0, max(2.0, cv.max()), 40), histtype="step", lw=1.3,
                   color=COLOURS[k % 7], label=f"{p} (mean {cv.mean():.2f})")
    a.set_xscale("log")
    a.set_xlabel("inter-spike interval (ms)")
    a.set_ylabel("intervals")
    a.set_title("ISI distribution")
    b.axvline(1.0, color="0.6", ls="--", lw=0.8)
    b.set_xlabel("CV of ISIs (neurons with >= 3 ISIs)")
    b.set_ylabel("neurons")
    b.set_title("irregularity (Poisson: CV = 1)")
    for ax in (a, b):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.suptitle(os.path.basename(f.path))
    return fig


def plot_rates(plt, f, args):
    import numpy as np
    data = isis_and_rates(f, args)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    top = max((r.max() for _, _, r in data.values() if len(r)), default=1.0)
    bins = np.linspace(0, max(top, 1.0) * 1.02, 40)
    for k, (p, (_, _, rates)) in enumerate(data.items()):
        ax.hist(rates, bins=bins, histtype="step", lw=1.3, color=COLOURS[k % 7],
                label=f"{p}: mean {rates.mean():.2f} Hz, {np.mean(rates == 0) * 100:.0f}% silent")
    ax.set_xlabel("firing rate (Hz)")
    ax.set_ylabel("neurons")
    ax.set_title(f"{os.path.basename(f.path)}: firing rates")
    ax.legend(fontsize=8)
    return fig


def plot_weights(plt, f, args):
    import numpy as np
    projections = f.projections()
    if args.population:
        projections = [p for p in projections if p == args.population]
    if not projections:
        raise BadInput(f"'{f.path}' has no recorded weights"
                       + (f" of projection '{args.population}'" if args.population else ""))
    fig, axes = plt.subplots(1, len(projections), figsize=(4.5 * len(projections), 3.6),
                             squeeze=False)
    for ax, name in zip(axes[0], projections):
        w = f.weights(name)
        if w.counts is not None and w.counts.any():
            # Only the occupied part of the recorded range, with a bin of margin.
            used = np.flatnonzero(w.counts.sum(axis=0))
            lo, hi = max(used[0] - 1, 0), min(used[-1] + 2, len(w.bin_edges) - 1)
            ax.set_xlim(w.bin_edges[lo], w.bin_edges[hi])
        rows = sorted({0, len(w.times) // 2, len(w.times) - 1})
        for k, r in enumerate(rows):
            label = f"t = {w.times[r] / 1000:g} s"
            if w.counts is not None:
                centres = (w.bin_edges[:-1] + w.bin_edges[1:]) / 2
                ax.step(centres, w.counts[r], where="mid", color=COLOURS[k], lw=1.2, label=label)
            else:
                ax.hist(w.values[r], bins=40, histtype="step", color=COLOURS[k], lw=1.2,
                        label=label)
        ax.set_xlabel(f"weight ({w.units})" if w.units else "weight")
        ax.set_ylabel("synapses")
        ax.set_title(f"{name}")
        ax.legend(fontsize=8)
    fig.suptitle(f"{os.path.basename(f.path)}: weight distributions")
    return fig


# Task curves: (y dataset, x dataset or None, y label, x label).
TASK_CURVES = [
    ("memory_capacity_per_delay", None, "capacity r²", "delay k (items)"),
    ("accuracy_per_delay", "delays", "accuracy", "delay (items)"),
    ("balanced_accuracy_per_n", "n_back", "balanced accuracy", "n"),
    ("ngram_kneser_ney_bpc", "ngram_order", "bits per character", "n-gram order"),
    ("per_class_accuracy", None, "accuracy", "class"),
]


def plot_memory(plt, f, args):
    import numpy as np
    t = f.task()
    if t is None:
        raise BadInput(f"'{f.path}' has no /task group (not a task run, or it ended early)")
    for y, x, ylabel, xlabel in TASK_CURVES:
        if y in t.curves:
            break
    else:
        raise BadInput(f"'{f.path}': task '{t.kind}' has no curve to plot")
    values = t.curves[y]
    xs = t.curves[x] if x else np.arange(1, len(values) + 1) - (y == "per_class_accuracy")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot(xs, values, "o-", ms=3, color=COLOURS[0])
    if y == "memory_capacity_per_delay":
        ax.fill_between(xs, values, alpha=0.15, color=COLOURS[0])
        ax.set_ylim(0, 1.02)
    headline = ", ".join(f"{k} = {t.figures[k]:.3g}" for k in
                         ("memory_capacity", "mean_accuracy", "mean_balanced_accuracy",
                          "bits_per_character", "test_accuracy") if k in t.figures)
    ax.set_title(f"{os.path.basename(f.path)}: {t.kind}" + (f" ({headline})" if headline else ""))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def metric_value(entry, metric, population):
    pops = entry.get("populations", [])
    if population:
        pops = [p for p in pops if p["population"] == population]
    if not pops:
        return float("nan")
    node = pops[0]
    for part in metric.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return float("nan") if node is None else float(node)


def plot_metric_line(plt, args, entries, x, key, label):
    """One swept parameter: the metric against it, one line per population."""
    xs = sorted({e["parameters"][x] for e in entries}, key=key)
    pops = sorted({p["population"] for e in entries for p in e.get("populations", [])})
    if args.population:
        pops = [args.population]
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for k, pop in enumerate(pops):
        values = [metric_value(next(e for e in entries if e["parameters"][x] == v), args.metric,
                               pop) for v in xs]
        ax.plot(range(len(xs)), values, "o-", color=COLOURS[k % 7], label=pop)
    ax.set_xticks(range(len(xs)), [label(v) for v in xs])
    ax.set_xlabel(x)
    ax.set_ylabel(args.metric)
    ax.legend(fontsize=8)
    ax.set_title(os.path.basename(os.path.normpath(args.input)))
    return fig


def plot_heatmap(plt, args):
    import numpy as np
    if args.analysis:
        with open(args.analysis) as fh:
            entries = json.load(fh)
    else:
        exe = os.environ.get("GLIASIM_EXE", "gliasim")
        run = subprocess.run([exe, "analyze", args.input, "--json"], capture_output=True,
                             text=True)
        if run.returncode != 0 and not run.stdout.strip():
            lines = run.stderr.strip().splitlines()
            raise BadInput(lines[-1] if lines else f"gliasim analyze {args.input} failed")
        entries = json.loads(run.stdout)
    names = list(entries[0].get("parameters", {})) if entries else []
    x, y = args.x or (names[0] if names else None), args.y or (names[1] if len(names) > 1 else None)
    if x is None:
        raise BadInput(f"'{args.input}': no swept parameters (a manifest.tsv or manifest.csv "
                       f"with parameter columns)")
    for name in (x, y):
        if name is not None and name not in names:
            raise BadInput(f"no swept parameter '{name}' (have: {', '.join(names)})")

    def key(v):
        try:
            return (0, float(v.strip("\"'").split()[0]), v)
        except (ValueError, IndexError):
            return (1, 0.0, v)

    def label(v):
        return v.strip("\"'")
    if y is None:
        return plot_metric_line(plt, args, entries, x, key, label)
    xs = sorted({e["parameters"][x] for e in entries}, key=key)
    ys = sorted({e["parameters"][y] for e in entries}, key=key)
    grid = np.full((len(ys), len(xs)), np.nan)
    for e in entries:
        grid[ys.index(e["parameters"][y]), xs.index(e["parameters"][x])] = \
            metric_value(e, args.metric, args.population)
    fig, ax = plt.subplots(figsize=(1.6 + 0.9 * len(xs), 1.4 + 0.7 * len(ys)))
    im = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(xs)), [label(v) for v in xs], rotation=30 if len(xs) > 4 else 0)
    ax.set_yticks(range(len(ys)), [label(v) for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    for (i, j), v in np.ndenumerate(grid):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8,
                    color="black" if v > (np.nanmin(grid) + np.nanmax(grid)) / 2 else "white")
    fig.colorbar(im, ax=ax, label=args.metric + (f" ({args.population})" if args.population else ""))
    ax.set_title(os.path.basename(os.path.normpath(args.input)))
    return fig


def default_kind(f):
    if f.spike_populations():
        return "raster"
    if any(f.report(p, v).values.shape[0] for p, v in f.reports()):
        return "astro"
    raise BadInput(f"'{f.path}' holds neither spikes nor report samples")


PLOTS = {"raster": plot_raster, "astro": plot_astro, "isi": plot_isi, "rates": plot_rates,
         "weights": plot_weights, "memory": plot_memory}


def main(argv):
    p = OneLineParser(prog="gliasim plot",
                      description="Figures of a result file or a sweep folder.")
    p.add_argument("input", help="result file (OUT.h5), or a sweep folder for 'heatmap'")
    p.add_argument("kind", nargs="?", choices=KINDS, help="default: raster (astro without spikes)")
    p.add_argument("-o", "--output", help="FILE.png, .pdf or .svg (default: <input>_<kind>.png); "
                                          "for 'all', a folder")
    p.add_argument("-p", "--population", help="only this population (projection for 'weights')")
    p.add_argument("--from", dest="t_from", type=float, help="start of the window [ms]")
    p.add_argument("--to", dest="t_to", type=float, help="end of the window [ms]")
    p.add_argument("--dpi", type=float, default=110, help="PNG resolution (default 110)")
    p.add_argument("--metric", default="rate_hz.mean",
                   help="heatmap: a field of `gliasim analyze --json`, e.g. synchrony_chi, "
                        "cv_isi.mean (default rate_hz.mean)")
    p.add_argument("--x", help="heatmap: swept parameter on the x axis")
    p.add_argument("--y", help="heatmap: swept parameter on the y axis")
    p.add_argument("--analysis", help="heatmap: read this `gliasim analyze DIR --json` output")
    args = p.parse_args(argv)

    if args.output and os.path.splitext(args.output)[1].lower() not in (".png", ".pdf", ".svg") \
            and args.kind != "all":
        sys.stderr.write(f"error: -o {args.output}: use a .png, .pdf or .svg file name\n")
        return 2
    plt = import_matplotlib()
    style(plt)
    import gliasim_reader as gr
    stem = os.path.splitext(os.path.basename(os.path.normpath(args.input)))[0]

    def save(fig, out):
        fig.tight_layout()
        fig.savefig(out, dpi=args.dpi)
        plt.close(fig)
        print(out)

    try:
        return draw(plt, gr, args, stem, save)
    except (BadInput, gr.FormatError, KeyError) as e:
        sys.stderr.write(f"error: {one_line(e.args[0] if e.args else e)}\n")
        return 2
    except MemoryError:
        sys.stderr.write(f"error: '{args.input}': not enough memory to plot it (damaged file?)\n")
        return 2
    except Exception as e:  # noqa: BLE001 - whatever a damaged file makes h5py or numpy raise
        sys.stderr.write(f"error: '{args.input}': cannot plot it: {type(e).__name__}: "
                         f"{one_line(e)}\n")
        return 2


def draw(plt, gr, args, stem, save):
    """Draws and saves the figure(s) asked for; 0 when done."""
    if args.kind == "heatmap" or os.path.isdir(args.input):
        if not os.path.isdir(args.input) and not args.analysis:
            raise BadInput(f"'{args.input}': a heatmap is drawn from a sweep folder")
        save(plot_heatmap(plt, args), args.output or f"{stem}_heatmap.png")
        return 0
    if not os.path.exists(args.input):
        raise BadInput(f"'{args.input}' does not exist")
    with gr.open(args.input) as f:
        if args.kind != "all":
            kind = args.kind or default_kind(f)
            save(PLOTS[kind](plt, f, args), args.output or f"{stem}_{kind}.png")
            return 0
        # Every figure the file has data for, into the folder -o (default: here).
        folder = args.output or "."
        os.makedirs(folder, exist_ok=True)
        made = 0
        for kind, plot in PLOTS.items():
            try:
                save(plot(plt, f, args), os.path.join(folder, f"{stem}_{kind}.png"))
                made += 1
            except BadInput:
                pass
        if not made:
            raise BadInput(f"'{args.input}' holds nothing to plot")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
