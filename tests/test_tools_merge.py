"""snex merge: two sweeps of the clustered network merged from the command line.

Two small clusternet sweeps (R_ee 1.0, 2.0 and R_ee 2.0, 2.4, other seeds) are merged
into a new file with duplicates removed (3 runs) and, without -d, in place into the
first file (4 runs); h5py then checks the explored range, the per-run columns, the
monitors and derived parameters of the merged runs against the sources, that the
first input is untouched by a merge into a new file, and the refusals (an existing
other OUT, a different parameter space, too few arguments).
"""
import os
import shutil
import subprocess

import h5py
import numpy as np

BUILD = os.environ["SNX_BUILD"]
SNEX = os.path.join(BUILD, "tools", "snex")
CLUSTERNET = os.path.join(BUILD, "examples", "clusternet", "clusternet")
TRAJ = "Clustered_Network"


def sweep(path, rees, seed, scale="0.1"):
    subprocess.run([CLUSTERNET, "--scale", scale, "--rees", rees, "--measurement", "300",
                    "--seed", str(seed), "--file", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def snex(*args):
    return subprocess.run([SNEX] + list(args), capture_output=True, text=True)


def runs_of(path):
    with h5py.File(path, "r") as f:
        return list(f[TRAJ + "/parameters/connections/R_ee/explored_data"][:])


def spikes(f, run):
    g = f["%s/results/runs/run_%08d/monitors/spikes_e" % (TRAJ, run)]
    return g["i"][:], g["t"][:]


def check_merged(out, a, b, b_runs):
    """out holds a's runs, then b's runs b_runs (in order)."""
    with h5py.File(out, "r") as fo, h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        n_a = len(fa[TRAJ + "/parameters/connections/R_ee/explored_data"])
        cols = TRAJ + "/results/runs/_columns/statistics.mean_fano_factor"
        present = TRAJ + "/results/runs/_present/statistics.mean_fano_factor"
        assert fo[present][:].all()
        for k, src in enumerate(list(range(n_a)) + b_runs):
            f_src = fa if k < n_a else fb
            assert fo[cols][k] == f_src[cols][src], (k, src)
            for x, y in zip(spikes(fo, k), spikes(f_src, src)):
                assert np.array_equal(x, y), (k, src)
        dpar = TRAJ + "/derived_parameters/runs/_columns/connections.p_ee_in"
        assert fo[dpar][n_a] == fb[dpar][b_runs[0]]
        merge = fo[TRAJ + "/config/merge/merge_000"]
        assert merge["merged_runs/data"][()] == len(b_runs)


def main():
    folder = os.getcwd()
    a, b = os.path.join(folder, "a.hdf5"), os.path.join(folder, "b.hdf5")
    sweep(a, "1.0,2.0", 1)
    sweep(b, "2.0,2.4", 2)
    # Into a new file, duplicates removed: R_ee 2.0 is in both.
    out = os.path.join(folder, "merged.hdf5")
    p = snex("merge", "-d", out, a, b)
    assert p.returncode == 0, p.stderr
    assert "1 of 2 runs of %s merged (now 3 runs)" % TRAJ in p.stdout, p.stdout
    assert runs_of(out) == [1.0, 2.0, 2.4]
    assert runs_of(a) == [1.0, 2.0]  # the first input is untouched
    check_merged(out, a, b, [1])
    # In place, every run: FILE:TRAJ names the trajectory.
    a_copy = os.path.join(folder, "a_copy.hdf5")
    shutil.copy(a, a_copy)
    p = snex("merge", a_copy, a_copy + ":" + TRAJ, b)
    assert p.returncode == 0, p.stderr
    assert runs_of(a_copy) == [1.0, 2.0, 2.0, 2.4]
    check_merged(a_copy, a, b, [0, 1])
    # Refusals.
    p = snex("merge", out, a, b)
    assert p.returncode == 1 and "exists and is not" in p.stderr, p.stderr
    other_scale = os.path.join(folder, "scale.hdf5")
    sweep(other_scale, "1.0", 3, scale="0.12")
    p = snex("merge", os.path.join(folder, "x.hdf5"), a, other_scale)
    assert p.returncode == 1 and "differs and is not explored" in p.stderr, p.stderr
    p = snex("merge", os.path.join(folder, "y.hdf5"), a)
    assert p.returncode == 2, (p.returncode, p.stderr)
    p = snex("merge", "-d", os.path.join(folder, "z.hdf5"), a, a)
    assert p.returncode == 1 and "nothing to merge" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(folder, "z.hdf5"))  # no half result
    print("snex merge: new file, in place, refusals ok")


if __name__ == "__main__":
    main()
