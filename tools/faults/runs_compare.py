#!/usr/bin/env python3
"""runs_compare.py FILE CLEAN [--all]: FILE must open with h5py; every run its
overview/runs table marks completed must hold exactly the data the same run has in
CLEAN (a sweep that was never interrupted): per-run datasets below results/runs
(or run_set buckets), their rows in the _columns tables, the run's seed, each
value with its dtype and shape (a streamed monitor's datasets must equal a kept
one's). With --all every run must be completed and no pieces of streamed items may
be left in the staging area (_streams). Prints "completed=<k> of <n>" (and
" staged=<r>" when pieces of r runs wait in _streams) and exits 0, or prints what
differs and exits 1."""
import sys

import h5py
import numpy as np


def runs_table(f):
    traj = f["faults"]
    return traj, traj["overview/runs"][:]


def containers(traj):
    """results/runs and results/run_set_XXXXX: where run groups and _columns live."""
    res = traj["results"]
    return [res[k] for k in res if k == "runs" or k.startswith("run_set_")]


def run_data(traj, name, idx):
    """{path: array} of everything stored for one run."""
    out = {}
    for c in containers(traj):
        if name in c:
            def visit(path, obj, base=c.name + "/" + name):
                if isinstance(obj, h5py.Dataset):
                    out[base + "/" + path] = obj[()]
            c[name].visititems(visit)
        if "_columns" in c:
            present = c["_present"] if "_present" in c else None
            for col in c["_columns"]:
                data = c["_columns"][col]
                if idx < len(data) and (present is None or col not in present
                                        or bool(present[col][idx])):
                    out[c.name + "/_columns/" + col] = data[idx]
    return out


def main():
    path, clean_path = sys.argv[1], sys.argv[2]
    want_all = "--all" in sys.argv[3:]
    problems = []
    with h5py.File(path, "r") as f, h5py.File(clean_path, "r") as g:
        ctraj, crows = runs_table(g)
        if "faults" not in f:  # killed before the first commit: an empty file is fine
            print("completed=0 of %d" % len(crows))
            sys.exit(1 if want_all else 0)
        traj, rows = runs_table(f)
        done = [int(r["idx"]) for r in rows if bool(r["completed"])]
        for idx in done:
            name = "run_%08d" % idx
            if rows[idx]["seed"] != crows[idx]["seed"]:
                problems.append("%s: seed differs" % name)
            mine, theirs = run_data(traj, name, idx), run_data(ctraj, name, idx)
            if sorted(mine) != sorted(theirs):
                problems.append("%s: items %s vs %s" % (name, sorted(mine), sorted(theirs)))
                continue
            for key in mine:
                a, b = np.asarray(mine[key]), np.asarray(theirs[key])
                if a.dtype != b.dtype or not np.array_equal(a, b):
                    problems.append("%s: %s differs" % (name, key))
        if want_all and len(done) != len(crows):
            problems.append("%d of %d runs completed" % (len(done), len(crows)))
        if want_all and "_streams" in traj:
            problems.append("pieces of streamed items left in _streams: %s" %
                            sorted(traj["_streams"]))
        staged = " staged=%d" % len(traj["_streams"]) if "_streams" in traj else ""
        print("completed=%d of %d%s" % (len(done), len(crows), staged))
    for p in problems[:20]:
        print("DIFFERS:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
