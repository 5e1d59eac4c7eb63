# SPDX-License-Identifier: MIT
"""Damaged result files for tests/hostile/result.sh, each made from a real result file by one
change that someone else's file could carry.

    /usr/bin/python3 make_results.py GOOD.h5 OUT_DIR

Writes OUT_DIR/<name>.h5 for each case and prints one line per case: "<name> <commands>", where
<commands> lists the commands that must refuse the file with exit 2 (I: info, E: info
--experiment, A: analyze, P: plot) and, after a slash, those that must accept it (exit 0).
"""

import os
import shutil
import sys

import h5py
import numpy as np

good, out = sys.argv[1], sys.argv[2]
cases = []
SPIKES = "spikes/exc"
REPORT = "report/exc/V_m"


def case(name, refuse, accept=""):
    """Decorator: copies GOOD.h5 to OUT/name.h5 and lets the function damage it."""
    def wrap(damage):
        path = os.path.join(out, name + ".h5")
        shutil.copyfile(good, path)
        with h5py.File(path, "r+") as f:
            damage(f)
        cases.append(f"{name} {refuse}/{accept}")
        return damage
    return wrap


def replace(f, key, data=None, **kw):
    """Replaces dataset `key` by a new one (keeping its attributes where they fit)."""
    attrs = dict(f[key].attrs) if key in f and isinstance(f[key], h5py.Dataset) else {}
    del f[key]
    ds = f.create_dataset(key, data=data, **kw)
    for k, v in attrs.items():
        ds.attrs[k] = v
    return ds


def values(f, key):
    return f[key][()]


# --- spikes -------------------------------------------------------------------------------
@case("ts_2d", "IAP")
def _(f):
    t = values(f, f"{SPIKES}/timestamps")
    replace(f, f"{SPIKES}/timestamps", np.stack([t, t], axis=1))


@case("ts_2d_wide", "IAP")
def _(f):
    t = values(f, f"{SPIKES}/timestamps")
    replace(f, f"{SPIKES}/timestamps", np.tile(t[:, None], (1, 64)))


@case("ts_int32", "IAP")
def _(f):
    replace(f, f"{SPIKES}/timestamps", values(f, f"{SPIKES}/timestamps").astype(np.int32))


@case("ts_strings", "IAP")
def _(f):
    t = values(f, f"{SPIKES}/timestamps")
    replace(f, f"{SPIKES}/timestamps", np.array([b"%g" % x for x in t], dtype="S12"))


@case("ts_compound", "IAP")
def _(f):
    t = values(f, f"{SPIKES}/timestamps")
    c = np.zeros(len(t), dtype=[("t", "f8"), ("w", "f8")])
    c["t"] = t
    replace(f, f"{SPIKES}/timestamps", c)


@case("ts_scalar", "IAP")
def _(f):
    replace(f, f"{SPIKES}/timestamps", 5.0)


@case("ts_group", "IAP")
def _(f):
    del f[f"{SPIKES}/timestamps"]
    f.create_group(f"{SPIKES}/timestamps")


@case("ts_missing", "IAP")
def _(f):
    del f[f"{SPIKES}/timestamps"]


