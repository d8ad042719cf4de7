"""The mutation campaign over a snex file (run by tools/faults/files.sh).

Writes a file with every value type (files_write), dumps it (files_dump: a canonical
text of everything snex loads), then damages copies of it and loads each one:

- structural mutations, made with h5py: a wrong dtype, a wrong or missing attribute,
  a missing dataset, wrong shapes, extra names, inconsistent columns and overview
  tables. Each is either an inconsistency (the file breaks a rule of docs/FORMAT.md:
  loading it must fail with a format error naming the object) or a consistent edit
  (a valid file that means something else: it must load as that edit says);
- byte-level mutants: truncations, bit flips, zeroed runs (global heaps included),
  random bytes.

Each load is classified: clear error (non-zero exit, a message, no crash, no hang),
unchanged (the dump equals the original), as edited (a consistent edit loaded as
such), or silently different (exit 0 with another dump: data changed without a
word). Crashes and hangs are their own classes.

    files_mutate.py BUILD_HELPERS_DIR WORK_DIR [--quick] [--seed N]

Exit status: non-zero when a structural mutation is silently different or any load
crashes or hangs, or when a byte-level mutant is silently different outside what
no checksum covers (see RELIABILITY.md, "Files").
"""
import os
import random
import shutil
import subprocess
import sys

import h5py
import numpy as np

T = "every_type"
TIMEOUT = 20

# ---- helpers to make mutations ------------------------------------------------------


def retype(f, path, dtype, convert=None):
    """Replaces dataset `path` by one of another dtype (attributes kept)."""
    ds = f[path]
    attrs = dict(ds.attrs)
    data = ds[()]
    maxshape = ds.maxshape
    del f[path]
    new = convert(data) if convert else np.asarray(data).astype(dtype)
    kw = {"maxshape": maxshape, "chunks": True} if maxshape and None in maxshape else {}
    f.create_dataset(path, data=new, dtype=dtype, **kw)
    for k, v in attrs.items():
        f[path].attrs[k] = v


def reshape(f, path, data):
    ds = f[path]
    attrs = dict(ds.attrs)
    dtype = ds.dtype
    del f[path]
    f.create_dataset(path, data=np.asarray(data, dtype=dtype))
    for k, v in attrs.items():
        f[path].attrs[k] = v


def shorten(f, path, n):
    reshape(f, path, f[path][()][:n])


def set_attr(f, path, name, value):
    f[path].attrs[name] = value


def del_attr(f, path, name):
    del f[path].attrs[name]


def str_attr(f, path, name, value):
    f[path].attrs.create(name, value, dtype=h5py.string_dtype())


def compound(names, fmt="<f8"):
    return np.dtype([(n, fmt) for n in names])


def complex_as(names, fmt="<f8"):
    def conv(data):
        out = np.zeros(np.shape(data), dtype=compound(names, fmt))
        out[names[0]] = np.real(data)
        out[names[1]] = np.imag(data)
        return out
    return conv


def table_member(f, path, member, dtype):
    """Changes one member of a compound dataset to another dtype."""
    data = f[path][()]
    fields = [(n, dtype if n == member else data.dtype.fields[n][0]) for n in data.dtype.names]
    new = np.zeros(data.shape, dtype=fields)
    for n in data.dtype.names:
        new[n] = data[n].astype(dtype) if n == member and dtype != h5py.string_dtype() \
            else data[n]
    attrs = dict(f[path].attrs)
    maxshape = f[path].maxshape
    del f[path]
    kw = {"maxshape": maxshape, "chunks": True} if maxshape and None in maxshape else {}
    f.create_dataset(path, data=new, **kw)
    for k, v in attrs.items():
        f[path].attrs[k] = v


def drop_member(f, path, member):
    data = f[path][()]
    names = [n for n in data.dtype.names if n != member]
    new = np.zeros(data.shape, dtype=[(n, data.dtype.fields[n][0]) for n in names])
    for n in names:
        new[n] = data[n]
    attrs = dict(f[path].attrs)
    del f[path]
    f.create_dataset(path, data=new)
    for k, v in attrs.items():
        f[path].attrs[k] = v


def fixed_strings(data):
    if isinstance(data, bytes):
        return np.bytes_(data)
    return np.array([s if isinstance(s, bytes) else s.encode() for s in data])


P = "parameters/"
R = "results/"
C = "results/runs/_columns/"
PR = "results/runs/_present/"

