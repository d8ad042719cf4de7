#!/usr/bin/python3
"""Independent check of snex's clustered E/I network against Brian2.

The network is the Litwin-Kumar & Doiron (2012) clustered network of pypet's
example 11, in its pypet / Brian-1 form (docs: /work/shared/spec/pypet-brian-network.md
§3): at scale 0.5, 2000 E + 500 I neurons, E clusters of 80, connection strengths
J / sqrt(scale), in-cluster E->E weights 1.9 * J_ee, in/out-of-cluster probabilities
p_in = R_ee * p_out and p_out = p_ee * N_e / (R_ee * 80 + N_e - 80), Brian-1
`Connection` wiring, forward Euler with dt = 0.1 ms, 5 ms refractoriness holding V,
threshold V > 1, reset V = 0. Each run simulates 0.5 s unrecorded, then 2 s with
all E spikes recorded, and computes

  rate_e   mean firing rate of all E neurons in the measurement window (Hz),
  mean_ff  the mean Fano factor of E neurons 0..499 exactly as spec §3.7
           (20 windows [lo, hi) of 100 ms from 0.5 s to 2.5 s, population variance
           over mean, silent neurons count as FF 0 and stay in the mean).

Rows go to a TSV (simulator, R_ee, seed, rate_e, mean_ff, wall_seconds), one per
run, written as soon as the run ends, so that a long sweep can be polled and
resumed (--resume skips rows already in --out). The `--snex FILE...` mode instead
reads HDF5 files written by the snex example (build/examples/clusternet/clusternet)
with h5py and appends their runs as rows labelled by file. Both modes end with a
summary table per R_ee: mean +- sd over seeds of rate and FF for each simulator
(and, with snex rows, the differences of the means in standard errors).

--export DIR additionally writes each Brian2 run's realisation (mu, initial V, every
synapse) and all its spikes, so that another simulator can run the very same network
and be compared spike by spike (COMPARISON.md, part 1).

Run it with the Debian Brian2 (python3-brian), i.e. /usr/bin/python3:

  # the Brian2 sweep: 3 seeds x R_ee 1.0 .. 2.4
  /usr/bin/python3 examples/clusternet/compare_brian2.py --seeds 3 --out cmp.tsv
  # a quick check: one R_ee, one seed, 0.2 s measured
  /usr/bin/python3 examples/clusternet/compare_brian2.py --rees 1.0 --seeds 1 --measure 0.2
  # add snex's runs to the same table and print the summary of both
  /usr/bin/python3 examples/clusternet/compare_brian2.py --snex s1.hdf5 s2.hdf5 --out cmp.tsv
  # also export the networks and spikes of seed 1 at R_ee 1.0 and 2.4
  /usr/bin/python3 examples/clusternet/compare_brian2.py --rees 1.0 2.4 --seeds 1 --export same
  # only print the summary of an existing table
  /usr/bin/python3 examples/clusternet/compare_brian2.py --summary-only --out cmp.tsv
"""

import argparse
import math
import os
import sys
import time

import numpy as np

TSV_HEADER = ["simulator", "R_ee", "seed", "rate_e", "mean_ff", "wall_seconds"]
DEFAULT_REES = [1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, 2.4]


# ---------------------------------------------------------------------------------
# Parameters (spec §3.1)
# ---------------------------------------------------------------------------------

def network_parameters(scale, R_ee):
    """The trajectory parameters of spec §3.1 as plain SI numbers."""
    P = dict(
        scale=scale,
        tau1=1e-3, tau2_e=3e-3, tau2_i=2e-3,          # synaptic rise / decay (s)
        V_th=1.0, refractory=5e-3,
        N_e=int(4000 * scale), N_i=int(1000 * scale),
        tau_e=15e-3, tau_i=10e-3,
        mu_e_min=1.1, mu_e_max=1.2, mu_i_min=1.0, mu_i_max=1.05,
        R_ee=R_ee, clustersize_e=80, strength_factor=1.9,
        p_ii=0.5, p_ei=0.5, p_ie=0.5, p_ee=0.2,
        # pypet divides by sqrt(scale): weights grow as the network shrinks.
        J_ii=0.057 / math.sqrt(scale), J_ei=0.045 / math.sqrt(scale),
        J_ie=0.014 / math.sqrt(scale), J_ee=0.024 / math.sqrt(scale),
        time_window=0.1, neuron_ids=range(500),
        initial_run=0.5, measurement_run=2.0,
    )
    return P


