#!/usr/bin/env python3
"""Damaged and crafted checkpoints for tests/hostile/checkpoint.sh, each made from a real one.

    make_checkpoints.py VALID.ckpt OUT_DIR

Writes OUT_DIR/<case>.ckpt for each case and OUT_DIR/cases.tsv: one line per case, its name and a
piece of the message `gliasim run --resume` must refuse it with. Two families:
  - damage (bit flips, truncation, lost or changed attributes and arrays): the checksums find it;
  - crafted files whose checksums are recomputed, as an attacker would: the range checks against
    the rebuilt network find them.
The CRC-32C and the header's checksum text are written here from their description in
io/checkpoint_file.cpp, independently of gliasim's code.
"""
import os
import shutil
import struct
import sys

import h5py
import numpy as np

# --- CRC-32C (Castagnoli), reflected, as RFC 3720 -------------------------------------------------
_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data, crc=0):
    c = crc ^ 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283

ARRAY_TYPES = {0: "<f8", 1: "<f4", 2: "<i8", 3: "<u8", 4: "<i4", 5: "<u4", 6: "<u2", 7: "u1", 8: "u1"}


def array_sum(name, ds):
    """The checksum of one array: name, type, element size, then its bytes (little-endian)."""
    kind = int(ds.attrs["type"])
    size = int(ds.attrs["element_size"])
    head = name.encode() + b"\0" + bytes([kind]) + struct.pack("<Q", size)
    data = np.asarray(ds[()], dtype=ARRAY_TYPES[kind]).tobytes()
    return crc32c(data, crc32c(head))


def text_attr(f, name):
    v = f.attrs[name]
    return v.decode() if isinstance(v, bytes) else str(v)


def header_sum(f, sums):
    """The header's checksum: its fields, the stored experiment, each array's name and sum."""
    out = b""

    def field(name, value):
        nonlocal out
        value = value if isinstance(value, bytes) else str(value).encode()
        out += name.encode() + b"=" + str(len(value)).encode() + b":" + value + b"\n"

    field("format", text_attr(f, "format"))
    field("format_version", int(f.attrs["format_version"]))
    field("gliasim_version", text_attr(f, "gliasim_version"))
    field("experiment_file", text_attr(f, "experiment_file"))
    field("experiment_hash", int(f.attrs["experiment_hash"]))
    field("output", text_attr(f, "output"))
    field("step", int(np.array(f.attrs["step"], dtype="<u8").view("<i8")))  # signed, as gliasim
    field("time_ms", struct.unpack("<Q", struct.pack("<d", float(f.attrs["time_ms"])))[0])
    field("threads", int(f.attrs["threads"]))
    field("run_id", text_attr(f, "run_id") if "run_id" in f.attrs else b"")
    exp = f["experiment"][()]
    field("experiment", exp if isinstance(exp, bytes) else str(exp).encode())
    field("arrays", len(sums))
    for name in sorted(sums):
        field(name, sums[name])
    return crc32c(out)


def arrays_of(f):
    names = []
    f["arrays"].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    return sorted(names)


def reseal(f):
    """Recomputes every checksum (what a crafted file does to get past them)."""
    sums = {}
    for name in arrays_of(f):
        ds = f["arrays/" + name]
        sums[name] = array_sum(name, ds)
        ds.attrs.modify("crc32c", np.uint64(sums[name]))
    f.attrs.modify("header_crc32c", np.uint64(header_sum(f, sums)))


def set_value(f, name, index, value):
    ds = f["arrays/" + name]
    data = ds[()]
    data[index] = value
    ds[...] = data


def replace_array(f, name, data):
    """The array `name` with other contents (any size), keeping its attributes."""
    ds = f["arrays/" + name]
    attrs = dict(ds.attrs)
    del f["arrays/" + name]
    ds = f.create_dataset("arrays/" + name, data=data)
    for k, v in attrs.items():
        ds.attrs[k] = v