# Each structural mutation: (category, name, the object the error must name,
# function(f) where f is the trajectory group, None for an inconsistency or the
# list of tree names a consistent edit removes).
STRUCTURAL = [
    # -- wrong dtype: the `type` attribute and the dtype disagree, or the dtype is
    #    none snex writes
    ("dtype", "int data as float64", "n", lambda f: retype(f, P + "numbers/n/data", "<f8")),
    ("dtype", "int data as int32", "n", lambda f: retype(f, P + "numbers/n/data", "<i4")),
    ("dtype", "int data as uint64", "n", lambda f: retype(f, P + "numbers/n/data", "<u8")),
    ("dtype", "double data as int64", "x", lambda f: retype(f, P + "numbers/x/data", "<i8")),
    ("dtype", "double data as float32", "x", lambda f: retype(f, P + "numbers/x/data", "<f4")),
    ("dtype", "complex as compound {a, b}", "z",
     lambda f: retype(f, P + "numbers/z/data", compound("ab"), complex_as("ab"))),
    ("dtype", "complex as compound {re, im}", "z",
     lambda f: retype(f, P + "numbers/z/data", compound(["re", "im"]),
                      complex_as(["re", "im"]))),
    ("dtype", "complex as compound {r, i} of float32", "z",
     lambda f: retype(f, P + "numbers/z/data", compound("ri", "<f4"), complex_as("ri", "<f4"))),
    ("dtype", "complex as compound {r, i, k}", "z",
     lambda f: retype(f, P + "numbers/z/data", compound("rik"),
                      lambda d: np.zeros((), dtype=compound("rik")))),
    ("dtype", "bool as plain int8", "on", lambda f: retype(f, P + "flags/on/data", "<i1")),
    ("dtype", "bool as enum {NO, YES}", "on",
     lambda f: retype(f, P + "flags/on/data", h5py.enum_dtype({"NO": 0, "YES": 1}, "i1"),
                      lambda d: np.int8(d))),
    ("dtype", "string as fixed-length", "eqs",
     lambda f: retype(f, P + "neuron/eqs/data", "S18", fixed_strings)),
    ("dtype", "string as int64", "eqs",
     lambda f: retype(f, P + "neuron/eqs/data", "<i8", lambda d: np.int64(3))),
    ("dtype", "int_array as float64", "ints", lambda f: retype(f, P + "arrays/ints/data", "<f8")),
    ("dtype", "double_array as int64", "doubles",
     lambda f: retype(f, P + "arrays/doubles/data", "<i8")),
    ("dtype", "quantity as int64", "tau", lambda f: retype(f, P + "neuron/tau/data", "<i8",
                                                          lambda d: np.int64(0))),
    ("dtype", "int range as float64", "a", lambda f: retype(f, P + "sweep/a/explored_data", "<f8")),
    ("dtype", "string range as fixed-length", "s",
     lambda f: retype(f, P + "sweep/s/explored_data", "S5", fixed_strings)),
    ("dtype", "complex range as compound {a, b}", "c",
     lambda f: retype(f, P + "sweep/c/explored_data", compound("ab"), complex_as("ab"))),
    ("dtype", "quantity range as float32", "q",
     lambda f: retype(f, P + "sweep/q/explored_data", "<f4")),
    ("dtype", "int_array range as float64", "v",
     lambda f: retype(f, P + "sweep/v/explored_data", "<f8")),
    ("dtype", "table column float64 as float32", "table",
     lambda f: table_member(f, R + "summary/all/table", "w", "<f4")),
    ("dtype", "table column int64 as int32", "table",
     lambda f: table_member(f, R + "summary/all/table", "id", "<i4")),
    ("dtype", "table column bool as int8", "table",
     lambda f: table_member(f, R + "summary/all/table", "on", "<i1")),
    ("dtype", "table column string as fixed-length", "table",
     lambda f: table_member(f, R + "summary/all/table", "tag", "S12")),
    ("dtype", "3-d array as int64", "cube", lambda f: retype(f, R + "summary/all/cube", "<i8")),
    ("dtype", "column int as float64", "count", lambda f: retype(f, C + "count", "<f8")),
    ("dtype", "column string as fixed-length", "label",
     lambda f: retype(f, C + "label", "S8", fixed_strings)),
    ("dtype", "column complex as compound {a, b}", "phase",
     lambda f: retype(f, C + "phase", compound("ab"), complex_as("ab"))),
    ("dtype", "column bool as int8", "ok", lambda f: retype(f, C + "ok", "<i1")),
    ("dtype", "present flags as int8", "count", lambda f: retype(f, PR + "count", "<i1")),
    ("dtype", "present flags as float64", "count", lambda f: retype(f, PR + "count", "<f8")),
    ("dtype", "run-group array as float32", "v",
     lambda f: retype(f, R + "runs/run_00000001/trace/v/v", "<f4")),
    ("dtype", "runs table without a field", "runs",
     lambda f: drop_member(f, "overview/runs", "seed")),
    ("dtype", "runs table idx as float64", "runs",
     lambda f: table_member(f, "overview/runs", "idx", "<f8")),
    # -- the type attribute says something else than the data
    ("type", "int says double", "n", lambda f: str_attr(f, P + "numbers/n/data", "type", "double")),
    ("type", "double says int", "x", lambda f: str_attr(f, P + "numbers/x/data", "type", "int")),
    ("type", "quantity says double", "tau",
     lambda f: str_attr(f, P + "neuron/tau/data", "type", "double")),
    ("type", "double says quantity", "x",
     lambda f: str_attr(f, P + "numbers/x/data", "type", "quantity")),
    ("type", "string says int", "eqs", lambda f: str_attr(f, P + "neuron/eqs/data", "type", "int")),
    ("type", "int_array says double_array", "ints",
     lambda f: str_attr(f, P + "arrays/ints/data", "type", "double_array")),
    ("type", "double_array says quantity", "volts",
     lambda f: str_attr(f, P + "arrays/volts/data", "type", "quantity")),
    ("type", "complex says table", "z", lambda f: str_attr(f, P + "numbers/z/data", "type", "table")),
    ("type", "unknown type name", "x",
     lambda f: str_attr(f, P + "numbers/x/data", "type", "float128")),
    ("type", "type attribute an int", "x", lambda f: set_attr(f, P + "numbers/x/data", "type", 3)),
    ("type", "table says complex", "table",
     lambda f: str_attr(f, R + "summary/all/table", "type", "complex")),
    ("type", "column int says double", "count", lambda f: str_attr(f, C + "count", "type", "double")),
    ("type", "column quantity says double", "delay",
     lambda f: str_attr(f, C + "delay", "type", "double")),
    ("type", "int range says bool", "a",
     lambda f: str_attr(f, P + "sweep/a/explored_data", "type", "bool")),
    # -- missing or wrong attributes
    ("attribute", "quantity without display_unit", "tau",
     lambda f: del_attr(f, P + "neuron/tau/data", "display_unit")),
    ("attribute", "quantity without unit", "tau", lambda f: del_attr(f, P + "neuron/tau/data", "unit")),
    ("attribute", "quantity without either unit", "tau",
     lambda f: (del_attr(f, P + "neuron/tau/data", "unit"),
                del_attr(f, P + "neuron/tau/data", "display_unit"))),
    ("attribute", "display_unit of another dimension", "tau",
     lambda f: str_attr(f, P + "neuron/tau/data", "display_unit", "mV")),
    ("attribute", "unit of another dimension", "tau",
     lambda f: str_attr(f, P + "neuron/tau/data", "unit", "V")),
    ("attribute", "display_unit not a unit", "tau",
     lambda f: str_attr(f, P + "neuron/tau/data", "display_unit", "furlongs")),
    ("attribute", "array unit of another dimension", "volts",
     lambda f: str_attr(f, P + "arrays/volts/data", "display_unit", "ms")),
    ("attribute", "array without unit", "volts", lambda f: del_attr(f, P + "arrays/volts/data", "unit")),
    ("attribute", "range unit list of another dimension", "q",
     lambda f: f[P + "sweep/q/explored_data"].attrs.create(
         "display_units", ["ms", "mV", "ms", "s"], dtype=h5py.string_dtype())),
    ("attribute", "range unit list too short", "q",
     lambda f: f[P + "sweep/q/explored_data"].attrs.create(
         "display_units", ["ms", "s"], dtype=h5py.string_dtype())),
    ("attribute", "parameter without leaf", "n", lambda f: del_attr(f, P + "numbers/n", "leaf")),
    ("attribute", "result without leaf", "all", lambda f: del_attr(f, R + "summary/all", "leaf")),
    ("attribute", "leaf kind unknown", "n", lambda f: str_attr(f, P + "numbers/n", "leaf", "other")),
    ("attribute", "leaf attribute an int", "n", lambda f: set_attr(f, P + "numbers/n", "leaf", 1)),
    ("attribute", "parameter says result", "n",
     lambda f: str_attr(f, P + "numbers/n", "leaf", "result")),
    ("attribute", "result says parameter", "all",
     lambda f: str_attr(f, R + "summary/all", "leaf", "parameter")),
    ("attribute", "comment an int", "x", lambda f: set_attr(f, P + "numbers/x", "comment", 5)),
    ("attribute", "annotation a compound", "all",
     lambda f: set_attr(f, R + "summary/all", "annotation.note",
                        np.zeros((), dtype=compound("xyz")))),
    ("attribute", "annotation unit of a string", "all",
     lambda f: str_attr(f, R + "summary/all", "annotation_unit.note", "ms")),
    ("attribute", "annotation unit not a unit", "all",
     lambda f: str_attr(f, R + "summary/all", "annotation_unit.delay", "parsecs^")),
    ("attribute", "column without leaf", "count", lambda f: del_attr(f, C + "count", "leaf")),
    ("attribute", "column leaf kind unknown", "count",
     lambda f: str_attr(f, C + "count", "leaf", "neither")),
    ("attribute", "column quantity without units", "delay",
     lambda f: (del_attr(f, C + "delay", "unit"), del_attr(f, C + "delay", "display_unit"))),
    ("attribute", "column display_unit of another dimension", "delay",
     lambda f: str_attr(f, C + "delay", "display_unit", "Hz")),
    ("attribute", "format version a string", T,
     lambda f: str_attr(f, ".", "snex_format", "one")),
    ("attribute", "format version from the future", T,
     lambda f: set_attr(f, ".", "snex_format", 99)),
    # -- missing datasets
    ("missing", "one explored_data", "a", lambda f: f.__delitem__(P + "sweep/a/explored_data")),
    ("missing", "every explored_data", "explored",
     lambda f: [f.__delitem__(P + "sweep/%s/explored_data" % p) for p in "absqcfv"]),
    ("missing", "a present dataset", "count", lambda f: f.__delitem__(PR + "count")),
    ("missing", "the _present group", "_present", lambda f: f.__delitem__("results/runs/_present")),
    ("missing", "a column dataset", "count", lambda f: f.__delitem__(C + "count")),
    ("missing", "the _columns group", "_columns", lambda f: f.__delitem__("results/runs/_columns")),
    ("missing", "the runs table", "runs", lambda f: f.__delitem__("overview/runs")),
    ("missing", "the explorations table", "explorations",
     lambda f: f.__delitem__("overview/explorations")),
    ("missing", "the overview group", "overview", lambda f: f.__delitem__("overview")),
    ("missing", "an explored parameter's data", "a",
     lambda f: f.__delitem__(P + "sweep/a/data")),
    # -- shapes
    ("shape", "one explored_data shorter", "a", lambda f: shorten(f, P + "sweep/a/explored_data", 3)),
    ("shape", "every explored_data shorter", "explored_data",
     lambda f: [shorten(f, P + "sweep/%s/explored_data" % p, 3) for p in "absqcfv"]),
    ("shape", "every explored_data longer", "explored_data",
     lambda f: [reshape(f, P + "sweep/%s/explored_data" % p,
                        np.concatenate([f[P + "sweep/%s/explored_data" % p][()],
                                        f[P + "sweep/%s/explored_data" % p][()][:1]]))
                for p in "absqcfv"]),
    ("shape", "a scalar range with an extra axis", "a",
     lambda f: reshape(f, P + "sweep/a/explored_data",
                       f[P + "sweep/a/explored_data"][()].reshape(4, 1))),
    ("shape", "a scalar as a 1-element array", "n",
     lambda f: reshape(f, P + "numbers/n/data", [7])),
    ("shape", "a range as a scalar", "a", lambda f: reshape(f, P + "sweep/a/explored_data", 1)),
    ("shape", "present flags shorter than the column", "count", lambda f: shorten(f, PR + "count", 2)),
    ("shape", "column shorter than its flags", "count", lambda f: shorten(f, C + "count", 2)),
    ("shape", "column of rank 2", "count",
     lambda f: reshape(f, C + "count", f[C + "count"][()].reshape(2, 2))),
    ("shape", "column a scalar", "count", lambda f: reshape(f, C + "count", 5)),
    ("shape", "runs table shorter", "runs", lambda f: shorten(f, "overview/runs", 2)),
    ("shape", "runs table longer", "runs",
     lambda f: reshape(f, "overview/runs",
                       np.concatenate([f["overview/runs"][()], f["overview/runs"][()][:1]]))),
    ("shape", "explorations table shorter", "explorations",
     lambda f: shorten(f, "overview/explorations", 3)),
    ("shape", "runs table row of another run", "runs",
     lambda f: f["overview/runs"].__setitem__(1, f["overview/runs"][2])),
    ("shape", "range unit list of rank 2", "q",
     lambda f: f[P + "sweep/q/explored_data"].attrs.create(
         "display_units", [["ms", "s"], ["ms", "s"]], dtype=h5py.string_dtype())),
    # -- extra names
    ("extra", "an item named with a dot", "x.y",
     lambda f: f.create_dataset(R + "summary/all/x.y", data=1.0)),
    ("extra", "a group named with a dot", "a.b", lambda f: f.create_group(R + "a.b")),
    ("extra", "a leaf named with a dot", "bad.name",
     lambda f: f.move(P + "numbers/n", P + "numbers/bad.name")),
    ("extra", "a column named with a dot at the end", "count.",
     lambda f: (f.move(C + "count", C + "count."), f.move(PR + "count", PR + "count."))),
    ("extra", "a column named with two dots", "stats..mean",
     lambda f: (f.move(C + "stats.mean", C + "stats..mean"),
                f.move(PR + "stats.mean", PR + "stats..mean"))),
    ("extra", "a parameter with a stray dataset", "stray",
     lambda f: f.create_dataset(P + "numbers/n/stray", data=1)),
    ("extra", "a group node with a dataset", "stray",
     lambda f: f.create_dataset(P + "numbers/stray", data=1)),
    ("extra", "a leaf with a group inside", "sub", lambda f: f.create_group(R + "summary/all/sub")),
    ("extra", "a column without flags", "extra",
     lambda f: f.create_dataset(C + "extra", data=np.arange(4), maxshape=(None,))),
    ("extra", "flags without a column", "extra",
     lambda f: f.create_dataset(PR + "extra", data=np.ones(4, bool), maxshape=(None,))),
    ("extra", "a group inside _columns", "sub", lambda f: f.create_group(C + "sub")),
    ("extra", "_columns a dataset", "_columns",
     lambda f: (f.__delitem__("results/runs/_columns"),
                f.create_dataset("results/runs/_columns", data=1))),
    ("extra", "a column and a group of one name", "stats",
     lambda f: (f.create_dataset(C + "stats", data=np.arange(4.0), maxshape=(None,)),
                f.create_dataset(PR + "stats", data=np.ones(4, bool), maxshape=(None,)),
                [str_attr(f, C + "stats", k, v) for k, v in (("type", "double"),
                                                             ("leaf", "result"))])),
    ("extra", "a column that clashes with a run group", "trace.v",
     lambda f: (f.create_dataset(C + "trace.v", data=np.arange(4.0), maxshape=(None,)),
                f.create_dataset(PR + "trace.v", data=np.ones(4, bool), maxshape=(None,)),
                [str_attr(f, C + "trace.v", k, v) for k, v in (("type", "double"),
                                                               ("leaf", "result"))])),
    ("extra", "an annotation with an empty key", "all",
     lambda f: str_attr(f, R + "summary/all", "annotation.", "x")),
    ("extra", "a parameter outside the parameters", "n",
     lambda f: f.move(P + "numbers/n", R + "n")),
    ("extra", "a result in the parameters", "all",
     lambda f: f.move(R + "summary/all", P + "all")),
    ("extra", "a run group that is a leaf with columns", "run_00000001",
     lambda f: (f.create_group(R + "runs/run_00000001/count"),
                str_attr(f, R + "runs/run_00000001/count", "leaf", "result"),
                f.create_dataset(R + "runs/run_00000001/count/count", data=5))),
]