# ---------------------------------------------------------------------------------
# Brian-1 connectivity (spec §3.4)
# ---------------------------------------------------------------------------------

def brian1_connection(rng, pre, post, p):
    """Synapses of Brian 1's Connection(pre, post, sparseness=p).

    pre, post: (start, stop) index ranges in their populations. Brian 1 lets every
    presynaptic neuron draw k ~ Binomial(len(post), p) and pick k distinct targets
    uniformly from all of post (a neuron may hit itself). Drawn literally here; it is
    the same distribution as an independent coin flip per pair, which is what a
    port is free to use instead. Returns global (i, j) index arrays."""
    n_post = post[1] - post[0]
    ks = rng.binomial(n_post, p, size=pre[1] - pre[0])
    i = np.repeat(np.arange(pre[0], pre[1], dtype=np.int64), ks)
    if ks.sum() == 0:
        return i, np.zeros(0, dtype=np.int64)
    j = np.concatenate([post[0] + rng.choice(n_post, k, replace=False) for k in ks])
    return i, j.astype(np.int64)


def build_connectivity(P, rng):
    """All synapses as {'ii','ei','ie': (i, j)} plus 'ee': (i, j, w), per spec §3.4.

    p_XY / J_XY mean "to X from Y". E->E is one list with per-synapse weights
    because the clustered form has 3 * clusters - 2 Connection objects of two
    weights; their target sets are disjoint, so merging them changes nothing."""
    N_e, N_i = P["N_e"], P["N_i"]
    E, I = (0, N_e), (0, N_i)
    conn = {
        "ii": brian1_connection(rng, I, I, P["p_ii"]),
        "ei": brian1_connection(rng, I, E, P["p_ei"]),   # I -> E
        "ie": brian1_connection(rng, E, I, P["p_ie"]),   # E -> I
    }
    R_ee, cs, J_ee = P["R_ee"], P["clustersize_e"], P["J_ee"]
    parts = []
    if R_ee > 1.0:   # R_ee == 1.0 means no clustering at all (a strict test in pypet)
        clusters = N_e // cs
        p_out = (P["p_ee"] * N_e) / (R_ee * cs + N_e - cs)
        p_in = p_out * R_ee
        low, high = 0, cs
        for _ in range(clusters):
            c = (low, high)
            i, j = brian1_connection(rng, c, c, p_in)
            parts.append((i, j, J_ee * P["strength_factor"]))
            if low > 0:
                i, j = brian1_connection(rng, c, (0, low), p_out)
                parts.append((i, j, J_ee))
            if high < N_e:
                i, j = brian1_connection(rng, c, (high, N_e), p_out)
                parts.append((i, j, J_ee))
            low, high = high, high + cs
    else:
        i, j = brian1_connection(rng, E, E, P["p_ee"])
        parts.append((i, j, J_ee))
    conn["ee"] = (np.concatenate([p[0] for p in parts]),
                  np.concatenate([p[1] for p in parts]),
                  np.concatenate([np.full(len(p[0]), p[2]) for p in parts]))
    return conn


# ---------------------------------------------------------------------------------
# Analysis (spec §3.7)
# ---------------------------------------------------------------------------------