def main():
    valid, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with h5py.File(valid, "r") as f:
        step = int(f.attrs["step"])
        names = arrays_of(f)
        extents = []  # (name, offset, bytes) of arrays stored contiguously with data
        for n in names:
            ds = f["arrays/" + n]
            off = ds.id.get_offset()
            if off is not None and ds.id.get_storage_size() > 0:
                extents.append((n, off, ds.id.get_storage_size()))
    raw = open(valid, "rb").read()
    cases = []

    def case(name, expect):
        cases.append((name, expect))
        path = os.path.join(out, name + ".ckpt")
        shutil.copyfile(valid, path)
        return path

    def edit(name, expect, fn, seal=False):
        path = case(name, expect)
        with h5py.File(path, "r+") as f:
            fn(f)
            if seal:
                reseal(f)

    def raw_case(name, expect, data):
        case(name, expect)
        with open(os.path.join(out, name + ".ckpt"), "wb") as g:
            g.write(data)

    # --- damage: raw bytes ------------------------------------------------------------------------
    raw_case("empty_file", "not a gliasim checkpoint", b"")
    raw_case("text_file", "not a gliasim checkpoint", b"[simulation]\nduration = 1\n")
    raw_case("truncated_half", "", raw[: len(raw) // 2])
    raw_case("truncated_4k", "", raw[:4096])
    raw_case("truncated_last_byte", "", raw[:-1])
    # One flipped bit in the data of each of 12 arrays spread over the list.
    picks = extents[:: max(1, len(extents) // 12)][:12]
    for k, (n, off, size) in enumerate(picks):
        b = bytearray(raw)
        b[off + (size // 2 + k) % size] ^= 1 << (k % 8)
        raw_case("bitflip_%02d_%s" % (k, n.replace("/", "_")),
                 "array '%s' fails its checksum" % n, bytes(b))

    # --- damage: header and structure -------------------------------------------------------------
    edit("format_string_wrong", "not a gliasim checkpoint",
         lambda f: f.attrs.modify("format", np.bytes_("gliasim checkpoinT")))
    edit("format_attribute_missing", "not a gliasim checkpoint", lambda f: f.attrs.__delitem__("format"))
    edit("version_1", "checkpoint format version 1", lambda f: f.attrs.modify("format_version", np.uint64(1)))
    edit("version_3", "checkpoint format version 3", lambda f: f.attrs.modify("format_version", np.uint64(3)))
    edit("version_as_text", "is not a number",
         lambda f: (f.attrs.__delitem__("format_version"), f.attrs.create("format_version", np.bytes_("2"))))
    edit("step_as_array", "is not a single value",
         lambda f: (f.attrs.__delitem__("step"), f.attrs.create("step", np.array([step, step], dtype="<u8"))))
    edit("output_as_number", "is not a fixed-length string",
         lambda f: (f.attrs.__delitem__("output"), f.attrs.create("output", np.uint64(7))))
    edit("output_variable_length", "is not a fixed-length string",
         lambda f: (f.attrs.__delitem__("output"),
                    f.attrs.create("output", "run.h5", dtype=h5py.string_dtype())))

    def experiment_as_list(f):
        text = f["experiment"][()]
        del f["experiment"]
        f.create_dataset("experiment", data=np.array([text, text]))
    edit("experiment_not_scalar", "is not a single value", experiment_as_list)
    edit("header_step_changed", "fails its checksum", lambda f: f.attrs.modify("step", np.uint64(step + 1)))
    edit("header_time_changed", "fails its checksum", lambda f: f.attrs.modify("time_ms", 1e9))
    edit("experiment_hash_changed", "does not match its hash",
         lambda f: f.attrs.modify("experiment_hash", np.uint64(int(f.attrs["experiment_hash"]) ^ 1)))
    edit("array_missing", "list of arrays) fails its checksum", lambda f: f.__delitem__("arrays/kernel/last_reset"))
    def array_added(f):  # with its own checksum right: only the header's list finds it
        ds = f.create_dataset("arrays/kernel/evil", data=np.zeros(3))
        ds.attrs.update({"type": np.uint64(0), "element_size": np.uint64(8)})
        ds.attrs["crc32c"] = np.uint64(array_sum("kernel/evil", ds))
    edit("array_added", "list of arrays) fails its checksum", array_added)
    edit("arrays_group_missing", "no /arrays group", lambda f: f.__delitem__("arrays"))
    edit("array_checksum_missing", "no attribute 'crc32c'",
         lambda f: f["arrays/population/exc/V_m"].attrs.__delitem__("crc32c"))
    edit("header_checksum_missing", "no attribute 'header_crc32c'", lambda f: f.attrs.__delitem__("header_crc32c"))
    edit("array_element_size_wrong", "has a bad element size",
         lambda f: f["arrays/population/exc/V_m"].attrs.modify("element_size", np.uint64(4)))
    edit("array_type_unknown", "has a bad type",
         lambda f: f["arrays/population/exc/V_m"].attrs.modify("type", np.uint64(99)))
    edit("array_element_size_zero", "has a bad type",
         lambda f: f["arrays/population/exc/V_m"].attrs.modify("element_size", np.uint64(0)))
    edit("array_wrong_dtype", "fails its checksum",  # read converted to the declared type
         lambda f: replace_array(f, "population/exc/V_m", f["arrays/population/exc/V_m"][()].astype("<f4")))
    edit("array_wrong_rank", "not one-dimensional",
         lambda f: replace_array(f, "population/exc/V_m", f["arrays/population/exc/V_m"][()].reshape(-1, 1)))

    def huge(f):
        attrs = dict(f["arrays/population/exc/V_m"].attrs)
        del f["arrays/population/exc/V_m"]
        ds = f.create_dataset("arrays/population/exc/V_m", shape=(1 << 40,), dtype="<f8", chunks=(1024,))
        for k, v in attrs.items():
            ds.attrs[k] = v
    edit("array_huge_size", "more than the file can hold", huge)
    edit("threads_huge", "thread count 100000 is outside", lambda f: f.attrs.modify("threads", np.uint64(100000)))

    # --- crafted: checksums recomputed; the range checks must refuse -------------------------------
    edit("crafted_header_step", "the header says step", lambda f: f.attrs.modify("step", np.uint64(step + 1)), True)
    edit("crafted_header_time", "the header's time", lambda f: f.attrs.modify("time_ms", 123456.0), True)

    def kernel_step(value):
        def fn(f):
            set_value(f, "kernel/step", 0, value)
            f.attrs.modify("step", np.uint64(value & (2**64 - 1)))
            f.attrs.modify("time_ms", float(value) * 0.1)
        return fn
    edit("crafted_step_back", "does not fit the network", kernel_step(step - 10), True)
    edit("crafted_step_beyond_run", "lies outside this run", kernel_step(1 << 40), True)
    edit("crafted_step_negative", "lies outside this run", kernel_step(-5), True)
    edit("crafted_report_rows_2_62", "'kernel/report_rows/0' is 4611686018427387904",
         lambda f: set_value(f, "kernel/report_rows/0", 0, 1 << 62), True)
    edit("crafted_output_lengths_zero", "(spikes of 'exc') is 0",
         lambda f: replace_array(f, "output/lengths", np.zeros_like(f["arrays/output/lengths"][()])), True)
    edit("crafted_output_lengths_short", "'output/lengths' holds",
         lambda f: replace_array(f, "output/lengths", f["arrays/output/lengths"][()][:1]), True)
    edit("crafted_spike_count", "(spikes of 'exc') is",  # exc: recorded, so the output counts them
         lambda f: set_value(f, "kernel/spike_counts", 1, int(f["arrays/kernel/spike_counts"][1]) + 1), True)
    edit("crafted_v_m_inf", "population 'exc' variable 'V_m' entity 5 is inf",
         lambda f: set_value(f, "population/exc/V_m", 5, np.inf), True)
    edit("crafted_v_m_nan", "population 'exc' variable 'V_m' entity 0 is nan",
         lambda f: set_value(f, "population/exc/V_m", 0, np.nan), True)
    edit("crafted_ring_inf", "'population/inh/ring' element 3 is -inf",
         lambda f: set_value(f, "population/inh/ring", 3, -np.inf), True)
    edit("crafted_refractory_negative", "'population/exc/refractory' element 2 is -5",
         lambda f: set_value(f, "population/exc/refractory", 2, -5), True)
    edit("crafted_refractory_huge", "'population/exc/refractory' element 2 is",
         lambda f: set_value(f, "population/exc/refractory", 2, 1 << 62), True)
    edit("crafted_last_reset", "'kernel/last_reset' of population",
         lambda f: set_value(f, "kernel/last_reset", 0, 1 << 62), True)
    edit("crafted_last_check", "'kernel/last_check' is -1",
         lambda f: set_value(f, "kernel/last_check", 0, -1), True)

    def boundary_source(f):
        raw_events = f["arrays/kernel/boundary_events"][()].copy()  # 16-byte records
        raw_events[8:12] = 0  # kind 0 (not a boundary event kind), source bytes below
        raw_events[12:16] = np.frombuffer(struct.pack("<I", 1000), dtype="u1")
        replace_array(f, "kernel/boundary_events", raw_events)
    edit("crafted_boundary_event", "never schedules", boundary_source, True)
    edit("crafted_exact_events_dropped", "'kernel/exact_events' holds 0 events",
         lambda f: replace_array(f, "kernel/exact_events", np.zeros(0, dtype="u1")), True)
    edit("crafted_weights_inf", "element 0 is inf",
         lambda f: set_value(f, "projection/exc_exc/weights/0", 0, np.inf), True)
    edit("crafted_stdp_trace_nan", "is nan",
         lambda f: set_value(f, "projection/exc_exc/post_trace/value", 0, np.nan), True)

    with open(os.path.join(out, "cases.tsv"), "w") as g:
        for name, expect in cases:
            g.write("%s\t%s\n" % (name, expect))


if __name__ == "__main__":
    main()
