"""storage/: a file written by snex, read without snex (Debian's h5py).

Runs the basics examples 01, 02 and 09 from $SNX_BUILD in a scratch folder and reads
what they stored with h5py only, the way docs/FORMAT.md tells a Python user to:
parameter values, an explored range, a per-run result, the runs and explorations
tables, strings, units, comments and an n-d array.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def run_example(name, folder):
    exe = os.path.join(os.environ["SNX_BUILD"], "examples", "basics", name)
    subprocess.run([exe], cwd=folder, check=True, stdout=subprocess.DEVNULL)


def check_example_01(folder):
    with h5py.File(os.path.join(folder, "hdf5", "example_01.hdf5"), "r") as f:
        traj = f["Multiplication"]
        assert traj.attrs["snex_format"] == 1
        assert traj.attrs["comment"] == "I am the first example!"

        # A parameter: its default value, comment and type.
        x = traj["parameters/x"]
        assert x.attrs["leaf"] == "parameter"
        assert x.attrs["comment"] == "I am the first dimension!"
        assert x["data"][()] == 1.0 and x["data"].attrs["type"] == "double"

        # Its explored range: one value per run (y changes fastest).
        assert list(x["explored_data"][:]) == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
        y = traj["parameters/y/explored_data"][:]
        assert list(y) == [6, 7, 8] * 4

        # A per-run result: results.runs.run_00000003.z is row 3 of its column.
        z = traj["results/runs/_columns/z"]
        present = traj["results/runs/_present/z"][:]
        assert present.dtype == np.bool_ and present.all() and len(present) == 12
        assert z[3] == 2 * 6
        assert np.array_equal(z[:], x["explored_data"][:] * y)
        assert z.attrs["comment"] == "Result of our simulation!"

        # The runs table: one compact row per run.
        runs = traj["overview/runs"][:]
        assert len(runs) == 12
        assert runs["completed"].all()
        assert list(runs["idx"]) == list(range(12))
        assert runs["name"][3] == b"run_00000003"
        assert runs["parameter_summary"][3].decode() == "x=2, y=6"

        # The explorations table: a column per explored parameter.
        ex = traj["overview/explorations"][:]
        assert ex.dtype.names == ("parameters.x", "parameters.y")
        assert np.array_equal(ex["parameters.x"], x["explored_data"][:])

        # The compression settings are recorded.
        assert traj.attrs["hdf5_complevel"] == 4


def check_example_02(folder):
    with h5py.File(os.path.join(folder, "hdf5", "example_02.hdf5"), "r") as f:
        chars = f["example_02/parameters/starwars/characters"]
        assert chars["han_solo/data"].asstr()[()] == "Harrison Ford"
        income = f["example_02/results/starwars/gross_income_of_film"]
        assert income.attrs["leaf"] == "result"
        assert income["amount"][()] == 10.1
        assert income["currency"].asstr()[()] == "$$$"


def check_example_09(folder):
    with h5py.File(os.path.join(folder, "hdf5", "example_09.hdf5"), "r") as f:
        (name,) = list(f.keys())
        huge = f[name]["results/huge_matrices"]
        assert huge["mat1"].shape == (100, 100, 100)
        assert huge["mat2"].shape == (1000, 1000)
        assert huge["mat1"].dtype == np.float64
        assert 0 <= huge["mat2"][999, 999] < 1
        assert huge["monty"].asstr()[()].startswith("Always look")
        assert huge["mat2"].compression == "gzip"


def main():
    with tempfile.TemporaryDirectory() as folder:
        for example, check in [
            ("ex01_first_steps", check_example_01),
            ("ex02_natural_naming", check_example_02),
            ("ex09_large_results", check_example_09),
        ]:
            run_example(example, folder)
            check(folder)
    print("h5py reads snex files: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
