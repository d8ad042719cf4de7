"""tools/snex: the snex command, run on files the examples write, checked against h5py.

Makes its files in a scratch folder: the clustered network (scale 0.1, R_ee 1.0 and
2.0, a 300 ms measurement), pypet's basic examples 01, 02, 09 and 10 (scalars,
strings, large arrays, 144 runs of a cartesian product), and from those, with h5py:
a copy with a failed run, a copy with a table result, an HDF5 file snex did not
write, a truncated file, a text file, an empty file. Then every subcommand's output
is compared with what h5py reads: trajectories and run counts, the tree with types,
shapes and units, values in their display unit, the runs table and its filters,
exported columns (exact numbers), and PNGs. Errors: exit codes (1 for the file, 2
for the command line), messages naming the file on stderr, no HDF5 diagnostics,
colour only on a terminal and never with NO_COLOR.
"""
import csv
import io
import os
import pty
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

BUILD = os.environ["SNX_BUILD"]
SNEX = os.path.join(BUILD, "tools", "snex")
CLUSTERNET = os.path.join(BUILD, "examples", "clusternet", "clusternet")
BASICS = os.path.join(BUILD, "examples", "basics")
TRAJ = "Clustered_Network"


def snex(*args, code=0, env=None):
    """Runs snex; checks the exit code; returns (stdout, stderr)."""
    p = subprocess.run([SNEX, *args], capture_output=True, text=True, env=env)
    assert p.returncode == code, (args, p.returncode, p.stdout, p.stderr)
    assert "HDF5-DIAG" not in p.stderr and "Traceback" not in p.stderr, p.stderr
    return p.stdout, p.stderr


def fails(*args, code=1, says=()):
    """A failing call: the exit code, a message on stderr saying `says`, nothing on
    stdout."""
    out, err = snex(*args, code=code)
    assert err.startswith("snex"), err
    for s in says:
        assert s in err, (s, err)
    return err


def rows(text, sep):
    return list(csv.reader(io.StringIO(text), delimiter=sep))


