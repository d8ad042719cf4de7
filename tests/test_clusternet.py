"""examples/clusternet: the clustered network, end to end, checked from its file.

Runs the example from $SNX_BUILD (scale 0.5, the full 500 ms + 2000 ms subruns, R_ee
1.0 and 2.4) for three master seeds, then reads what it stored with h5py alone:
  - the science: E rates of a few Hz and a mean Fano factor in [0.6, 0.75] at R_ee 1.0
    for every seed (Brian2 gives 3.6 Hz and 0.68 on this network, COMPARISON.md), and
    rates rising with clustering;
  - the Fano factor recomputed here with numpy from the stored spikes, exactly as
    pypet's analysis defines it, equals the stored one;
  - the monitor results' contents and shapes, the derived cluster probabilities;
  - the same seed gives the same spikes with one worker as with two;
  - plotff's table (and plotff.py's reading) matches the stored values;
  - --plots writes the run's four PNGs;
  - bad options are refused with a message.
"""
import os
import subprocess
import sys

import h5py
import numpy as np

BUILD = os.environ["SNX_BUILD"]
CLUSTERNET = os.path.join(BUILD, "examples", "clusternet", "clusternet")
PLOTFF = os.path.join(BUILD, "examples", "clusternet", "plotff")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples", "clusternet"))
import plotff  # noqa: E402  (the example's own h5py reader)

REES = [1.0, 2.4]
N_E = 2000


def run_clusternet(path, seed, workers=2):
    subprocess.run([CLUSTERNET, "--seed", str(seed), "--workers", str(workers),
                    "--rees", ",".join(map(str, REES)), "--file", path],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def column(traj, name):
    values = traj["results/runs/_columns/" + name][:]
    present = traj["results/runs/_present/" + name][:]
    assert present.all(), name + " missing in a run"
    return values


def fano_factor_numpy(i, t, ids, window, start, end):
    """pypet's _compute_mean_fano_factor, written out independently."""
    bins = int(np.floor((end - start) / window))
    ffs = []
    for n in ids:
        s = t[i == n]
        counts = [np.sum((s >= start + window * b) & (s < start + window * (b + 1)))
                  for b in range(bins)]
        avg = np.mean(counts)
        ffs.append(np.var(counts) / avg if avg > 0 else 0.0)
    return np.mean(ffs)


def check_monitors(run):
    spikes = run["monitors/spikes_e"]
    i, t = spikes["i"][:], spikes["t"][:]
    assert len(i) == len(t) == spikes["nspikes"][()] > 0
    assert spikes["t"].attrs["unit"] == "s"
    assert spikes["source"].asstr()[()] == "neurons_e"
    assert list(spikes["record"][:]) == list(range(N_E))
    assert np.array_equal(np.bincount(i, minlength=N_E), spikes["count"][:])
    # monitors run in the measurement subrun only: [0.5 s, 2.5 s)
    assert t.min() >= 0.5 - 1e-12 and t.max() < 2.5 and i.min() >= 0 and i.max() < N_E
    for var in ("V", "I_syn_e", "I_syn_i"):
        trace = run["monitors/" + var]
        assert list(trace["record"][:]) == [0, 1, 100, 101]
        assert trace[var].shape == (4, 20000), trace[var].shape
        ts = trace["t"][:]
        assert len(ts) == 20000 and abs(ts[0] - 0.5) < 1e-9 and abs(ts[-1] - 2.4999) < 1e-9
    assert run["monitors/I_syn_e/I_syn_e"].attrs["unit"] == "Hz"
    v = run["monitors/V/V"][:]
    assert v.max() <= 1.0 + 0.2 and (v == 0).any()  # reset to 0 and held
    return i, t


def check_file(path):
    with h5py.File(path, "r") as f:
        traj = f["Clustered_Network"]
        rees = list(traj["parameters/connections/R_ee/explored_data"][:])
        assert rees == REES, rees
        rates, ffs = column(traj, "statistics.rate_e"), column(traj, "statistics.mean_fano_factor")
        runs = traj["results/runs"]
        for k in range(len(REES)):
            i, t = check_monitors(runs["run_%08d" % k])
            assert abs(fano_factor_numpy(i, t, range(500), 0.1, 0.5, 2.5) - ffs[k]) < 1e-12
            assert abs(np.sum((t >= 0.5) & (t < 2.5)) / (N_E * 2.0) - rates[k]) < 1e-9
        # Cluster probabilities are derived in the clustered run only.
        dpar = traj["derived_parameters/runs"]
        p_out = 0.2 * N_E / (2.4 * 80 + N_E - 80)
        assert abs(dpar["_columns/connections.p_ee_out"][1] - p_out) < 1e-15
        assert abs(dpar["_columns/connections.p_ee_in"][1] - 2.4 * p_out) < 1e-15
        assert list(dpar["_present/connections.p_ee_in"][:]) == [False, True]
        return rates, ffs


def check_plotff(path, rates, ffs, folder):
    out = os.path.join(folder, "plots")
    subprocess.run([PLOTFF, "--file", path, "--out", out], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "fano_factor.tsv")) as f:
        lines = f.read().splitlines()
    assert lines[0] == "R_ee\tmean_fano_factor"
    table = [tuple(map(float, line.split("\t"))) for line in lines[1:]]
    assert table == list(zip(REES, ffs)), table  # %.17g reads back exactly
    assert os.path.getsize(os.path.join(out, "fano_factor.png")) > 1000
    rows = plotff.read_fano(path)[1]
    assert [(r[1], r[2]) for r in rows] == table, rows


