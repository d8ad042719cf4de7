"""examples/stdp end to end: additive STDP makes the weights bimodal.

stdp runs Brian2's STDP example (Song, Miller & Abbott 2000) for 100 s at input rates
15, 20 and 25 Hz through the Environment; here its file is read with h5py alone:
  - three completed runs, F explored as 15, 20, 25 Hz (a quantity in Hz);
  - every run's final weights: 1000 values in [0, 1] (w / gmax, clipped by on_pre and
    on_post), bimodal: in a 10-bin histogram the first bin is the largest, the last
    is larger than its neighbour (a second mode at gmax), both hold more than twice
    the mean of the four central bins (the weights started uniform: 100 per bin), and
    more than a third of all weights lie below 0.1 or above 0.9 (Brian2 itself, 100 s
    at 15 Hz, seed 1: 0.251 and 0.186; the upper mode shrinks as F grows);
  - the weight traces (2 x 101, w / gmax, sampled every second) start from values
    inside [0, 1] and end at the final weights of synapses 0 and 1;
  - the output neuron fired and its spike monitor is stored;
  - plot_weights prints the same fractions and writes its PNG; without the file it
    fails with a message naming it.
"""
import os
import subprocess
import tempfile

import h5py
import numpy as np

BUILD = os.environ["SNX_BUILD"]
STDP = os.path.join(BUILD, "examples", "stdp", "stdp")
PLOT = os.path.join(BUILD, "examples", "stdp", "plot_weights")


def run(cmd, cwd, expect=0):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    assert p.returncode == expect, "%s: exit %d\n%s\n%s" % (cmd, p.returncode, p.stdout,
                                                           p.stderr)
    return p


def check_bimodal(w, name):
    assert w.shape == (1000,), (name, w.shape)
    assert (w >= 0).all() and (w <= 1).all(), name
    hist = np.histogram(w, bins=10, range=(0, 1))[0]
    centre = hist[3:7].mean()
    assert hist[0] == hist.max() and hist[0] > 2 * centre, (name, hist)
    assert hist[-1] > hist[-2] and hist[-1] > 2 * centre, (name, hist)
    assert np.mean((w < 0.1) | (w > 0.9)) > 1 / 3, (name, hist)
    return hist


def main():
    with tempfile.TemporaryDirectory() as d:
        run([STDP], d)
        with h5py.File(os.path.join(d, "hdf5", "stdp.hdf5"), "r") as f:
            traj = f["STDP"]
            runs = traj["results/runs"]
            names = sorted(k for k in runs if k.startswith("run_"))
            assert names == ["run_00000000", "run_00000001", "run_00000002"], names
            F = traj["parameters/input/F/explored_data"]
            assert list(F[:]) == [15, 20, 25] and F.attrs["unit"] == "Hz", (F[:], dict(F.attrs))
            for k, name in enumerate(names):
                res = runs[name]["stdp"]
                w = res["weights/weights"][:]
                hist = check_bimodal(w, name)
                trace = res["w_trace/w_trace"][:]
                assert trace.shape == (2, 101), trace.shape
                assert ((trace >= 0) & (trace <= 1)).all()
                assert np.array_equal(trace[:, -1], w[:2]), (trace[:, -1], w[:2])
                t = res["w_trace_t/w_trace_t"][:]
                assert t[0] == 0 and abs(t[-1] - 100) < 1e-9, t
                assert res["post_spikes"]["nspikes"][()] > 100
                print("%s: histogram %s" % (name, " ".join(map(str, hist))))
        out = run([PLOT, "--out", "figs"], d).stdout
        assert out.count("below 0.1") == 3 and "wrote figs/stdp_weights.png" in out, out
        assert os.path.getsize(os.path.join(d, "figs", "stdp_weights.png")) > 1000
        err = run([PLOT, "--file", "missing.hdf5"], d, expect=1).stderr
        assert "missing.hdf5" in err and "examples/stdp writes it" in err, err
    print("stdp: weights bimodal in all three runs; plot_weights checked")


if __name__ == "__main__":
    main()
