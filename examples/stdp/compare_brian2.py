"""Brian2's STDP example (Song, Miller & Abbott 2000), run as snex's examples/stdp runs
it, to set its final weights beside snex's: the same model, parameters and schedule
(v starts at vr; euler), for --duration seconds at --rate Hz, with Brian2's cython
target. Prints the histogram of w/gmax in 10 bins, the fractions below 0.1 and above
0.9, and the output rate over the last 10 % of the run; --out F saves w/gmax (.npy).

  /usr/bin/python3 examples/stdp/compare_brian2.py --duration 100 --seeds 1 2 3

Not part of make test: a 100 s run takes minutes in Brian2. COMPARISON.md has numbers."""
import argparse
import time

import numpy as np
from brian2 import (Hz, NeuronGroup, Network, PoissonGroup, SpikeMonitor, Synapses, ms, mV,
                    prefs, second, seed as brian_seed)


def run(duration, rate, seed, target):
    prefs.codegen.target = target
    brian_seed(seed)
    taum, taupre, taupost, taue = 10 * ms, 20 * ms, 20 * ms, 5 * ms
    Ee, vt, vr, El = 0 * mV, -54 * mV, -60 * mV, -74 * mV
    gmax, dApre = 0.01, 0.01
    dApost = -dApre * taupre / taupost * 1.05 * gmax
    dApre *= gmax
    inputs = PoissonGroup(1000, rates=rate * Hz)
    neuron = NeuronGroup(1, "dv/dt = (ge*(Ee - v) + El - v)/taum : volt\n"
                            "dge/dt = -ge/taue : 1",
                         threshold="v > vt", reset="v = vr", method="euler")
    neuron.v = vr
    S = Synapses(inputs, neuron,
                 "w : 1\n"
                 "dApre/dt = -Apre/taupre : 1 (event-driven)\n"
                 "dApost/dt = -Apost/taupost : 1 (event-driven)",
                 on_pre="ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)",
                 on_post="Apost += dApost\nw = clip(w + Apre, 0, gmax)")
    S.connect()
    S.w = "rand()*gmax"
    spikes = SpikeMonitor(neuron)
    net = Network(inputs, neuron, S, spikes)
    t0 = time.time()
    net.run(duration * second, namespace=dict(locals()))
    elapsed = time.time() - t0
    w = np.asarray(S.w) / gmax
    t = np.asarray(spikes.t / second)
    rate_out = np.sum(t >= 0.9 * duration) / (0.1 * duration)
    return w, rate_out, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=100)
    ap.add_argument("--rate", type=float, default=15)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--target", default="cython")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    for s in a.seeds:
        w, rate_out, elapsed = run(a.duration, a.rate, s, a.target)
        hist = np.histogram(w, bins=10, range=(0, 1))[0]
        print("seed %d: hist %s low %.3f high %.3f rate_out %.2f Hz (%.1f s)"
              % (s, " ".join(map(str, hist)), np.mean(w < 0.1), np.mean(w > 0.9), rate_out,
                 elapsed), flush=True)
        if a.out:
            np.save(a.out, w)


if __name__ == "__main__":
    main()