def check_plots(folder):
    """--plots: the run's raster and traces as PNGs in plots/<trajectory>/<run>/."""
    subprocess.run([CLUSTERNET, "--seed", "4", "--rees", "1.0", "--measurement", "200",
                    "--plots", "--file", os.path.join(folder, "plots.hdf5")],
                   check=True, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run = os.path.join(folder, "plots", "Clustered_Network", "run_00000000")
    for name in ("spike", "V", "I_syn_e", "I_syn_i"):
        assert os.path.getsize(os.path.join(run, name + ".png")) > 1000, name


def check_bad_options():
    for args, fragment in ((["--scale", "-1"], "bad value"), (["--rees", "1.0,x"], "bad value"),
                           (["stray"], "unexpected argument")):
        p = subprocess.run([CLUSTERNET] + args, capture_output=True, text=True)
        assert p.returncode == 2 and fragment in p.stderr, (args, p.returncode, p.stderr)


def main():
    folder = os.getcwd()
    results = {}
    for seed in (1, 2, 3):
        path = os.path.join(folder, "seed%d.hdf5" % seed)
        run_clusternet(path, seed)
        results[seed] = check_file(path)
        rates, ffs = results[seed]
        print("seed %d: E rate %.2f Hz -> %.2f Hz, mean FF %.3f -> %.3f" %
              (seed, rates[0], rates[1], ffs[0], ffs[1]))
        assert 2.5 < rates[0] < 5.0, rates
        assert 0.6 <= ffs[0] <= 0.75, ffs
        assert rates[1] > rates[0] + 3.0, rates
    # One worker or two: the same runs, bit for bit.
    again = os.path.join(folder, "seed1_one_worker.hdf5")
    run_clusternet(again, 1, workers=1)
    with h5py.File(again, "r") as a, h5py.File(os.path.join(folder, "seed1.hdf5"), "r") as b:
        for k in range(len(REES)):
            name = "Clustered_Network/results/runs/run_%08d/monitors/spikes_e/" % k
            assert np.array_equal(a[name + "i"][:], b[name + "i"][:])
            assert np.array_equal(a[name + "t"][:], b[name + "t"][:])
    check_plotff(os.path.join(folder, "seed1.hdf5"), *results[1], folder)
    check_plots(folder)
    check_bad_options()


if __name__ == "__main__":
    main()
