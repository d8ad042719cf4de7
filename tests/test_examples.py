"""The example programs: the tutorial (examples/lif) end to end, and --help everywhere.

lif runs pypet's tutorial (303 runs of a neuron run by the engine) and checks what it
stored itself; here the file is read again with h5py alone:
  - the rate frame results.summary.firing_rates.rates_frame is 101 x 3 (I x tau_ref)
    with its labels; rates rise with I, fall with tau_ref, are zero at and below the
    rheobase (I tau_V <= 1) and positive above it, and lie within a few Hz of the
    analytic LIF rate;
  - every run has its V trace (1 x 10000) and spike count under results.neuron,
    and run 13's count gives the frame's rate;
  - plot_analysis (the tutorial's analysis) writes a PNG; without the file it fails
    with a message;
  - lif --pipeline stores trajectory FiringRatePipeline with the same frame.
basics/ex07_brian_network (pypet's example 07, AdEx neurons) stores 4 runs, N x tauw
explored; here its file is read with h5py: N and tauw per run as explored, each run's
spike monitor (all N neurons, every one firing, times within the 500 ms recorded and
in order) and vm trace (neurons 1-3, 50000 samples, in volts) with units; the trace
shows vm = Vr of its neuron exactly in the samples of that neuron's spikes (the reset)
and nowhere else, never above the threshold Vcut; the faster adaptation
(tauw = 30 ms) fires faster for both N.
noise (white noise xi) prints the stationary mean and variance of its population of
Ornstein-Uhlenbeck processes: here they are parsed and checked against mu and
Euler-Maruyama's discrete variance within 4 standard errors, for two seeds; the method
is euler (chosen for noise), and the same seed prints the same numbers again.
Every example program answers --help (exit 0, usage on stdout) and refuses an
unknown option (exit 2).
"""
import glob
import math
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

BUILD = os.environ["SNX_BUILD"]
LIF = os.path.join(BUILD, "examples", "lif", "lif")
PLOT = os.path.join(BUILD, "examples", "lif", "plot_analysis")
NOISE = os.path.join(BUILD, "examples", "noise", "noise")
TAU_V = 0.010  # s
DURATION = 1.0  # s


def run(cmd, cwd, expect=0):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert p.returncode == expect, "%s: exit %d\n%s\n%s" % (cmd, p.returncode, p.stdout,
                                                           p.stderr)
    return p


def analytic(I, tau_ref):
    drive = I * TAU_V / 1e-3  # I is per millisecond
    if drive <= 1:
        return 0.0
    return 1.0 / (tau_ref + TAU_V * math.log(drive / (drive - 1)))


def check_frame(traj):
    s = traj["results/summary/firing_rates"]
    frame, I, refs = s["rates_frame"][:], s["I"][:], s["tau_ref"][:]
    assert frame.shape == (101, 3), frame.shape
    assert s["rates_frame"].attrs["unit"] == "Hz"
    assert np.allclose(I, np.arange(101) * 0.01, atol=1e-12), I
    assert np.allclose(refs, [0.005, 0.0075, 0.010], rtol=0, atol=1e-15), refs
    assert (np.diff(frame, axis=0) >= 0).all(), "rates do not rise with I"
    assert (np.diff(frame, axis=1) <= 0).all(), "rates do not fall with tau_ref"
    below = I * TAU_V / 1e-3 <= 1
    assert below.sum() == 11  # I = 0 .. 0.10
    assert (frame[below] == 0).all(), frame[below]
    assert (frame[~below] > 0).all()
    # strictly lower for a longer refractory period where the rates are high
    assert (frame[50:, 0] > frame[50:, 1]).all() and (frame[50:, 1] > frame[50:, 2]).all()
    worst = max(abs(frame[r, c] - analytic(I[r], refs[c])) for r in range(101)
                for c in range(3))
    assert worst < 4.0, worst
    return frame


def check_runs(traj, frame):
    runs = traj["results/neuron"]
    assert len(runs) == 303, len(runs)
    r13 = runs["run_00000013"]
    assert r13["V"].shape == (1, 10000) and r13["t"].shape == (10000,)
    assert r13["nspikes"][()] / DURATION == frame[13, 0]  # I = 0.13, tau_ref = 5 ms
    V = r13["V"][0]
    assert V.max() < 1 and V.min() >= 0  # reset in the step that crosses
    # run 100 is I = 1.00 at tau_ref = 5 ms; run 101 starts tau_ref = 7.5 ms at I = 0
    assert runs["run_00000100"]["nspikes"][()] / DURATION == frame[100, 0]
    assert runs["run_00000101"]["nspikes"][()] == 0


def check_plot(work):
    out = run([PLOT], work).stdout
    assert "rate frame 101 x 3" in out and "run 13" in out, out
    png = os.path.join(work, "plots", "FiringRate.png")
    with open(png, "rb") as f:
        head = f.read(8)
    assert head == b"\x89PNG\r\n\x1a\n" and os.path.getsize(png) > 10000
    err = run([PLOT, "--file", "missing.hdf5"], work, expect=1).stderr
    assert "missing.hdf5" in err, err


def check_pipeline(work, frame):
    run([LIF, "--pipeline"], work)
    with h5py.File(os.path.join(work, "hdf5", "FiringRate.hdf5"), "r") as f:
        assert "FiringRatePipeline" in f
        again = f["FiringRatePipeline/results/summary/firing_rates/rates_frame"][:]
    assert np.array_equal(again, frame)
    png = os.path.join(work, "pipeline.png")
    run([PLOT, "-t", "FiringRatePipeline", "-o", png], work)
    assert os.path.getsize(png) > 10000