def mean_fano_factor(spike_i, spike_t, neuron_ids, time_window, start_time, end_time):
    """CNFanoFactorComputer._compute_mean_fano_factor, same windows and edge cases."""
    assert end_time >= start_time + time_window
    bins = int(math.floor((end_time - start_time) / float(time_window)))
    # Window bounds are start + w*b, not accumulated, as in pypet; a spike exactly on
    # a bound belongs to the later window ([lo, hi)).
    bounds = np.array([start_time + time_window * b for b in range(bins + 1)])
    order = np.lexsort((spike_t, spike_i))
    si, st = spike_i[order], spike_t[order]
    ffs = []
    for n in neuron_ids:
        a, b = np.searchsorted(si, n, "left"), np.searchsorted(si, n, "right")
        below = np.searchsorted(st[a:b], bounds, "left")   # number of spikes < bound
        counts = np.diff(below).astype(float)
        avg = counts.mean()
        ffs.append(counts.var() / avg if avg > 0 else 0.0)  # silent neuron: FF 0
    return float(np.mean(ffs))


# ---------------------------------------------------------------------------------
# One Brian2 run
# ---------------------------------------------------------------------------------

NEURON_EQS = """
dV/dt = 1.0/tau_POST*(mu - V) + I_syn : 1 (unless refractory)
mu : 1 (constant)
I_syn = -I_syn_i + I_syn_e : Hz
"""
SYNAPSE_EQS = """
I_syn_PRE = x_PRE/(tau2_PRE - tau1_PRE) : Hz
dx_PRE/dt = -(normalization_PRE*y_PRE + x_PRE)*invtau1_PRE : 1
dy_PRE/dt = -y_PRE*invtau2_PRE : 1
"""


def model_equations(P, post, b2):
    """pypet's _build_model_eqs: the neuron template for POST plus the synapse
    template once per PRE, with its namespace (spec §3.2)."""
    eqs = NEURON_EQS.replace("POST", post)
    ns = {"tau_" + post: P["tau_" + post] * b2.second}
    for pre in ("i", "e"):
        eqs += SYNAPSE_EQS.replace("PRE", pre)
        tau1, tau2 = P["tau1"] * b2.second, P["tau2_" + pre] * b2.second
        ns.update({"normalization_" + pre: (tau1 - tau2) / tau2,
                   "invtau1_" + pre: 1.0 / tau1, "invtau2_" + pre: 1.0 / tau2,
                   "tau1_" + pre: tau1, "tau2_" + pre: tau2})
    return eqs, ns


def export_network(d, ne, ni, conn, P):
    """Writes the network's realisation to directory d as raw little-endian arrays, so
    that another simulator can run the very same network (same mu, V, synapses)."""
    os.makedirs(d, exist_ok=True)
    for name, a in (("mu_e", ne.mu[:]), ("mu_i", ni.mu[:]), ("V_e", ne.V[:]),
                    ("V_i", ni.V[:]), ("w_ee", conn["ee"][2])):
        np.asarray(a, dtype="<f8").tofile(os.path.join(d, name + ".f64"))
    for key in ("ii", "ei", "ie", "ee"):
        np.asarray(conn[key][0], dtype="<i4").tofile(os.path.join(d, "pre_%s.i32" % key))
        np.asarray(conn[key][1], dtype="<i4").tofile(os.path.join(d, "post_%s.i32" % key))
    with open(os.path.join(d, "params.txt"), "w") as fh:
        for k in ("N_e", "N_i", "J_ii", "J_ei", "J_ie", "J_ee", "initial_run",
                  "measurement_run", "refractory"):
            fh.write("%s %r\n" % (k, P[k]))


