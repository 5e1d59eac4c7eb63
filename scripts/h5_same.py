#!/usr/bin/python3
# Are two gliasim result files the same run? Every dataset and attribute outside /metadata must
# be bit-identical, except the wall-clock figures of /task (items_per_second, readout_seconds).
# Prints what differs; exit 0 same, 1 different. Needs Debian's python3-h5py.
#   scripts/h5_same.py A.h5 B.h5
import sys

import h5py
import numpy as np

WALL_CLOCK = {"items_per_second", "readout_seconds"}


def contents(path):
    items = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if name == "metadata" or name.startswith("metadata/"):
                return
            if isinstance(obj, h5py.Dataset):
                items[name] = obj[()]
            for key, value in obj.attrs.items():
                if key not in WALL_CLOCK:
                    items[f"{name}@{key}"] = value
        visit("", f)
        f.visititems(visit)
    return items


def same(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.dtype != y.dtype:
        return False
    if x.dtype.kind in "fc":  # bit-identical, NaN included
        return x.tobytes() == y.tobytes()
    return np.array_equal(x, y)


a, b = contents(sys.argv[1]), contents(sys.argv[2])
diff = sorted(set(a) ^ set(b)) + sorted(k for k in set(a) & set(b) if not same(a[k], b[k]))
for k in diff:
    print(f"  differs: {k}")
sys.exit(1 if diff else 0)