def check_ex07(work):
    exe = os.path.join(BUILD, "examples", "basics", "ex07_brian_network")
    run([exe], work)
    with h5py.File(os.path.join(work, "hdf5", "example_07.hdf5"), "r") as f:
        traj = f["Example_07_BRIAN"]
        par = traj["parameters"]
        Ns = par["Net/N/explored_data"][:]
        tauws = par["Net/tauw/explored_data"][:]
        assert list(Ns) == [50, 50, 60, 60], Ns
        assert np.allclose(tauws, [0.030, 0.040, 0.030, 0.040], rtol=0, atol=1e-15), tauws
        assert par["Net/tauw/explored_data"].attrs["unit"] == "s"
        assert par["Net/C/data"].attrs["display_unit"] == "pF"
        assert abs(par["Net/C/data"][()] - 281e-12) < 1e-24
        vcut = par["Net/Vcut/data"][()]
        assert abs(vcut - -0.0404) < 1e-12, vcut
        assert par["reset/data"].asstr()[()] == "vm=Vr;w+=b"
        runs = traj["overview/runs"][:]
        assert len(runs) == 4 and runs["completed"].all()
        rates = []
        for k, (N, tauw) in enumerate(zip(Ns, tauws)):
            r = traj["results/runs/run_%08d" % k]
            sp, st = r["SpikeMonitor"], r["StateMonitorV"]
            assert sp["monitor_type"].asstr()[()] == "spikes"
            i, t = sp["i"][:], sp["t"][:]
            assert sp["t"].attrs["unit"] == "s" and len(i) == len(t) == sp["nspikes"][()]
            assert list(sp["record"][:]) == list(range(N)) and sp["count"].shape == (N,)
            assert np.array_equal(np.bincount(i, minlength=N), sp["count"][:])
            assert (sp["count"][:] > 0).all(), "run %d: a neuron never fired" % k
            assert t.min() >= 0.1 and t.max() < 0.6 and (np.diff(t) >= 0).all()
            assert list(st["record"][:]) == [1, 2, 3]
            assert st["vm"].shape == (3, 50000) and st["t"].shape == (50000,), st["vm"].shape
            assert st["vm"].attrs["unit"] == "V" and st["t"].attrs["unit"] == "s"
            vm, ts = st["vm"][:], st["t"][:]
            assert vm.max() <= vcut, vm.max()
            for row, n in enumerate([1, 2, 3]):
                Vr = -48.3e-3 + n * 0.6e-3 / (N - 1)     # linspace(-48.3 mV, -47.7 mV, N)
                at_Vr = np.flatnonzero(np.abs(vm[row] - Vr) < 1e-12)
                steps = np.round((t[i == n] - ts[0]) / 1e-5).astype(int)
                assert np.array_equal(at_Vr, steps), "run %d, neuron %d" % (k, n)
            rates.append(len(i) / (N * 0.5))
        assert rates[0] > rates[1] and rates[2] > rates[3], rates
    return rates
def check_noise(work):
    outs = []
    for seed in ("1", "2", "1"):
        out = run([NOISE, "--neurons", "4000", "--seed", seed], work).stdout
        assert "method euler" in out and "variance matches" in out, out
        mean, mu, se_mean = map(float, re.search(
            r"mean +(\S+) +theory (\S+) +\(standard error (\S+)\)", out).groups())
        var, sigma2, discrete, se = map(float, re.search(
            r"variance (\S+) +theory sigma\^2 (\S+), Euler-Maruyama (\S+) +"
            r"\(standard error (\S+)\)", out).groups())
        assert abs(mean - mu) < 4 * se_mean, out
        assert abs(var - discrete) < 4 * se and abs(var - sigma2) < 0.03 * sigma2, out
        assert sigma2 == 0.01 and abs(discrete - 0.01 / (1 - 1e-4 / 2e-2)) < 1e-6, out
        outs.append(out)
    assert outs[0] == outs[2] and outs[0] != outs[1]
    run([NOISE, "--neurons", "0"], work, expect=2)


def programs():
    found = sorted(p for p in glob.glob(os.path.join(BUILD, "examples", "*", "*"))
                   if os.access(p, os.X_OK) and not p.endswith(".d") and os.path.isfile(p))
    names = [os.path.basename(p) for p in found]
    for needed in ("lif", "plot_analysis", "ex05_custom_parameter", "ex06_presetting",
                   "ex07_brian_network", "ex14_links", "clusternet", "plotff", "noise",
                   "stdp", "plot_weights", "coba", "cuba"):
        assert needed in names, needed
    return found


def check_help(work):
    for prog in programs():
        out = run([prog, "--help"], work).stdout
        assert "usage" in out.lower(), "%s --help:\n%s" % (prog, out)
        run([prog, "--no-such-option"], work, expect=2)
    assert not os.listdir(work), "--help wrote files: %s" % os.listdir(work)


def main():
    with tempfile.TemporaryDirectory() as work:
        check_help(work)
    with tempfile.TemporaryDirectory() as work:
        rates = check_ex07(work)
    with tempfile.TemporaryDirectory() as work:
        out = run([LIF], work).stdout
        assert "every spike count is the engine's rule's" in out, out
        with h5py.File(os.path.join(work, "hdf5", "FiringRate.hdf5"), "r") as f:
            frame = check_frame(f["FiringRate"])
            check_runs(f["FiringRate"], frame)
        check_plot(work)
        check_pipeline(work, frame)
        check_noise(work)
    print("lif, plot_analysis, lif --pipeline and noise checked; ex07's 4 runs (%s Hz); "
          "--help of %d programs" % (", ".join("%.1f" % r for r in rates), len(programs())))


if __name__ == "__main__":
    sys.exit(main())