def run_brian2(P, seed, b2, export=None):
    """Builds and runs one network; returns (rate_e, mean_ff, wall_seconds).

    export: a directory that receives the realisation (export_network) and every
    spike of both populations from t = 0 (spikes_e.npz, spikes_i.npz)."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)   # all randomness (mu, V, wiring) comes from here
    b2.seed(seed)                       # unused by the model; fixed for completeness
    b2.defaultclock.dt = 0.1 * b2.ms
    N_e, N_i = P["N_e"], P["N_i"]

    groups = {}
    for post, n in (("i", N_i), ("e", N_e)):
        eqs, ns = model_equations(P, post, b2)
        groups[post] = b2.NeuronGroup(
            n, eqs, threshold="V > %r" % P["V_th"], reset="V = 0.0",
            refractory=P["refractory"] * b2.second, method="euler", namespace=ns,
            name="neurons_" + post)
    ne, ni = groups["e"], groups["i"]
    ne.mu = rng.random(N_e) * (P["mu_e_max"] - P["mu_e_min"]) + P["mu_e_min"]
    ni.mu = rng.random(N_i) * (P["mu_i_max"] - P["mu_i_min"]) + P["mu_i_min"]
    ne.V = rng.random(N_e)
    ni.V = rng.random(N_i)
    # x_* and y_* start at 0, Brian's default.

    conn = build_connectivity(P, rng)
    syn = []
    # Zero delay: Brian2 delivers a step's spikes in the same step, after
    # thresholds and before resets, as Brian 1 does.
    for key, pre, post, var, J in (("ii", ni, ni, "y_i", P["J_ii"]),
                                   ("ei", ni, ne, "y_i", P["J_ei"]),
                                   ("ie", ne, ni, "y_e", P["J_ie"])):
        s = b2.Synapses(pre, post, on_pre="%s_post += J" % var,
                        namespace={"J": J}, name="conn_" + key)
        s.connect(i=conn[key][0], j=conn[key][1])
        syn.append(s)
    see = b2.Synapses(ne, ne, "w : 1 (constant)", on_pre="y_e_post += w", name="conn_ee")
    see.connect(i=conn["ee"][0], j=conn["ee"][1])
    see.w = conn["ee"][2]
    syn.append(see)

    net = b2.Network(ni, ne, *syn)
    if export:
        export_network(export, ne, ni, conn, P)
        all_mon = [b2.SpikeMonitor(ne, name="all_e"), b2.SpikeMonitor(ni, name="all_i")]
        net.add(*all_mon)
    t_build = time.perf_counter() - t0
    # namespace={}: every name is in a group's own namespace; keep Brian2 from also
    # looking at this function's locals.
    net.run(P["initial_run"] * b2.second, namespace={})
    # The monitor joins for the measurement run only (CNMonitorAnalysis); spike
    # times stay absolute, so the window is [initial, initial + measurement).
    mon = b2.SpikeMonitor(ne, name="spikes_e")
    net.add(mon)
    net.run(P["measurement_run"] * b2.second, namespace={})
    wall = time.perf_counter() - t0
    if export:
        for m, pop in zip(all_mon, "ei"):
            np.savez(os.path.join(export, "spikes_%s.npz" % pop), i=np.asarray(m.i[:]),
                     t=np.asarray(m.t[:] / b2.second))

    spike_i = np.asarray(mon.i[:], dtype=np.int64)
    spike_t = np.asarray(mon.t[:] / b2.second, dtype=float)
    start = P["initial_run"]
    end = start + P["measurement_run"]
    rate_e = len(spike_i) / (N_e * P["measurement_run"])
    ids = [n for n in P["neuron_ids"] if n < N_e]
    ff = mean_fano_factor(spike_i, spike_t, ids, P["time_window"], start, end)
    print("  %d synapses, build %.1f s, total %.1f s" %
          (sum(len(s) for s in syn), t_build, wall), file=sys.stderr)
    return rate_e, ff, wall


# ---------------------------------------------------------------------------------
# snex files
# ---------------------------------------------------------------------------------

def snex_rows(path):
    """The runs of one snex HDF5 file as TSV rows (docs/FORMAT.md, per-run columns)."""
    import h5py
    rows = []
    label = os.path.splitext(os.path.basename(path))[0]
    with h5py.File(path, "r") as f:
        traj = f["Clustered_Network"]
        rees = np.atleast_1d(traj["parameters/connections/R_ee/explored_data"][()])
        runs = traj["results/runs"]
        rate = runs["_columns/statistics.rate_e"][()]
        rate_ok = runs["_present/statistics.rate_e"][()]
        ff = runs["_columns/statistics.mean_fano_factor"][()]
        ff_ok = runs["_present/statistics.mean_fano_factor"][()]
        runtime = None
        if "overview/runs" in traj:
            table = traj["overview/runs"][()]
            if "runtime" in table.dtype.names:
                runtime = table["runtime"]
        for r, ree in enumerate(rees):
            if r >= len(rate) or r >= len(ff) or not (rate_ok[r] and ff_ok[r]):
                print("%s: run %d (R_ee %g) has no statistics, skipped" % (path, r, ree),
                      file=sys.stderr)
                continue
            wall = float(runtime[r]) if runtime is not None and r < len(runtime) else float("nan")
            rows.append(["snex", float(ree), label, float(rate[r]), float(ff[r]), wall])
    return rows


# ---------------------------------------------------------------------------------
# TSV and summary
# ---------------------------------------------------------------------------------

def read_tsv(path):
    rows = []
    if not path or not os.path.exists(path):
        return rows
    with open(path) as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if not parts or parts[0] in ("", TSV_HEADER[0]) or len(parts) < 6:
                continue
            rows.append([parts[0], float(parts[1]), parts[2], float(parts[3]),
                         float(parts[4]), float(parts[5])])
    return rows


def append_rows(path, rows):
    if not path:
        return
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, "a") as fh:
        if new:
            fh.write("\t".join(TSV_HEADER) + "\n")
        for r in rows:
            fh.write("%s\t%.1f\t%s\t%.6f\t%.6f\t%.2f\n" % tuple(r))


def mean_sd(values):
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return float("nan"), float("nan")
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else float("nan")


def summary(rows):
    """A Markdown table: per R_ee and simulator, mean +- sd (over seeds) of rate and
    FF, n, and the mean wall time per run. Above R_ee ~ 2 single runs scatter a lot
    (cluster switching), so only these distributions should be compared."""
    sims = sorted({r[0] for r in rows})
    rees = sorted({round(r[1], 6) for r in rows})
    head = "| R_ee |" + "".join(" %s rate_e (Hz) | %s mean FF | n | s/run |" % (s, s)
                                for s in sims)
    lines = [head, "|---:|" + "---:|---:|---:|---:|" * len(sims)]
    for ree in rees:
        cells = []
        for s in sims:
            sel = [r for r in rows if r[0] == s and abs(r[1] - ree) < 1e-6]
            if not sel:
                cells.append(" – | – | 0 | – |")
                continue
            rm, rs = mean_sd([r[3] for r in sel])
            fm, fs = mean_sd([r[4] for r in sel])
            wall = np.nanmean([r[5] for r in sel]) if any(np.isfinite(r[5]) for r in sel) \
                else float("nan")
            cells.append(" %.2f ± %.2f | %.3f ± %.3f | %d | %.0f |" % (rm, rs, fm, fs,
                                                                        len(sel), wall))
        lines.append("| %.1f |" % ree + "".join(cells))
    # With snex rows present: the difference of means against each other simulator in
    # units of its standard error (Welch), |z| > 2 being worth a look; with 8 R_ee
    # values one such |z| is expected now and then by chance alone.
    others = [s for s in sims if s != "snex"]
    if "snex" in sims and others:
        lines += ["", "| R_ee |" + "".join(" snex − %s: Δrate (z) | ΔFF (z) |" % s for s in others),
                  "|---:|" + "---:|---:|" * len(others)]
        for ree in rees:
            cells = []
            a = [r for r in rows if r[0] == "snex" and abs(r[1] - ree) < 1e-6]
            for s in others:
                b = [r for r in rows if r[0] == s and abs(r[1] - ree) < 1e-6]
                if len(a) < 2 or len(b) < 2:
                    cells.append(" – | – |")
                    continue
                out = []
                for k in (3, 4):
                    xa, xb = [r[k] for r in a], [r[k] for r in b]
                    d = np.mean(xa) - np.mean(xb)
                    se = math.sqrt(np.var(xa, ddof=1) / len(xa) + np.var(xb, ddof=1) / len(xb))
                    out.append("%+.3f (%+.1f)" % (d, d / se if se > 0 else float("nan")))
                cells.append(" %s | %s |" % tuple(out))
            lines.append("| %.1f |" % ree + "".join(cells))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.5,
                    help="pypet's scale: 4000*scale E, 1000*scale I neurons (default 0.5)")
    ap.add_argument("--seeds", type=int, default=3, help="seeds per R_ee (default 3)")
    ap.add_argument("--first-seed", type=int, default=1, help="seeds are first-seed, ... (default 1)")
    ap.add_argument("--rees", type=float, nargs="+", default=DEFAULT_REES,
                    help="R_ee values (default 1.0 1.2 ... 2.4)")
    ap.add_argument("--measure", type=float, default=2.0,
                    help="measurement run in seconds (default 2.0; shorter for quick checks). "
                         "The FF uses floor(measure/0.1) windows in floating point, as pypet "
                         "does: 0.2 gives 1 window (FF 0), 0.5 gives 5")
    ap.add_argument("--initial", type=float, default=0.5,
                    help="unrecorded initial run in seconds (default 0.5)")
    ap.add_argument("--refractory", type=float, default=5.0,
                    help="refractory period in ms (default 5, as snex and Brian2 count it: "
                         "V held in the 49 steps after the spike step). Brian 1 clamps V one "
                         "step longer (spec §3.10), which 5.1 reproduces; rows then carry "
                         "the simulator name brian2-<target>-ref<ms>")
    ap.add_argument("--target", choices=("auto", "numpy", "cython"), default="auto",
                    help="Brian2 code generation target; auto: cython if Cython imports, "
                         "else numpy (default auto)")
    ap.add_argument("--out", help="TSV to append rows to (created with a header)")
    ap.add_argument("--resume", action="store_true",
                    help="skip (simulator, R_ee, seed) rows already in --out")
    ap.add_argument("--snex", nargs="+", metavar="FILE",
                    help="read these snex HDF5 files instead of running Brian2")
    ap.add_argument("--export", metavar="DIR",
                    help="also write each run's network (mu, V, synapses) and all its "
                         "spikes to DIR/R<R_ee>_s<seed>/, to run the same network elsewhere")
    ap.add_argument("--summary-only", action="store_true",
                    help="run nothing; print the summary of --out")
    args = ap.parse_args()

    rows = []
    if args.summary_only:
        pass
    elif args.snex:
        for path in args.snex:
            rows += snex_rows(path)
        append_rows(args.out, rows)
    else:
        import brian2 as b2
        target = args.target
        if target == "auto":
            try:
                import Cython  # noqa: F401
                target = "cython"
            except ImportError:
                target = "numpy"
        b2.prefs.codegen.target = target
        b2.BrianLogger.log_level_warn()
        simulator = "brian2-" + target
        if args.refractory != 5.0:
            simulator += "-ref%g" % args.refractory
        done = {(r[0], round(r[1], 6), r[2]) for r in read_tsv(args.out)} if args.resume else set()
        # Seed-major order: an interrupted sweep still has every R_ee for its seeds.
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for ree in args.rees:
                if (simulator, round(ree, 6), str(seed)) in done:
                    continue
                P = network_parameters(args.scale, ree)
                P["initial_run"], P["measurement_run"] = args.initial, args.measure
                P["refractory"] = args.refractory * 1e-3
                print("%s R_ee %.1f seed %d" % (simulator, ree, seed), file=sys.stderr)
                exp = os.path.join(args.export, "R%.1f_s%d" % (ree, seed)) if args.export else None
                rate, ff, wall = run_brian2(P, seed, b2, exp)
                row = [simulator, ree, str(seed), rate, ff, wall]
                print("  rate_e %.3f Hz, mean FF %.4f, %.1f s" % (rate, ff, wall),
                      file=sys.stderr)
                append_rows(args.out, [row])
                rows.append(row)

    # The summary covers everything in --out (earlier rows included), else this call's.
    print(summary(read_tsv(args.out) if args.out else rows))


if __name__ == "__main__":
    main()
