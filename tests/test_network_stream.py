"""Streamed monitors through h5py: the files tests/test_network_stream.c writes (it is
run here, in a scratch folder) hold, for a sweep whose monitors streamed in small
blocks, after a run crashed mid-stream and was resumed, and after the writer was
killed mid-stream and resumed, exactly what the sweep whose monitors kept everything
holds, as h5py sees it: the same groups and datasets in the same (creation) order, the
same attributes in the same order, dtypes, shapes, and values bit for bit; no
staging group (_streams) is left. Streamed datasets differ only in their storage:
chunked and extendible along the last axis.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

BUILD = os.environ["SNX_BUILD"]
TEST = os.path.join(BUILD, "tests", "test_network_stream")


def attrs(obj):
    return [(k, obj.attrs[k]) for k in obj.attrs]


def same_attr(a, b):
    return type(a) is type(b) and (a == b if not isinstance(a, np.ndarray)
                                   else a.dtype == b.dtype and np.array_equal(a, b))


def compare(a, b, path, notes):
    """Raises when group a and group b differ below path."""
    ka, kb = list(a.keys()), list(b.keys())
    if all(k.startswith("run_") for k in ka + kb):  # runs are stored as they finish
        ka, kb = sorted(ka), sorted(kb)
    assert ka == kb, f"{path}: children {ka} != {kb}"
    aa, ab = attrs(a), attrs(b)
    assert [k for k, _ in aa] == [k for k, _ in ab], f"{path}: attributes differ"
    for (k, va), (_, vb) in zip(aa, ab):
        if k in ("timestamp", "finish_timestamp", "time"):
            continue
        assert same_attr(va, vb), f"{path}: attribute {k}: {va!r} != {vb!r}"
    for k in ka:
        x, y = a[k], b[k]
        p = f"{path}/{k}"
        assert type(x) is type(y), f"{p}: group against dataset"
        if isinstance(x, h5py.Group):
            compare(x, y, p, notes)
            continue
        assert x.dtype == y.dtype, f"{p}: dtype {x.dtype} != {y.dtype}"
        assert x.shape == y.shape, f"{p}: shape {x.shape} != {y.shape}"
        vx, vy = x[()], y[()]
        if isinstance(vx, np.ndarray):
            assert vx.tobytes() == vy.tobytes(), f"{p}: values differ"
        else:
            assert vx == vy, f"{p}: value {vx!r} != {vy!r}"
        for (n1, v1), (n2, v2) in zip(attrs(x), attrs(y)):
            assert n1 == n2 and same_attr(v1, v2), f"{p}: attribute {n1}"
        assert [n for n, _ in attrs(x)] == [n for n, _ in attrs(y)], f"{p}: attributes"
        if y.maxshape != y.shape and y.ndim:
            notes.append((p, y.chunks, y.maxshape))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([TEST], cwd=tmp, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        kept = h5py.File(os.path.join(tmp, "stream_kept.hdf5"), "r")["sweep"]
        for name in ("stream_streamed.hdf5", "stream_crash.hdf5", "stream_killed.hdf5"):
            f = h5py.File(os.path.join(tmp, name), "r")["sweep"]
            assert "_streams" not in f, f"{name}: staging group left"
            notes = []
            compare(kept["results"], f["results"], f"{name}:results", notes)
            runs_a, runs_b = kept["overview/runs"][()], f["overview/runs"][()]
            assert list(runs_a["completed"]) == list(runs_b["completed"])
            assert list(runs_a["seed"]) == list(runs_b["seed"])
            streamed = {p.rsplit("/", 1)[1] for p, _, _ in notes}
            assert streamed >= {"i", "t", "V", "I"}, f"{name}: streamed {streamed}"
            for p, chunks, maxshape in notes:
                assert maxshape[-1] is None and chunks is not None, p
            print(f"ok   {name}: equal to the kept monitors through h5py; "
                  f"{len(notes)} streamed datasets, e.g. {notes[0][0].split(':')[1]} "
                  f"chunks {notes[0][1]}")
        # the monitors are really there: spikes in time order, counts add up
        sp = kept["results/runs/run_00000003/monitors/spikes"]
        assert sp["nspikes"][()] == len(sp["i"]) == sp["count"][()].sum() > 0
        assert np.all(np.diff(sp["t"][()]) >= 0)
        assert sp["i"].dtype == np.int64 and sp["t"].attrs["unit"] == "s"
        tr = kept["results/runs/run_00000003/monitors/trace"]
        assert tr["V"].shape == (3, len(tr["t"]))
        # the benchmark, small: 3 million spikes and 3 million trace samples through
        # a 4 MiB bound, checked by it
        bench = os.path.join(BUILD, "bench", "bench_monitor_stream")
        r = subprocess.run([bench, "3e6", tmp, "3e6"], capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        lines = r.stdout.splitlines()
        assert [l.split()[1] for l in lines] == ["monitor_stream", "monitor_stream_trace"], \
            r.stdout
        with open(bench, "rb") as b:  # AddressSanitizer's shadow memory counts in RSS
            sanitized = b"__asan_init" in b.read()
        for line, count in zip(lines, ("spikes", "samples")):
            fields = dict(f.split("=") for f in line.split()[2:])
            assert int(fields[count]) >= 3000000, line
            if not sanitized:
                assert 0 < float(fields["run_rss_mb"]) < 64, line
                assert 0 < float(fields["writer_rss_mb"]) < 128, line
            print("ok   " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