@case("ts_nan", "IAP")
def _(f):
    t = values(f, f"{SPIKES}/timestamps")
    t[len(t) // 2] = np.nan
    replace(f, f"{SPIKES}/timestamps", t)


@case("ts_inf", "IAP")
def _(f):
    t = values(f, f"{SPIKES}/timestamps")
    t[-1] = np.inf
    replace(f, f"{SPIKES}/timestamps", t)


@case("ts_unsorted", "A", "I")
def _(f):
    t = values(f, f"{SPIKES}/timestamps")
    replace(f, f"{SPIKES}/timestamps", t[::-1].copy())


@case("ids_negative_int64", "IAP")
def _(f):
    ids = values(f, f"{SPIKES}/node_ids").astype(np.int64)
    ids[3] = -3
    replace(f, f"{SPIKES}/node_ids", ids)


@case("ids_float", "IAP")
def _(f):
    replace(f, f"{SPIKES}/node_ids", values(f, f"{SPIKES}/node_ids").astype(np.float64))


@case("ids_2d", "IAP")
def _(f):
    ids = values(f, f"{SPIKES}/node_ids")
    replace(f, f"{SPIKES}/node_ids", np.stack([ids, ids], axis=1))


@case("ids_short", "IAP")
def _(f):
    ids = values(f, f"{SPIKES}/node_ids")
    replace(f, f"{SPIKES}/node_ids", ids[: len(ids) // 2])


@case("ids_beyond_size", "AP", "I")
def _(f):
    ids = values(f, f"{SPIKES}/node_ids")
    ids[0] = 5000  # exc has 800 neurons
    replace(f, f"{SPIKES}/node_ids", ids)


@case("ids_huge_unsized", "AP", "I")
def _(f):
    # A population the stored experiment does not know: its size is the largest id + 1.
    f.copy(f[SPIKES], "spikes/ghost")
    ids = values(f, "spikes/ghost/node_ids")
    ids[0] = 2**62
    replace(f, "spikes/ghost/node_ids", ids)


@case("ts_claims_terabytes", "IAP")
def _(f):
    # A 120 KB file whose chunked timestamps claim 2^40 values (8 TiB), none of them written.
    replace(f, f"{SPIKES}/timestamps", shape=(2**40,), chunks=(1024,), dtype="f8")
    replace(f, f"{SPIKES}/node_ids", shape=(2**40,), chunks=(1024,), dtype="u8")


@case("ts_soft_link", "IAP")
def _(f):
    del f[f"{SPIKES}/timestamps"]
    f[f"{SPIKES}/timestamps"] = h5py.SoftLink("/spikes/inh/timestamps")


@case("ts_external_link", "IAP")
def _(f):
    del f[f"{SPIKES}/timestamps"]
    f[f"{SPIKES}/timestamps"] = h5py.ExternalLink("other.h5", "/spikes/exc/timestamps")


@case("ts_external_storage", "IAP")
def _(f):
    n = len(values(f, f"{SPIKES}/timestamps"))
    # Raw data "stored" in a file the user did not name.
    replace(f, f"{SPIKES}/timestamps", shape=(n,), dtype="f8",
            external=[("/etc/hostname", 0, 8 * n)])


# --- /metadata/experiment -------------------------------------------------------------------
def set_experiment(f, data, **kw):
    del f["metadata/experiment"]
    f["metadata"].create_dataset("experiment", data=data, **kw)


@case("exp_array_of_strings", "EAP", "I")
def _(f):
    text = values(f, "metadata/experiment")
    set_experiment(f, np.array([text, text, text]))


@case("exp_2d_strings", "EAP", "I")
def _(f):
    set_experiment(f, np.array([[b"a", b"b"], [b"c", b"d"]], dtype="S1"))


@case("exp_float", "EAP", "I")
def _(f):
    set_experiment(f, 3.25)


@case("exp_int_array", "EAP", "I")
def _(f):
    set_experiment(f, np.arange(100000, dtype=np.int64))


@case("exp_vlen_array", "EAP", "I")
def _(f):
    set_experiment(f, np.array(["x" * 50, "y"], dtype=object), dtype=h5py.string_dtype())


@case("exp_null_dataspace", "EAP", "I")
def _(f):
    set_experiment(f, h5py.Empty("S10"))


@case("exp_group", "EAP", "I")
def _(f):
    del f["metadata/experiment"]
    f["metadata"].create_group("experiment")


@case("exp_empty_string", "E", "I")
def _(f):
    set_experiment(f, np.bytes_(b""), dtype="S1")


@case("exp_vlen_scalar_ok", "", "IEAP")
def _(f):
    # A variable-length string (as h5py writes Python str): read like the fixed-length one.
    text = values(f, "metadata/experiment").decode()
    set_experiment(f, text, dtype=h5py.string_dtype())


@case("exp_missing", "E", "IA")
def _(f):
    del f["metadata/experiment"]


# --- /metadata attributes ------------------------------------------------------------------
@case("duration_huge", "A", "I")
def _(f):
    f["metadata"].attrs["duration_ms"] = 1e15


@case("duration_nan", "AP", "I")
def _(f):
    f["metadata"].attrs["duration_ms"] = np.nan


@case("duration_inf", "AP", "I")
def _(f):
    f["metadata"].attrs["duration_ms"] = np.inf


@case("duration_negative", "AP", "I")
def _(f):
    f["metadata"].attrs["duration_ms"] = -100.0


@case("duration_array", "AP", "I")
def _(f):
    f["metadata"].attrs["duration_ms"] = np.array([100.0, 200.0, 300.0])


@case("dt_nan", "AP", "I")
def _(f):
    f["metadata"].attrs["dt_ms"] = np.nan


@case("version_missing", "A", "I")
def _(f):
    del f["metadata"].attrs["version"]


@case("version_future", "AP", "I")
def _(f):
    f["metadata"].attrs["version"] = np.bytes_(b"99.0.0")


@case("version_array", "A", "I")
def _(f):
    f["metadata"].attrs["version"] = np.array([b"0.1.0", b"0.1.0"])


@case("metadata_missing", "EA", "I")
def _(f):
    del f["metadata"]


# --- reports -------------------------------------------------------------------------------
@case("report_narrow", "IA")
def _(f):
    replace(f, f"{REPORT}/data", values(f, f"{REPORT}/data")[:, :4])


@case("report_3d", "IA")
def _(f):
    d = values(f, f"{REPORT}/data")
    replace(f, f"{REPORT}/data", d[:, :, None])


@case("report_int", "IA")
def _(f):
    replace(f, f"{REPORT}/data", values(f, f"{REPORT}/data").astype(np.int16))


@case("report_pointers_decreasing", "IA")
def _(f):
    p = values(f, f"{REPORT}/mapping/index_pointers")
    p[3], p[4] = p[4], p[3]
    replace(f, f"{REPORT}/mapping/index_pointers", p)


@case("report_pointers_past_end", "IA")
def _(f):
    p = values(f, f"{REPORT}/mapping/index_pointers")
    p[-1] = 10**9
    replace(f, f"{REPORT}/mapping/index_pointers", p)


@case("report_element_ids_short", "IA")
def _(f):
    replace(f, f"{REPORT}/mapping/element_ids", values(f, f"{REPORT}/mapping/element_ids")[:2])


@case("report_node_ids_negative", "IA")
def _(f):
    ids = values(f, f"{REPORT}/mapping/node_ids").astype(np.int64)
    ids[0] = -1
    replace(f, f"{REPORT}/mapping/node_ids", ids)


@case("report_time_two_values", "IA")
def _(f):
    replace(f, f"{REPORT}/mapping/time", values(f, f"{REPORT}/mapping/time")[:2])


@case("report_time_step_zero", "IA")
def _(f):
    t = values(f, f"{REPORT}/mapping/time")
    t[2] = 0
    replace(f, f"{REPORT}/mapping/time", t)


@case("report_time_nan", "IA")
def _(f):
    t = values(f, f"{REPORT}/mapping/time")
    t[0] = np.nan
    replace(f, f"{REPORT}/mapping/time", t)


@case("report_claims_huge_columns", "IA")
def _(f):
    replace(f, f"{REPORT}/data", shape=(0, 2**40), maxshape=(None, 2**40), chunks=(1, 1024),
            dtype="f4")


@case("report_units_numeric", "IA")
def _(f):
    f[f"{REPORT}/data"].attrs["units"] = np.arange(4.0)


# --- weights -------------------------------------------------------------------------------
@case("weights_no_bin_edges", "I")
def _(f):
    g = f.create_group("weights/exc_exc/histogram")
    g.create_dataset("counts", data=np.ones((2, 5), np.float32))
    g.create_dataset("times", data=np.array([0.0, 1.0]))
    g.create_dataset("bin_edges", data=np.zeros(0))


# --- nothing to plot -----------------------------------------------------------------------
@case("no_data", "P", "I")
def _(f):
    del f["spikes"]
    del f["report"]


# --- not a result file at all ------------------------------------------------------------------
def raw(name, data, refuse="IEAP"):
    with open(os.path.join(out, name + ".h5"), "wb") as fh:
        fh.write(data)
    cases.append(f"{name} {refuse}/")


whole = open(good, "rb").read()
raw("truncated_half", whole[: len(whole) // 2])
raw("truncated_4k", whole[:4096])
raw("empty_file", b"")
raw("garbage", np.random.default_rng(16).integers(0, 256, 200000, dtype=np.uint8).tobytes())
raw("text_file", b"exc,inh\n1,2\n")
raw("signature_only", whole[:8] + bytes(1000))

print("\n".join(cases))
