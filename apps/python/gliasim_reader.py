# SPDX-License-Identifier: MIT
"""Read gliasim result files (HDF5, SONATA layout) into NumPy arrays.

Needs only h5py and numpy. The layout is described in docs/file-format.md.

    import gliasim_reader as gr
    with gr.open("coba.h5") as f:
        print(f.populations())
        s = f.spikes("exc")                 # s.node_ids, s.times (ms)
        r = f.report("exc", "V_m")          # r.values [samples x nodes], r.times (ms), r.units
"""

import math
import os
import stat
import tomllib
from dataclasses import dataclass, field

import h5py
import numpy as np

# Files written by gliasim major.minor above this are refused: their layout may differ.
# tests/cli/python_reader.sh checks it against `gliasim --version`.
SUPPORTED_VERSION = (0, 1)


# A population without a known size gets max(node id) + 1 neurons; more than this is refused
# (a damaged id would otherwise allocate without bound).
MAX_UNSIZED_NEURONS = 100_000_000
# A string dataset or attribute longer than this is refused.
MAX_STRING_BYTES = 64 << 20


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
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _type_name(dt):
    """'float64', 'uint16', 'fixed-length string', ... as the C++ reader names stored types."""
    if h5py.check_string_dtype(dt) is not None:
        return "variable-length string" if dt.kind == "O" else "fixed-length string"
    if dt.kind in "iuf":
        return f"{dict(i='int', u='uint', f='float')[dt.kind]}{dt.itemsize * 8}"
    return "compound" if dt.names else str(dt)


def _describe(ds):
    """'a 2-D float64 dataset (3 x 2)', as the C++ reader says it."""
    name = _type_name(ds.dtype)
    if ds.shape is None:
        return f"an empty (null dataspace) {name} dataset"
    if ds.shape == ():
        return f"a scalar {name} dataset"
    return f"a {len(ds.shape)}-D {name} dataset ({' x '.join(map(str, ds.shape))})"


