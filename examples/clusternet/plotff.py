#!/usr/bin/python3
"""plotff.py: the clustered network's mean Fano factor against R_ee, with h5py and
matplotlib only (no snex): the same plot as plotff.c, for Python users.

Reads the file clusternet wrote the way docs/FORMAT.md tells a reader without snex:
R_ee's explored range (parameters/connections/R_ee/explored_data, one value per run)
and the column of every run's statistics.mean_fano_factor
(results/runs/_columns/statistics.mean_fano_factor with its _present mask); a run whose
result did not fit the column is read from its own group
(results/runs/run_XXXXXXXX/statistics/mean_fano_factor/mean_fano_factor).

Prints the table exactly as plotff.c writes fano_factor.tsv ("R_ee<TAB>mean_fano_factor",
one row per run that has the result, numbers as %.17g) on stdout, and writes
fano_factor_py.png into the output folder (default plots/, created). Warnings (a failed
run is left out) and where the plot went go to stderr. Exit code 1, with a message
naming the file and what is missing, when the file, the trajectory, R_ee or every
mean_fano_factor is missing.

    /usr/bin/python3 examples/clusternet/plotff.py [FILE] [--trajectory NAME] [--out DIR]

Importable: main(argv) runs it and returns the exit code; read_fano(path) returns the
data without plotting.
"""
import argparse
import os
import sys

import h5py
import numpy as np

PROG = "plotff.py"
DEFAULT_FILE = os.path.join("hdf5", "Clustered_Network.hdf5")
R_EE = "R_ee"
FANO = "statistics.mean_fano_factor"  # its path below a run group, with dots
PLOT_FILE = "fano_factor_py.png"


class PlotError(Exception):
    """A file that cannot give the plot; the message names the file and what is missing."""


def trajectory_names(f):
    """The snex trajectories in the file (top-level groups with snex_format), oldest
    first: the root tracks creation order (FORMAT.md)."""
    names = []
    try:
        f.id.links.iterate(lambda n: names.append(n.decode()),
                           idx_type=h5py.h5.INDEX_CRT_ORDER)
    except (KeyError, ValueError, RuntimeError):  # creation order not tracked
        names = list(f.keys())
    return [n for n in names
            if isinstance(f.get(n), h5py.Group) and "snex_format" in f[n].attrs]


def find_parameter(traj, name):
    """The leaf group of the parameter called `name` anywhere below parameters/."""
    found = []

    def visit(path, obj):
        if (path.split("/")[-1] == name and isinstance(obj, h5py.Group)
                and obj.attrs.get("leaf") in ("parameter", b"parameter")):
            found.append(obj)

    if "parameters" in traj:
        traj["parameters"].visititems(visit)
    return found[0] if found else None


def run_errors(traj):
    """run index -> why it failed, from overview/runs (empty when absent)."""
    if "overview/runs" not in traj:
        return {}
    runs = traj["overview/runs"][()]
    if "error" not in (runs.dtype.names or ()):
        return {}
    out = {}
    for row in runs:
        err = row["error"]
        err = err.decode() if isinstance(err, bytes) else str(err)
        if err:
            out[int(row["idx"])] = err
    return out


def run_values(traj, n_runs, name):
    """Every run's value of the per-run scalar result `name` (a dotted path below the
    run group): an array of n_runs floats, NaN where a run has none. The column first;
    runs it lacks may hold the result as a real group (a leaf that did not fit the
    column, FORMAT.md "Per-run results: columns")."""
    values = np.full(n_runs, np.nan)
    have = np.zeros(n_runs, dtype=bool)
    runs = traj.get("results/runs")
    if runs is None:
        return values, have
    column = runs.get("_columns/" + name)
    present = runs.get("_present/" + name)
    if column is not None and present is not None:
        rows = min(n_runs, len(column), len(present))
        mask = np.asarray(present[:rows], dtype=bool)
        values[:rows][mask] = column[:rows][mask]
        have[:rows] = mask
    leaf = name.replace(".", "/")
    item = name.split(".")[-1]
    for idx in np.flatnonzero(~have):
        ds = runs.get("run_%08d/%s/%s" % (idx, leaf, item))
        if isinstance(ds, h5py.Dataset):
            values[idx] = float(ds[()])
            have[idx] = True
    return values, have