# Consistent edits: valid files that mean something else; they must load as edited
# (the dump without the named nodes' lines).
EDITS = [
    ("edit", "all present flags false", ["results.runs.run_0000000%d.count" % i for i in range(4)],
     lambda f: f[PR + "count"].__setitem__(slice(None), False)),
    ("edit", "one present flag false", ["results.runs.run_00000002.count"],
     lambda f: f[PR + "count"].__setitem__(2, False)),
    ("edit", "a column and its flags deleted",
     ["results.runs.run_0000000%d.count" % i for i in range(4)],
     lambda f: (f.__delitem__(C + "count"), f.__delitem__(PR + "count"))),
    ("edit", "a run group deleted", ["results.runs.run_00000001.trace"],
     lambda f: f.__delitem__(R + "runs/run_00000001/trace")),
    ("edit", "a dangling soft link", [], lambda f: f["results"].__setitem__(
        "dangling", h5py.SoftLink("/%s/parameters/gone" % T))),
]


# ---- running the loader ---------------------------------------------------------------


def load(dump, path):
    """(status, stdout, stderr): status 'ok', 'error', 'crash' or 'hang'."""
    try:
        p = subprocess.run([dump, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "hang", b"", b""
    if p.returncode == 0:
        return "ok", p.stdout, p.stderr
    if p.returncode == 1 and b"files_dump: error" in p.stderr and \
            b"AddressSanitizer" not in p.stderr and b"runtime error" not in p.stderr:
        return "error", p.stdout, p.stderr
    return "crash", p.stdout, p.stderr


def without(dump, names):
    """The dump without the nodes named (and their subtrees)."""
    out, skip = [], False
    for line in dump.decode().splitlines(True):
        if not line.startswith(" "):
            name = line.split(" ")[1].strip() if " " in line else ""
            skip = any(name == n or name.startswith(n + ".") for n in names)
            # a run group emptied by the edit goes too
        if not skip:
            out.append(line)
    return "".join(out).encode()


def strip_empty_groups(dump):
    """Drops group entries with no comment, annotation or link and no children."""
    lines = dump.decode().splitlines(True)
    keep = []
    for i, line in enumerate(lines):
        if line.startswith("group "):
            name = line.split(" ")[1].strip()
            j = i + 1
            while j < len(lines) and lines[j].startswith(" "):
                j += 1
            own = lines[i + 1:j]
            rest = lines[j:]
            has_child = any(not l.startswith(" ") and l.split(" ")[1].strip().startswith(name + ".")
                            for l in rest if " " in l)
            if not has_child and all(l.strip() == 'comment ""' for l in own):
                continue
        keep.append(line)
    return "".join(keep).encode()


def classify(status, out, reference, expected=None):
    if status != "ok":
        return status
    if out == reference:
        return "unchanged"
    if expected is not None and strip_empty_groups(out) == strip_empty_groups(expected):
        return "as edited"
    return "silently different"


# ---- byte-level mutants ---------------------------------------------------------------


def byte_mutants(data, rng, n_trunc, n_flip, n_zero, n_heap, n_random):
    size = len(data)
    heaps = []
    at = data.find(b"GCOL")
    while at >= 0:
        heaps.append(at)
        at = data.find(b"GCOL", at + 1)
    for _ in range(n_trunc):
        cut = rng.randrange(0, size)
        yield "truncation", "truncated to %d bytes" % cut, data[:cut]
    for _ in range(n_flip):
        pos = rng.randrange(0, size)
        bit = rng.randrange(8)
        b = bytearray(data)
        b[pos] ^= 1 << bit
        yield "bit flip", "bit %d of byte %d" % (bit, pos), bytes(b)
    for _ in range(n_zero):
        pos = rng.randrange(0, size)
        b = bytearray(data)
        b[pos:pos + 64] = bytes(len(b[pos:pos + 64]))
        yield "zeroed run", "64 zero bytes at %d" % pos, bytes(b)
    for k in range(n_heap if heaps else 0):
        base = heaps[k % len(heaps)]
        pos = base + rng.randrange(0, 4096 - 64)
        b = bytearray(data)
        b[pos:pos + 64] = bytes(len(b[pos:pos + 64]))
        yield "zeroed heap", "64 zero bytes at %d (global heap at %d)" % (pos, base), bytes(b)
    for _ in range(n_random):
        pos = rng.randrange(0, size)
        n = rng.randrange(1, 32)
        b = bytearray(data)
        b[pos:pos + n] = bytes(rng.randrange(256) for _ in range(len(b[pos:pos + n])))
        yield "random bytes", "%d random bytes at %d" % (n, pos), bytes(b)


# ---- the campaign ---------------------------------------------------------------------


def tally(table, category, outcome):
    row = table.setdefault(category, {})
    row[outcome] = row.get(outcome, 0) + 1


OUTCOMES = ["clear error", "unchanged", "as edited", "silently different", "unclear error",
            "crash", "hang"]


def print_table(title, table):
    print("%s:" % title)
    cols = [o for o in OUTCOMES if any(o in r for r in table.values())]
    print("  %-14s %6s  %s" % ("category", "total", "  ".join("%s" % c for c in cols)))
    total = {}
    for cat, row in table.items():
        n = sum(row.values())
        print("  %-14s %6d  %s" % (cat, n, "  ".join("%*d" % (len(c), row.get(c, 0)) for c in cols)))
        for c, v in row.items():
            total[c] = total.get(c, 0) + v
    print("  %-14s %6d  %s" % ("all", sum(total.values()),
                                "  ".join("%*d" % (len(c), total.get(c, 0)) for c in cols)))
    return total


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    seed = 12
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    helpers, work = args[0], args[1]
    write, dump = os.path.join(helpers, "files_write"), os.path.join(helpers, "files_dump")
    os.makedirs(work, exist_ok=True)
    original = os.path.join(work, "every.hdf5")
    subprocess.run([write, original], check=True)
    status, reference, err = load(dump, original)
    if status != "ok":
        print("the original file does not load: %s" % err.decode(errors="replace"))
        return 1
    rng = random.Random(seed)
    failures = []
    structural = STRUCTURAL + EDITS
    if quick:
        structural = rng.sample(STRUCTURAL, 40) + EDITS
    table = {}
    for k, (category, name, obj, mutate) in enumerate(structural):
        path = os.path.join(work, "s%03d.hdf5" % k)
        shutil.copyfile(original, path)
        with h5py.File(path, "r+") as f:
            mutate(f[T])
        status, out, err = load(dump, path)
        expected = without(reference, obj) if category == "edit" else None
        outcome = classify(status, out, reference, expected)
        if outcome == "error":
            msg = err.decode(errors="replace")
            code = -10 if "future" in name else -18  # a newer format: SNX_EVERSION
            clear = "error %d" % code in msg and (category == "edit" or obj in msg)
            outcome = "clear error" if clear else "unclear error"
        if category == "edit" and outcome not in ("unchanged", "as edited"):
            failures.append("edit %s: %s %s" % (name, outcome, err.decode(errors="replace").strip()))
        elif category != "edit" and outcome != "clear error":
            failures.append("structural %s/%s: %s %s" % (category, name, outcome,
                                                         err.decode(errors="replace").strip()))
        tally(table, category, outcome)
        os.unlink(path)
    stotal = print_table("structural mutations (%d)" % len(structural), table)

    data = open(original, "rb").read()
    counts = (20, 40, 20, 10, 10) if quick else (80, 300, 100, 30, 90)
    if "--structural" in args:
        counts = (0, 0, 0, 0, 0)
    btable = {}
    path = os.path.join(work, "b.hdf5")
    for category, name, mutant in byte_mutants(data, rng, *counts):
        with open(path, "wb") as f:
            f.write(mutant)
        status, out, err = load(dump, path)
        outcome = classify(status, out, reference)
        if outcome == "error":
            outcome = "clear error"
        if outcome in ("crash", "hang"):
            failures.append("byte %s (%s): %s %s" % (category, name, outcome,
                                                     err.decode(errors="replace")[-400:]))
        elif outcome == "silently different":
            diff = [l for l in out.decode(errors="replace").splitlines()
                    if l.encode() not in reference.splitlines()][:2]
            print("  silently different: %s (%s): %s" % (category, name, " | ".join(diff)[:200]))
        tally(btable, category, outcome)
    btotal = print_table("byte-level mutants (%d)" % sum(counts), btable)
    for f in failures:
        print("FAIL " + f)
    print("SUMMARY files: structural %d (%d clear errors, %d silently different), "
          "byte-level %d (%d clear errors, %d unchanged, %d silently different), %d failures"
          % (sum(stotal.values()), stotal.get("clear error", 0),
             stotal.get("silently different", 0), sum(btotal.values()),
             btotal.get("clear error", 0), btotal.get("unchanged", 0),
             btotal.get("silently different", 0), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
