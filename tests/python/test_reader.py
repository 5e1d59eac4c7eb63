# SPDX-License-Identifier: MIT
"""The Python reader (apps/python/gliasim_reader.py) on files written by `gliasim run`.

    /usr/bin/python3 test_reader.py PATH/TO/gliasim REPOSITORY_ROOT

Each check compares with an answer the reader does not compute: the experiment's own numbers
(sizes, seed, recording interval), the counts `gliasim info` prints, or raw h5py reads.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

exe, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(root, "apps", "python"))
import gliasim_reader as gr  # noqa: E402

failures = []


def check(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout


work = tempfile.mkdtemp()
try:
    # quickstart: 1000 neurons + 100 Poisson inputs, V_m/g_ex/g_in of 10 exc neurons every 1 ms.
    qs = os.path.join(work, "qs.h5")
    run("run", os.path.join(root, "experiments", "quickstart.toml"), "-o", qs, "-q",
        "--set", 'simulation.duration="300 ms"')
    info = run("info", qs)
    with gr.open(qs) as f:
        check("populations", f.populations() == ["exc", "inh", "input"])
        check("spike populations", f.spike_populations() == ["exc", "inh", "input"])
        check("reports", f.reports() == [("exc", "V_m"), ("exc", "g_ex"), ("exc", "g_in")])
        m = f.metadata()
        check("metadata seed 42", m["seed"] == 42)
        check("metadata duration 300 ms", m["duration_ms"] == 300.0)
        check("metadata completed", m["completed"] == 1)
        check("experiment text", f.experiment_dict()["populations"]["exc"]["model"] == "lif_cond_exp")
        for pop, size in (("exc", 800), ("inh", 200), ("input", 100)):
            s = f.spikes(pop)
            n_info = int(re.search(rf"^  {pop}\s+(\d+) spikes", info, re.M).group(1))
            check(f"{pop}: {len(s)} spikes as gliasim info says ({n_info})", len(s) == n_info)
            check(f"{pop}: size {size} from the experiment", s.size == size)
            check(f"{pop}: ids < size", len(s) == 0 or s.node_ids.max() < size)
            check(f"{pop}: times in (0, 300] ms", len(s) == 0 or (s.times.min() > 0
                                                                 and s.times.max() <= 300))
            check(f"{pop}: times sorted", bool(np.all(np.diff(s.times) >= 0)))
            per = s.per_neuron()
            check(f"{pop}: per_neuron covers every neuron", len(per) == size
                  and sum(len(x) for x in per) == len(s))
        # Poisson input at 10 Hz for 0.3 s over 100 neurons: 300 expected, sd 17.
        rates = gr.firing_rates(f.spikes("input"), 300.0)
        check(f"input mean rate {rates.mean():.2f} Hz within 4 sd of 10 Hz",
              abs(rates.mean() - 10) < 4 * np.sqrt(300) / 30)
        blocks = list(f.spike_blocks("exc", rows=1000))
        whole = f.spikes("exc")
        check("spike_blocks: blocks of 1000 that add up to the whole",
              all(len(t) <= 1000 for _, t in blocks)
              and np.array_equal(np.concatenate([t for _, t in blocks]), whole.times)
              and np.array_equal(np.concatenate([i for i, _ in blocks]), whole.node_ids))
        w = f.spikes("exc", t_from=100, t_to=200)
        check("time window", len(w) == 0 or (w.times.min() >= 100 and w.times.max() < 200))
        r = f.report("exc", "V_m")
        check("report shape 300 x 10", r.values.shape == (300, 10))
        check("report times 1, 2, ..., 300 ms", np.allclose(r.times, np.arange(1, 301)))
        check("report units mV", r.units == "mV")
        check("report V_m in [-80, -50] mV", r.values.min() >= -80 and r.values.max() <= -50)
        check("report element ids 0", r.element_ids.shape == (10,) and not r.element_ids.any())
        with h5py.File(qs) as raw:
            check("report values equal the raw dataset",
                  np.array_equal(r.values, raw["report/exc/V_m/data"][:]))
        check("no task group", f.task() is None)

    # Weights: coba_stdp records a histogram of exc_exc every 100 ms (48 bins over 0..12 nS).
    st = os.path.join(work, "stdp.h5")
    run("run", os.path.join(root, "experiments", "coba_stdp.toml"), "-o", st, "-q",
        "--set", 'simulation.duration="200 ms"')
    with gr.open(st) as f:
        check("projections", "exc_exc" in f.projections())
        w = f.weights("exc_exc")
        check("histogram times 0, 100, 200 ms", np.allclose(w.times, [0, 100, 200]))
        check("48 bins, 49 edges 0..12 nS", w.counts.shape == (3, 48) and len(w.bin_edges) == 49
              and w.bin_edges[0] == 0 and w.bin_edges[-1] == 12 and w.units == "nS")
        check("every row counts the same synapses", len(set(w.counts.sum(axis=1))) == 1)

    # Task: memory capacity, shortened.
    mc = os.path.join(work, "mc.h5")
    run("run", os.path.join(root, "experiments", "tasks", "memory_capacity.toml"), "-o", mc, "-q",
        "--set", "task.washout=20", "--set", "task.train=100", "--set", "task.validation=40",
        "--set", "task.test=60", "--set", "task.max_delay=5")
    with gr.open(mc) as f:
        t = f.task()
        check("task kind", t is not None and t.kind == "memory_capacity")
        curve = t.curves["memory_capacity_per_delay"]
        check("5 delays", curve.shape == (5,))
        check("MC = sum of the curve", abs(t.figures["memory_capacity"] - curve.sum()) < 1e-9)

    # Bad files.
    junk = os.path.join(work, "junk.h5")
    with open(junk, "w") as fh:
        fh.write("not hdf5\n")
    try:
        gr.open(junk)
        check("non-HDF5 file refused", False)
    except gr.FormatError as e:
        check("non-HDF5 file refused, naming the file", "junk.h5" in str(e))
    future = os.path.join(work, "future.h5")
    shutil.copy(qs, future)
    with h5py.File(future, "r+") as raw:
        raw["metadata"].attrs["version"] = np.bytes_("99.0.0")
    try:
        gr.open(future)
        check("future version refused", False)
    except gr.FormatError as e:
        check("future version refused, naming the version", "99.0.0" in str(e))
    with gr.open(qs) as f:
        try:
            f.spikes("nope")
            check("missing population refused", False)
        except KeyError as e:
            check("missing population named", "nope" in str(e))

    # Damaged files (issue 16): the same checks as the C++ reader, as a FormatError naming the
    # file and dataset, before anything is read.
    def damaged(name, change):
        path = os.path.join(work, name + ".h5")
        shutil.copy(qs, path)
        with h5py.File(path, "r+") as raw:
            change(raw)
        return path

    def refused(what, path, read, expect):
        try:
            with gr.open(path) as f:
                read(f)
            check(f"{what}: refused", False)
        except gr.FormatError as e:
            check(f"{what}: refused ({e})", expect in str(e))

    def replace(raw, key, data):
        del raw[key]
        raw[key] = data

    p = damaged("ts2d", lambda raw: replace(
        raw, "spikes/exc/timestamps", np.stack([raw["spikes/exc/timestamps"][:]] * 2, axis=1)))
    refused("2-D timestamps", p, lambda f: f.spikes("exc"),
            "/spikes/exc/timestamps: expected a 1-D float64 dataset, found a 2-D float64")

    def nan_time(raw):
        t = raw["spikes/exc/timestamps"][:]
        t[1] = np.nan
        replace(raw, "spikes/exc/timestamps", t)
    refused("NaN time", damaged("nan", nan_time), lambda f: f.spikes("exc"), "not a finite")

    def negative_id(raw):
        ids = raw["spikes/exc/node_ids"][:].astype(np.int64)
        ids[0] = -1
        replace(raw, "spikes/exc/node_ids", ids)
    refused("negative id", damaged("neg", negative_id), lambda f: f.spikes("exc"),
            "value -1 is negative")
    p = damaged("exp1d", lambda raw: replace(raw, "metadata/experiment", np.array([b"a", b"b"])))
    refused("1-D experiment", p, lambda f: f.experiment(), "expected a scalar string dataset")
    p = damaged("narrow", lambda raw: replace(raw, "report/exc/V_m/data",
                                              raw["report/exc/V_m/data"][:, :3]))
    refused("narrow report", p, lambda f: f.report("exc", "V_m"), "10 node ids for 3 data columns")
    fifo = os.path.join(work, "fifo.h5")
    os.mkfifo(fifo)
    refused("FIFO (must not block)", fifo, lambda f: None, "not a regular file")

    # The reader's supported version is the tool's own major.minor.
    tool = re.search(r"(\d+)\.(\d+)", run("--version"))
    check("SUPPORTED_VERSION matches gliasim --version",
          gr.SUPPORTED_VERSION == (int(tool.group(1)), int(tool.group(2))))
finally:
    shutil.rmtree(work)

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
