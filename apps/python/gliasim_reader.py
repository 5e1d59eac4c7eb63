# SPDX-License-Identifier: MIT
"""Read gliasim result files (HDF5, SONATA layout) into NumPy arrays.

Needs only h5py and numpy. The layout is described in docs/file-format.md.

    import gliasim_reader as gr
    with gr.open("coba.h5") as f:
        print(f.populations())
        s = f.spikes("exc")                 # s.node_ids, s.times (ms)
        r = f.report("exc", "V_m")          # r.values [samples x nodes], r.times (ms), r.units
"""

import tomllib
from dataclasses import dataclass, field

import h5py
import numpy as np

# Files written by gliasim major.minor above this are refused: their layout may differ.
# tests/cli/python_reader.sh checks it against `gliasim --version`.
SUPPORTED_VERSION = (0, 1)


class FormatError(ValueError):
    """The file is not a gliasim result file this reader understands."""


@dataclass
class Spikes:
    node_ids: np.ndarray  # uint64, population-local index
    times: np.ndarray  # float64 [ms]
    size: int  # neurons in the population (from the stored experiment; 0 if unknown)
    units: str = "ms"

    def __len__(self):
        return len(self.times)

    def per_neuron(self):
        """A list of spike-time arrays, one per neuron 0 .. size-1."""
        n = max(self.size, int(self.node_ids.max()) + 1 if len(self.node_ids) else 0)
        order = np.lexsort((self.times, self.node_ids))
        ids, times = self.node_ids[order], self.times[order]
        bounds = np.searchsorted(ids, np.arange(n + 1))
        return [times[bounds[i]:bounds[i + 1]] for i in range(n)]


@dataclass
class Report:
    values: np.ndarray  # float32 [samples x nodes]
    times: np.ndarray  # float64 [samples], ms
    node_ids: np.ndarray  # uint64 [nodes], population-local index of each column
    element_ids: np.ndarray  # uint32 [nodes] (0 for point neurons)
    units: str


@dataclass
class Weights:
    projection: str
    times: np.ndarray  # [ms], one per row
    units: str
    values: np.ndarray = None  # [samples x synapses] sampled weights, or None
    source_ids: np.ndarray = None
    target_ids: np.ndarray = None
    counts: np.ndarray = None  # [samples x bins] histogram, or None
    bin_edges: np.ndarray = None  # [bins + 1]