def make_files(work):
    subprocess.run([CLUSTERNET, "--scale", "0.1", "--rees", "1.0,2.0", "--measurement",
                    "300", "--file", "cn.hdf5"], check=True, cwd=work,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for ex in ("ex01_first_steps", "ex02_natural_naming", "ex09_large_results",
               "ex10_get_from_runs"):
        subprocess.run([os.path.join(BASICS, ex)], check=True, cwd=work,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.copy(os.path.join(work, "cn.hdf5"), os.path.join(work, "failed.hdf5"))
    with h5py.File(os.path.join(work, "failed.hdf5"), "r+") as f:
        ds = f[TRAJ + "/overview/runs"]
        row = ds[1]
        row["completed"] = False
        row["error"] = b"ZeroDivisionError in the network"
        ds[1] = row
    shutil.copy(os.path.join(work, "hdf5", "example_02.hdf5"), os.path.join(work, "table.hdf5"))
    with h5py.File(os.path.join(work, "table.hdf5"), "r+") as f:
        g = f["example_02/results"].create_group("rates")
        g.attrs["leaf"] = "result"
        g.attrs["comment"] = "a table"
        dt = np.dtype([("I", "<f8"), ("n", "<i8"), ("who", h5py.string_dtype())])
        d = g.create_dataset("rates", data=np.array(
            [(0.5, 1, "a"), (1.0, 2, 'b, "c"'), (1.5, 3, "d")], dtype=dt))
        d.attrs["type"] = "table"
    with h5py.File(os.path.join(work, "plain.h5"), "w") as f:
        f["x"] = np.arange(3)
        f.create_group("group")
    data = open(os.path.join(work, "cn.hdf5"), "rb").read()
    open(os.path.join(work, "truncated.hdf5"), "wb").write(data[:len(data) // 3])
    open(os.path.join(work, "text.hdf5"), "w").write("not hdf5\n")
    open(os.path.join(work, "empty.hdf5"), "w").close()


def check_help():
    out, _ = snex("--help")
    for cmd in ("ls", "show", "runs", "export", "plot"):
        assert "snex " + cmd in out, out
        sub, _ = snex(cmd, "--help")
        assert sub.startswith("usage: snex " + cmd), sub
        assert snex("help", cmd)[0] == sub
    assert snex("--version")[0].startswith("snex ")
    _, err = snex(code=2)
    assert err.startswith("usage: snex")
    fails("frobnicate", code=2, says=["unknown command \"frobnicate\""])
    fails("ls", "--bogus", "x.hdf5", code=2, says=["snex ls: unrecognized option"])
    fails("ls", code=2, says=["missing FILE"])
    fails("show", "cn.hdf5", code=2, says=["missing PATH"])
    fails("ls", "a", "b", "c", code=2, says=["unexpected argument \"c\""])
    fails("export", "cn.hdf5", "R_ee", code=2, says=["--csv or --tsv"])
    fails("ls", "-d", "zero", "cn.hdf5", "x", code=2, says=["--depth"])
    fails("show", "--run", "x", "cn.hdf5", "R_ee", code=2, says=["--run"])


def check_bad_files(work):
    for name, says in (("missing.hdf5", "No such file"), (".", "is a directory"),
                       ("plain.h5", "holds no snex trajectory"),
                       ("truncated.hdf5", "truncated"), ("text.hdf5", "not an HDF5 file"),
                       ("empty.hdf5", "not an HDF5 file")):
        path = os.path.join(work, name)
        for args in (("ls", path), ("ls", path, "R_ee"), ("show", path, "R_ee"),
                     ("runs", path), ("export", "--csv", path, "R_ee"),
                     ("plot", path, "R_ee", "-o", os.path.join(work, "no.png"))):
            err = fails(*args, says=[says])
            assert path in err, err
    assert not os.path.exists(os.path.join(work, "no.png"))
    cn = os.path.join(work, "cn.hdf5")
    fails("ls", cn, "NoSuchTrajectory/x", says=["no trajectory \"NoSuchTrajectory\"", TRAJ])
    fails("ls", cn, "no_such_node", says=[cn, "no_such_node"])
    fails("show", cn, "parameters", says=["is a group"])
    fails("show", cn, "spikes_e", says=["not unique", "--run"])
    fails("show", "--run", "7", cn, "R_ee", says=["no run 7"])
    fails("export", "--csv", cn, "spikes_e", says=["not a single value", "--run 0"])
    fails("plot", cn, "R_ee", says=["nothing to plot"])


def check_ls(work, f):
    cn = os.path.join(work, "cn.hdf5")
    out, _ = snex("ls", cn)
    head, line = out.splitlines()[:2]
    assert head.split()[:3] == ["TRAJECTORY", "RUNS", "COMPLETED"]
    completed = int(f[TRAJ + "/overview/runs"]["completed"].sum())
    assert line.split()[:3] == [TRAJ, "2", str(completed)], line
    out, _ = snex("ls", os.path.join(work, "hdf5", "example_10.hdf5"))
    assert out.splitlines()[1].split()[1:3] == ["144", "144"], out

    out, _ = snex("ls", "-d", "1", cn, TRAJ)
    names = [ln.split()[0] for ln in out.splitlines()]
    assert names == [TRAJ + "/", "config/", "parameters/", "derived_parameters/", "results/"], names

    out, _ = snex("ls", cn, "parameters.connections")
    listed = {ln.split()[0]: ln for ln in out.splitlines()[1:]}
    assert set(listed) == set(f[TRAJ + "/parameters/connections"].keys()), listed
    assert "double = 1" in listed["R_ee"] and "explored: 2 values" in listed["R_ee"]
    assert "# Scaling factor for clustering" in listed["R_ee"]
    assert "int = 80" in listed["clustersize_e"]
    out, _ = snex("ls", cn, TRAJ + "/parameters.model")       # TRAJ/path
    assert "quantity ms = 15 ms" in out and "tau_e" in out, out
    assert snex("ls", cn, TRAJ + ".parameters.model")[0] == out  # TRAJ.path

    # the skeleton: results show their kind; -l reads their items
    run0 = TRAJ + "/results/runs/run_00000000/monitors"
    out, _ = snex("ls", cn, "results.runs.run_00000000.monitors")
    assert "spikes_e" in out and "result" in out and ".t " not in out, out
    out, _ = snex("ls", "-l", cn, "results.runs.run_00000000.monitors")
    items = {ln.split()[0]: ln for ln in out.splitlines() if ln.strip().startswith(".")}
    for mon in ("spikes_e", "V"):
        for item, ds in f[run0 + "/" + mon].items():
            line = [ln for ln in out.splitlines() if ln.strip().startswith("." + item + " ")]
            assert line, (mon, item, out)
            if ds.ndim:
                shape = "[" + ", ".join(map(str, ds.shape)) + "]"
                assert any(shape in ln for ln in line), (item, shape, line)
    assert "double_array [4, 3000] 1" in items[".V"]
    assert "double_array [" in items[".t"] and items[".t"].rstrip().endswith(" s")
    assert "int = %d" % f[run0 + "/spikes_e/nspikes"][()] in items[".nspikes"]

    # depth limit below a path
    out, _ = snex("ls", "-d", "2", cn, "results")
    depths = {(len(ln) - len(ln.lstrip())) // 2 for ln in out.splitlines()}
    assert depths == {0, 1, 2}, out


def check_show(work, f):
    cn = os.path.join(work, "cn.hdf5")
    out, _ = snex("show", cn, "R_ee")
    assert out.startswith("parameters.connections.R_ee  (parameter, double)"), out
    explored = f[TRAJ + "/parameters/connections/R_ee/explored_data"][:]
    assert "explored over %d runs" % len(explored) in out
    for k, v in enumerate(explored):
        assert "run_%08d  %g" % (k, v) in out, out
    assert "value in run 1: 2" in snex("show", "--run", "1", cn, "R_ee")[0]

    tau = f[TRAJ + "/parameters/model/tau_e/data"]
    assert tau.attrs["display_unit"] == "ms"
    out, _ = snex("show", cn, "tau_e")
    assert "value: %g ms" % (tau[()] * 1000) in out, out

    out, _ = snex("show", cn, "parameters.model.eqs")     # a string, as it is
    assert f[TRAJ + "/parameters/model/eqs/data"].asstr()[()] in out

    spikes = f[TRAJ + "/results/runs/run_00000001/monitors/spikes_e"]
    for args in (("--run", "1", cn, "spikes_e"), (cn, "results.runs.run_00000001.monitors.spikes_e"),
                 ("-r", "r_1", cn, "spikes_e")):
        out, _ = snex("show", *args)
        assert "(result, 7 items)" in out
        assert "nspikes: %d" % spikes["nspikes"][()] in out
        assert "i: int_array [%d]" % len(spikes["i"]) in out
        i = spikes["i"][:]
        assert "first " + ", ".join(map(str, i[:5])) in out, out
        assert "last  " + ", ".join(map(str, i[-5:])) in out, out
        assert "min %d" % i.min() in out and "max %d" % i.max() in out
    rate = f[TRAJ + "/results/runs/_columns/statistics.rate_e"][0]
    out, _ = snex("show", "--run", "0", cn, "rate_e")
    assert "rate_e: %.15g Hz" % rate in out, out
    out, _ = snex("show", "--all", "--run", "0", cn, "spikes_e")
    assert ", ".join(map(str, spikes["record"][:])) not in out  # run 0, not 1
    record0 = f[TRAJ + "/results/runs/run_00000000/monitors/spikes_e/record"][:]
    assert ", ".join(map(str, record0[:8])) in out

    out, _ = snex("show", os.path.join(work, "table.hdf5"), "rates")
    lines = out.splitlines()
    assert "rates: table [3 rows x 3 columns]" in out
    assert lines[3].split() == ["row", "I", "n", "who"], lines
    assert lines[5].split()[:3] == ["1", "1", "2"], lines

    out, _ = snex("show", os.path.join(work, "hdf5", "example_09.hdf5"), "huge_matrices")
    assert "mat1: double_array [100, 100, 100]" in out and "mat2: double_array [1000, 1000]" in out


def check_runs(work, f):
    cn = os.path.join(work, "cn.hdf5")
    out, _ = snex("runs", cn)
    lines = out.splitlines()
    assert lines[0].split() == ["run", "status", "runtime", "R_ee"], lines
    runtimes = f[TRAJ + "/overview/runs"]["runtime"]
    for k in range(2):
        cols = lines[1 + k].split()
        assert cols[0] == str(k) and cols[1] == "completed", cols
        assert abs(float(cols[2].rstrip("s")) - runtimes[k]) < 1e-3
        assert float(cols[3]) == [1.0, 2.0][k]
    assert lines[-1].startswith("2 of 2 runs shown; 2 completed, 0 failed")
    out, _ = snex("runs", cn, "--where", "R_ee>1.5")
    assert [ln.split()[0] for ln in out.splitlines()[1:-1]] == ["1"], out
    out, _ = snex("runs", cn, "--where", "R_ee >= 1 and run != 1")
    assert [ln.split()[0] for ln in out.splitlines()[1:-1]] == ["0"], out
    out, _ = snex("runs", cn, TRAJ, "--where", "parameters.connections.R_ee == 3")
    assert len(out.splitlines()) == 2, out
    assert len(snex("runs", "--failed", cn)[0].splitlines()) == 2

    out, _ = snex("runs", os.path.join(work, "failed.hdf5"))
    assert "failed" in out.splitlines()[2] and "ZeroDivisionError in the network" in out
    assert "1 completed, 1 failed" in out
    out, _ = snex("runs", "--failed", os.path.join(work, "failed.hdf5"))
    assert [ln.split()[0] for ln in out.splitlines()[1:-1]] == ["1"], out

    ex10 = os.path.join(work, "hdf5", "example_10.hdf5")
    out, _ = snex("runs", ex10, "--where", "x > 10 and y <= 2")
    g = f10 = h5py.File(ex10, "r")
    traj = g[list(g.keys())[-1]]
    x, y = traj["parameters/x/explored_data"][:], traj["parameters/y/explored_data"][:]
    want = [str(k) for k in range(len(x)) if x[k] > 10 and y[k] <= 2]
    assert [ln.split()[0] for ln in out.splitlines()[1:-1]] == want, out
    f10.close()

    for bad in ("R_ee", "R_ee >> 1", "R_ee > x", "R_ee > 1 or run < 2", "> 1"):
        fails("runs", cn, "--where", bad, code=2, says=["--where"])
    fails("runs", cn, "--where", "nothing > 1", says=["no parameter \"nothing\""])
    fails("runs", cn, "parameters", code=2, says=["trajectory's name"])


def check_export(work, f):
    cn = os.path.join(work, "cn.hdf5")
    out, _ = snex("export", cn, "mean_fano_factor", "--tsv")
    table = rows(out, "\t")
    assert table[0] == ["run", "R_ee", "mean_fano_factor"], table
    ff = f[TRAJ + "/results/runs/_columns/statistics.mean_fano_factor"][:]
    rees = f[TRAJ + "/parameters/connections/R_ee/explored_data"][:]
    assert [int(r[0]) for r in table[1:]] == [0, 1]
    assert [float(r[1]) for r in table[1:]] == list(rees)
    assert [float(r[2]) for r in table[1:]] == list(ff)      # exactly
    out, _ = snex("export", "--csv", cn, "statistics.rate_e")  # a quantity: SI
    rate = f[TRAJ + "/results/runs/_columns/statistics.rate_e"][:]
    assert [float(r[2]) for r in rows(out, ",")[1:]] == list(rate)

    spikes = f[TRAJ + "/results/runs/run_00000001/monitors/spikes_e"]
    out, _ = snex("export", "--csv", "--run", "1", cn, "spikes_e")
    table = rows(out, ",")
    assert table[0] == ["i", "t"], table[0]
    assert np.array_equal([int(r[0]) for r in table[1:]], spikes["i"][:])
    assert np.array_equal([float(r[1]) for r in table[1:]], spikes["t"][:])

    trace = f[TRAJ + "/results/runs/run_00000000/monitors/V"]
    dest = os.path.join(work, "v.tsv")
    out, _ = snex("export", "--tsv", "-o", dest, cn, "results.runs.run_00000000.monitors.V")
    assert out == ""
    table = rows(open(dest).read(), "\t")
    assert table[0] == ["t"] + ["V[%d]" % n for n in trace["record"][:]], table[0]
    values = np.array([[float(c) for c in r] for r in table[1:]])
    assert np.array_equal(values[:, 0], trace["t"][:])
    assert np.array_equal(values[:, 1:].T, trace["V"][:])

    out, _ = snex("export", "--csv", cn, "R_ee")
    assert rows(out, ",") == [["run", "R_ee"], ["0", "1"], ["1", "2"]]
    out, _ = snex("export", "--csv", cn, "tau_e")
    assert float(rows(out, ",")[1][0]) == f[TRAJ + "/parameters/model/tau_e/data"][()]

    ex10 = os.path.join(work, "hdf5", "example_10.hdf5")
    out, _ = snex("export", "--csv", ex10, "z")
    table = rows(out, ",")
    assert table[0] == ["run", "x", "y", "z"] and len(table) == 145
    with h5py.File(ex10, "r") as g:
        traj = g[list(g.keys())[-1]]
        z = traj["results/runs/_columns/z"][:]
        x = traj["parameters/x/explored_data"][:]
    assert [float(r[3]) for r in table[1:]] == list(z)
    assert [float(r[1]) for r in table[1:]] == list(x)

    out, _ = snex("export", "--csv", os.path.join(work, "table.hdf5"), "rates")
    assert rows(out, ",") == [["I", "n", "who"], ["0.5", "1", "a"], ["1", "2", 'b, "c"'],
                             ["1.5", "3", "d"]], out
    out, _ = snex("export", "--tsv", os.path.join(work, "hdf5", "example_02.hdf5"),
                  "gross_income_of_film")
    assert rows(out, "\t")[0] == ["amount", "currency"]

    # a failing export leaves no half-written file behind
    dest = os.path.join(work, "never.csv")
    fails("export", "--csv", "-o", dest, cn, "spikes_e")
    assert not os.path.exists(dest)
    fails("export", "--csv", "-o", os.path.join(work, "no", "such", "dir.csv"), cn, "R_ee",
          says=["cannot write"])


def png_size(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_plot(work):
    cn = os.path.join(work, "cn.hdf5")
    for name, args in (("ff.png", (cn, "mean_fano_factor")),
                       ("raster.png", ("--run", "1", cn, "spikes_e")),
                       ("trace.png", ("-r", "0", "--var", "V", cn, "V")),
                       ("z.png", ("-x", "y", os.path.join(work, "hdf5", "example_10.hdf5"), "z"))):
        dest = os.path.join(work, name)
        out, _ = snex("plot", "-o", dest, *args)
        assert out.strip() == "snex: wrote " + dest
        assert png_size(dest) == (900, 600)
    snex("plot", "--run", "0", cn, "I_syn_e")                 # default name, in cwd
    assert png_size("I_syn_e.png") == (900, 600)
    fails("plot", "--run", "0", "--var", "nothing", cn, "V", says=["no trace nothing"])
    fails("plot", "-x", "nothing", cn, "mean_fano_factor", says=["-x nothing"])
    fails("plot", cn, "spikes_e", says=["--run 0"])
    fails("plot", "--run", "0", cn, "mean_fano_factor", says=["nothing to plot"])


def check_colour(work):
    cn = os.path.join(work, "cn.hdf5")
    out, _ = snex("runs", cn)
    assert "\033[" not in out                                  # a pipe: no colour

    def on_terminal(env):
        leader, follower = pty.openpty()
        p = subprocess.run([SNEX, "runs", cn], stdout=follower, stderr=subprocess.PIPE,
                           env=env)
        os.close(follower)
        data = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        os.close(leader)
        assert p.returncode == 0
        return data.decode()

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\033[32mcompleted" in on_terminal(env)
    assert "\033[" not in on_terminal({**env, "NO_COLOR": "1"})


def main():
    work = tempfile.mkdtemp(prefix="snex_tool_")
    try:
        os.chdir(work)
        make_files(work)
        check_help()
        check_bad_files(work)
        with h5py.File(os.path.join(work, "cn.hdf5"), "r") as f:
            check_ls(work, f)
            check_show(work, f)
            check_runs(work, f)
            check_export(work, f)
        check_plot(work)
        check_colour(work)
    finally:
        os.chdir("/")
        shutil.rmtree(work)
    print("test_tools_snex: ok")


if __name__ == "__main__":
    sys.exit(main())