def read_fano(path, trajectory=None):
    """(trajectory name, rows, missing): rows are (run, R_ee, mean Fano factor) of the
    runs that have the result, in run order; missing are (run, why) of those that do
    not. Raises PlotError."""
    if not os.path.exists(path):
        raise PlotError("%s: no such file (clusternet writes it)" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise PlotError("%s: cannot open: %s" % (path, e)) from e
    with f:
        names = trajectory_names(f)
        if trajectory is None:
            if not names:
                raise PlotError("%s: holds no snex trajectory" % path)
            trajectory = names[-1]
        elif trajectory not in names:
            raise PlotError("%s: holds no trajectory \"%s\" (it holds %s)"
                            % (path, trajectory, ", ".join(names) or "none"))
        traj = f[trajectory]
        par = find_parameter(traj, R_EE)
        if par is None:
            raise PlotError("%s: trajectory \"%s\" has no parameter %s"
                            % (path, trajectory, R_EE))
        r_ee = np.atleast_1d(par["explored_data"][()] if "explored_data" in par
                             else par["data"][()]).astype(float)
        fano, have = run_values(traj, len(r_ee), FANO)
        if not have.any():
            raise PlotError("%s: no run of trajectory \"%s\" has a result %s (%d runs)"
                            % (path, trajectory, FANO.split(".")[-1], len(r_ee)))
        errors = run_errors(traj)
    rows = [(i, r_ee[i], fano[i]) for i in np.flatnonzero(have)]
    missing = [(i, "the run failed: " + errors[i] if i in errors else "it stored none")
               for i in np.flatnonzero(~have)]
    return trajectory, rows, missing


def plot(rows, n_runs, trajectory, out_path):
    """Points joined by a line; a missing run leaves a gap in the line."""
    import matplotlib
    matplotlib.use("Agg")  # files only, no display needed
    import matplotlib.pyplot as plt

    runs = np.array([r[0] for r in rows])
    x = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    fig, ax = plt.subplots(figsize=(9, 6), dpi=100)
    for stretch in np.split(np.arange(len(runs)), np.flatnonzero(np.diff(runs) != 1) + 1):
        ax.plot(x[stretch], y[stretch], "-", color="tab:blue", linewidth=2)
    ax.plot(x, y, "o", color="tab:blue", markersize=7)
    ax.set_xlabel(R_EE, fontsize=14)
    ax.set_ylabel("mean Fano factor", fontsize=14)
    ax.set_title("Mean Fano factor of the E neurons (%s)" % trajectory, fontsize=14)
    ax.tick_params(labelsize=12)
    if len(rows) < n_runs:
        ax.annotate("runs without a result: %d of %d" % (n_runs - len(rows), n_runs),
                    xy=(1, 0), xycoords="axes fraction", xytext=(0, -40),
                    textcoords="offset points", ha="right", fontsize=10)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description="Plots the mean Fano factor of the clustered network "
        "against R_ee (h5py + matplotlib).")
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE,
                        help="HDF5 file clusternet wrote (default %(default)s)")
    parser.add_argument("--trajectory", help="trajectory in the file (default: the last)")
    parser.add_argument("--out", default="plots",
                        help="folder for " + PLOT_FILE + " (default %(default)s; created)")
    args = parser.parse_args(argv)
    try:
        trajectory, rows, missing = read_fano(args.file, args.trajectory)
    except PlotError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 1
    for idx, why in missing:
        print("%s: warning: run_%08d has no mean_fano_factor (%s); left out"
              % (PROG, idx, why), file=sys.stderr)
    print("%s\tmean_fano_factor" % R_EE)
    for _, r_ee, ff in rows:
        print("%.17g\t%.17g" % (r_ee, ff))
    os.makedirs(args.out, exist_ok=True)
    out_path = os.path.join(args.out, PLOT_FILE)
    plot(rows, len(rows) + len(missing), trajectory, out_path)
    print("%s: plot written to %s" % (PROG, out_path), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