@dataclass
class Task:
    kind: str
    figures: dict = field(default_factory=dict)  # name -> float
    curves: dict = field(default_factory=dict)  # name -> np.ndarray


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _version_tuple(text):
    parts = []
    for p in text.split("."):
        digits = "".join(c for c in p if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple((parts + [0, 0])[:2])


class Result:
    """An open result file. Use as a context manager, or call close()."""

    def __init__(self, path):
        self.path = str(path)
        if not h5py.is_hdf5(self.path):
            raise FormatError(f"'{self.path}' is not an HDF5 file")
        try:
            self._f = h5py.File(self.path, "r")
        except OSError as e:
            raise FormatError(f"cannot open '{self.path}' (truncated or damaged?): {e}") from e
        version = self.metadata().get("version", "")
        if version and _version_tuple(version) > SUPPORTED_VERSION:
            self._f.close()
            raise FormatError(
                f"'{self.path}' was written by gliasim {version}, newer than this reader "
                f"(format {SUPPORTED_VERSION[0]}.{SUPPORTED_VERSION[1]})")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._f.close()

    @property
    def h5(self):
        """The underlying h5py.File, for anything this module does not cover."""
        return self._f

    # --- what the file holds ------------------------------------------------------------
    def spike_populations(self):
        return sorted(self._f["spikes"].keys()) if "spikes" in self._f else []

    def reports(self):
        """(population, variable) pairs with a state report."""
        if "report" not in self._f:
            return []
        return [(p, v) for p in sorted(self._f["report"]) for v in sorted(self._f["report"][p])]

    def populations(self):
        """Every population named in the file: with spikes, reports, or in the experiment."""
        names = set(self.spike_populations()) | {p for p, _ in self.reports()}
        names |= set(self.experiment_dict().get("populations", {}))
        return sorted(names)

    def projections(self):
        """Projections with recorded weights."""
        return sorted(self._f["weights"].keys()) if "weights" in self._f else []

    # --- the run ------------------------------------------------------------------------
    def metadata(self):
        """/metadata attributes as a dict of Python scalars and strings."""
        if "metadata" not in self._f:
            return {}
        out = {}
        for k, v in self._f["metadata"].attrs.items():
            out[k] = _text(v) if isinstance(v, (bytes, str)) else np.asarray(v).item()
        return out

    def experiment(self):
        """The resolved experiment (TOML text) that produced the file."""
        if "metadata/experiment" not in self._f:
            return ""
        return _text(self._f["metadata/experiment"][()])

    def experiment_dict(self):
        text = self.experiment()
        return tomllib.loads(text) if text else {}

    def duration_ms(self):
        return float(self.metadata().get("duration_ms", 0.0))

    def population_size(self, population):
        """Neurons in `population` according to the stored experiment (0 if not found)."""
        pop = self.experiment_dict().get("populations", {}).get(population, {})
        return int(pop.get("size", 0))

    # --- data ---------------------------------------------------------------------------
    def spikes(self, population, t_from=None, t_to=None):
        """Spikes of `population`, optionally only those with t_from <= t < t_to (ms)."""
        g = self._spike_group(population)
        times = g["timestamps"][:]
        ids = g["node_ids"][:]
        if t_from is not None or t_to is not None:
            keep = np.ones(len(times), bool)
            if t_from is not None:
                keep &= times >= t_from
            if t_to is not None:
                keep &= times < t_to
            times, ids = times[keep], ids[keep]
        return Spikes(node_ids=ids, times=times, size=self.population_size(population),
                      units=_text(g["timestamps"].attrs.get("units", "ms")))

    def spike_blocks(self, population, rows=1 << 20):
        """Yields (node_ids, times) blocks of at most `rows` spikes, in file (time) order: for
        files too large to hold in memory at once."""
        g = self._spike_group(population)
        times, ids = g["timestamps"], g["node_ids"]
        for start in range(0, len(times), rows):
            yield ids[start:start + rows], times[start:start + rows]

    def _spike_group(self, population):
        key = f"spikes/{population}"
        if key not in self._f:
            raise KeyError(f"'{self.path}' has no spikes of population '{population}' "
                           f"(it has: {', '.join(self.spike_populations()) or 'none'})")
        return self._f[key]

    def report(self, population, variable):
        key = f"report/{population}/{variable}"
        if key not in self._f:
            have = ", ".join(f"{p}/{v}" for p, v in self.reports()) or "none"
            raise KeyError(f"'{self.path}' has no report {population}/{variable} (it has: {have})")
        g = self._f[key]
        values = g["data"][:]
        start, _stop, step = g["mapping/time"][:]
        return Report(values=values, times=start + step * np.arange(values.shape[0]),
                      node_ids=g["mapping/node_ids"][:], element_ids=g["mapping/element_ids"][:],
                      units=_text(g["data"].attrs.get("units", "")))

    def weights(self, projection):
        key = f"weights/{projection}"
        if key not in self._f:
            raise KeyError(f"'{self.path}' has no weights of projection '{projection}' "
                           f"(it has: {', '.join(self.projections()) or 'none'})")
        g = self._f[key]
        w = Weights(projection=projection, times=np.empty(0), units="")
        if "values" in g:
            v = g["values"]
            w.values, w.times = v["data"][:], v["times"][:]
            w.source_ids, w.target_ids = v["source_ids"][:], v["target_ids"][:]
            w.units = _text(v["data"].attrs.get("units", ""))
        if "histogram" in g:
            h = g["histogram"]
            w.counts, w.bin_edges, w.times = h["counts"][:], h["bin_edges"][:], h["times"][:]
            w.units = _text(h["bin_edges"].attrs.get("units", w.units))
        return w

    def task(self):
        """The /task group of a task run, or None."""
        if "task" not in self._f:
            return None
        g = self._f["task"]
        t = Task(kind=_text(g.attrs.get("kind", "")))
        for k, v in g.attrs.items():
            if k != "kind":
                t.figures[k] = np.asarray(v).item()
        for k, d in g.items():
            if isinstance(d, h5py.Dataset):
                t.curves[k] = d[:]
        return t


def open(path):  # noqa: A001 (mirrors h5py.File / builtins.open on purpose)
    """Opens a result file: `with gliasim_reader.open("out.h5") as f: ...`."""
    return Result(path)


def population_rate(spikes, duration_ms, bin_ms=1.0, size=None):
    """Population rate [Hz per neuron] in bins of `bin_ms`: (bin centres [ms], rate)."""
    n = size or spikes.size or 1
    edges = np.arange(0.0, duration_ms + bin_ms / 2, bin_ms)
    counts, _ = np.histogram(spikes.times, edges)
    return edges[:-1] + bin_ms / 2, counts / (n * bin_ms * 1e-3)


def firing_rates(spikes, duration_ms):
    """Per-neuron mean rate [Hz] over `duration_ms`, silent neurons included."""
    n = max(spikes.size, int(spikes.node_ids.max()) + 1 if len(spikes) else 0)
    return np.bincount(spikes.node_ids.astype(np.int64), minlength=n) / (duration_ms * 1e-3)