# What a reader expects of a dataset's elements (named as gliasim writes them): any float of 4 or
# 8 bytes for float64/float32, any integer of up to 8 bytes for uint64 (negative values refused).
_ELEMENT_OK = {
    "float64": lambda dt: dt.kind == "f" and dt.itemsize in (4, 8),
    "float32": lambda dt: dt.kind == "f" and dt.itemsize in (4, 8),
    "uint64": lambda dt: dt.kind in "iu" and dt.itemsize <= 8,
}


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
        try:
            mode = os.stat(self.path).st_mode
        except OSError as e:
            raise FormatError(f"'{self.path}' cannot be read: {e.strerror}") from e
        if not stat.S_ISREG(mode):
            # A FIFO would block the open forever; a folder or device is no result file.
            raise FormatError(f"'{self.path}' is not a regular file (a folder, FIFO or device)")
        self._file_bytes = os.path.getsize(self.path)
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

    # --- the checked accessor: every dataset is reached through it ----------------------
    def _error(self, key, what):
        return FormatError(f"{self.path}: /{key}: {what}")

    def _exists(self, key):
        """True when `key` is reached through hard links only; refuses soft and external links
        (a result file holds its own data)."""
        node = self._f
        for part in [p for p in key.split("/") if p]:
            if not isinstance(node, h5py.Group) or part not in node:
                return False
            link = node.get(part, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise self._error(key, "a soft or external link (a result file holds hard links "
                                       "only)")
            node = node[part]
        return True

    def _dataset(self, key, element, ranks=(1,)):
        """The dataset `key`, checked before anything is read: rank in `ranks`, the element
        class of `element`, data inside this file, and a claimed size the file can hold."""
        if not self._exists(key):
            raise self._error(key, "missing")
        ds = self._f[key]
        if not isinstance(ds, h5py.Dataset):
            raise self._error(key, "expected a dataset, found a group")
        shape = ds.shape
        if shape is None or len(shape) not in ranks or not _ELEMENT_OK[element](ds.dtype):
            want = " or ".join(f"{r}-D" for r in ranks)
            raise self._error(key, f"expected a {want} {element} dataset, found {_describe(ds)}")
        if ds.external or ds.is_virtual:
            raise self._error(key, "its data is stored outside the file (external or virtual "
                                   "dataset)")
        claimed = ds.dtype.itemsize * math.prod(max(d, 1) for d in shape)
        if claimed > 1100 * self._file_bytes + (1 << 20):
            raise self._error(key, f"claims {claimed / 2**20:.1f} MiB, more than the file can "
                                   f"hold (damaged file?)")
        return ds

    def _read(self, key, element, ranks=(1,), finite=False):
        """The values of `key`: integers checked >= 0 (as uint64), floats optionally finite."""
        ds = self._dataset(key, element, ranks)
        try:
            values = ds[()]
        except (OSError, RuntimeError) as e:
            raise self._error(key, f"cannot be read (truncated or damaged file?): {e}") from e
        if element == "uint64":
            if values.dtype.kind == "i" and values.size and values.min() < 0:
                raise self._error(key, f"value {values.min()} is negative (an id or count)")
            return values.astype(np.uint64)
        if finite and values.size and not np.isfinite(values).all():
            bad = values[~np.isfinite(values)][0]
            raise self._error(key, f"value {bad} is not a finite number")
        return values

    def _string(self, key):
        """The scalar string dataset `key` (fixed or variable length), cut at its first NUL."""
        if not self._exists(key):
            raise self._error(key, "missing")
        ds = self._f[key]
        if (not isinstance(ds, h5py.Dataset) or ds.shape != ()
                or h5py.check_string_dtype(ds.dtype) is None):
            found = _describe(ds) if isinstance(ds, h5py.Dataset) else "a group"
            raise self._error(key, f"expected a scalar string dataset, found {found}")
        if ds.dtype.itemsize > MAX_STRING_BYTES:
            raise self._error(key, f"a string of {ds.dtype.itemsize} bytes")
        return _text(ds[()]).split("\0", 1)[0]

    # --- what the file holds ------------------------------------------------------------
    def _children(self, key):
        if not self._exists(key) or not isinstance(self._f[key], h5py.Group):
            return []
        return sorted(self._f[key].keys())

    def spike_populations(self):
        return self._children("spikes")

    def reports(self):
        """(population, variable) pairs with a state report."""
        return [(p, v) for p in self._children("report") for v in self._children(f"report/{p}")]

    def populations(self):
        """Every population named in the file: with spikes, reports, or in the experiment."""
        names = set(self.spike_populations()) | {p for p, _ in self.reports()}
        names |= set(self.experiment_dict().get("populations", {}))
        return sorted(names)

    def projections(self):
        """Projections with recorded weights."""
        return self._children("weights")

    # --- the run ------------------------------------------------------------------------
    def metadata(self):
        """/metadata attributes as a dict of Python scalars and strings."""
        if not self._exists("metadata"):
            return {}
        out = {}
        attrs = self._f["metadata"].attrs
        for k in attrs:
            try:
                v = attrs[k]
            except (OSError, TypeError, ValueError):
                out[k] = "?"  # a type h5py cannot read
                continue
            if isinstance(v, (bytes, str)):
                out[k] = _text(v)
            else:
                a = np.asarray(v)
                out[k] = a.item() if a.size == 1 else f"[{a.size} values]"
        return out

    def experiment(self):
        """The resolved experiment (TOML text) that produced the file."""
        if not self._exists("metadata/experiment"):
            return ""
        return self._string("metadata/experiment")

    def experiment_dict(self):
        text = self.experiment()
        try:
            return tomllib.loads(text) if text else {}
        except tomllib.TOMLDecodeError as e:
            raise FormatError(f"{self.path}: /metadata/experiment is not TOML: {e}") from e

    def _time(self, key):
        value = self.metadata().get(key, 0.0)
        if isinstance(value, str) or not math.isfinite(value) or value < 0:
            raise FormatError(f"{self.path}: /metadata {key} = {value}: not a finite time >= 0 "
                              f"(damaged file?)")
        return float(value)

    def duration_ms(self):
        return self._time("duration_ms")

    def dt_ms(self):
        return self._time("dt_ms")

    def population_size(self, population):
        """Neurons in `population` according to the stored experiment (0 if not found)."""
        pops = self.experiment_dict().get("populations", {})
        pop = pops.get(population, {}) if isinstance(pops, dict) else {}
        size = pop.get("size", 0) if isinstance(pop, dict) else 0
        if not isinstance(size, int) or size < 0:
            raise FormatError(f"{self.path}: the stored experiment gives population "
                              f"'{population}' size {size!r}")
        return size

    # --- data ---------------------------------------------------------------------------
    def spikes(self, population, t_from=None, t_to=None):
        """Spikes of `population`, optionally only those with t_from <= t < t_to (ms)."""
        self._spike_group(population)
        base = f"spikes/{population}"
        times = self._read(f"{base}/timestamps", "float64", finite=True)
        ids = self._read(f"{base}/node_ids", "uint64")
        if len(times) != len(ids):
            raise self._error(f"{base}/node_ids", f"{len(ids)} node ids for {len(times)} "
                                                  f"timestamps")
        size = self.population_size(population)
        if len(ids) and size and ids.max() >= size:
            raise self._error(f"{base}/node_ids", f"node id {ids.max()} is beyond the "
                                                  f"population's {size} neurons")
        if len(ids) and not size and ids.max() >= MAX_UNSIZED_NEURONS:
            raise self._error(f"{base}/node_ids", f"node id {ids.max()} in a population of "
                                                  f"unknown size (damaged file?)")
        if t_from is not None or t_to is not None:
            keep = np.ones(len(times), bool)
            if t_from is not None:
                keep &= times >= t_from
            if t_to is not None:
                keep &= times < t_to
            times, ids = times[keep], ids[keep]
        return Spikes(node_ids=ids, times=times, size=size, units=self._units(f"{base}/timestamps",
                                                                              "ms"))

    def _units(self, key, default=""):
        value = self._f[key].attrs.get("units", default)
        if not isinstance(value, (bytes, str)):
            raise self._error(key, f"attribute 'units' is not a string ({value!r})")
        return _text(value)

    def spike_blocks(self, population, rows=1 << 20):
        """Yields (node_ids, times) blocks of at most `rows` spikes, in file (time) order: for
        files too large to hold in memory at once."""
        self._spike_group(population)
        times = self._dataset(f"spikes/{population}/timestamps", "float64")
        ids = self._dataset(f"spikes/{population}/node_ids", "uint64")
        for start in range(0, len(times), rows):
            yield ids[start:start + rows], times[start:start + rows]

    def _spike_group(self, population):
        key = f"spikes/{population}"
        if not self._exists(key):
            raise KeyError(f"'{self.path}' has no spikes of population '{population}' "
                           f"(it has: {', '.join(self.spike_populations()) or 'none'})")
        return self._f[key]

    def report(self, population, variable):
        key = f"report/{population}/{variable}"
        if not self._exists(key):
            have = ", ".join(f"{p}/{v}" for p, v in self.reports()) or "none"
            raise KeyError(f"'{self.path}' has no report {population}/{variable} (it has: {have})")
        values = self._read(f"{key}/data", "float32", ranks=(1, 2))
        if values.ndim == 1:
            values = values.reshape(-1, 1)
        cols = values.shape[1]
        node_ids = self._read(f"{key}/mapping/node_ids", "uint64")
        if len(node_ids) != cols:
            raise self._error(f"{key}/mapping/node_ids", f"{len(node_ids)} node ids for {cols} "
                                                         f"data columns")
        pointers = f"{key}/mapping/index_pointers"
        if self._exists(pointers):
            p = self._read(pointers, "uint64")
            if len(p) != cols + 1 or p[0] != 0 or p[-1] != cols or (np.diff(p.astype(np.int64)) < 0).any():
                raise self._error(pointers, f"expected {cols + 1} pointers from 0 to {cols}, never "
                                            f"decreasing")
        elements = f"{key}/mapping/element_ids"
        element_ids = (self._read(elements, "uint64") if self._exists(elements)
                       else np.zeros(cols, np.uint64))
        if len(element_ids) != cols:
            raise self._error(elements, f"{len(element_ids)} element ids for {cols} data columns")
        t = self._read(f"{key}/mapping/time", "float64", finite=True)
        if len(t) != 3 or not t[2] > 0:
            raise self._error(f"{key}/mapping/time", "expected (start, stop, step > 0)")
        start, _stop, step = t
        return Report(values=values, times=start + step * np.arange(values.shape[0]),
                      node_ids=node_ids, element_ids=element_ids,
                      units=self._units(f"{key}/data"))

    def weights(self, projection):
        key = f"weights/{projection}"
        if not self._exists(key):
            raise KeyError(f"'{self.path}' has no weights of projection '{projection}' "
                           f"(it has: {', '.join(self.projections()) or 'none'})")
        w = Weights(projection=projection, times=np.empty(0), units="")
        if self._exists(f"{key}/values"):
            v = f"{key}/values"
            w.values = self._read(f"{v}/data", "float32", ranks=(2,))
            w.times = self._read(f"{v}/times", "float64")
            w.source_ids = self._read(f"{v}/source_ids", "uint64")
            w.target_ids = self._read(f"{v}/target_ids", "uint64")
            if not len(w.source_ids) == len(w.target_ids) == w.values.shape[1]:
                raise self._error(v, f"{len(w.source_ids)} source and {len(w.target_ids)} "
                                     f"target ids for {w.values.shape[1]} synapses")
            w.units = self._units(f"{v}/data")
        if self._exists(f"{key}/histogram"):
            h = f"{key}/histogram"
            w.counts = self._read(f"{h}/counts", "float32", ranks=(2,))
            w.bin_edges = self._read(f"{h}/bin_edges", "float64")
            w.times = self._read(f"{h}/times", "float64")
            if len(w.bin_edges) != w.counts.shape[1] + 1:
                raise self._error(f"{h}/bin_edges", f"{len(w.bin_edges)} bin edges for "
                                                    f"{w.counts.shape[1]} bins")
            w.units = self._units(f"{h}/bin_edges", w.units)
        return w

    def task(self):
        """The /task group of a task run, or None."""
        if not self._exists("task"):
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
