#!/usr/bin/python3
"""make bench-compare: the same networks in snex and in Brian2, loop times side by side.

Networks (docs/PERFORMANCE.md, "Side by side with Brian2"):
  coba        Brette et al. 2007 benchmark 1 (examples/coba): 4000 neurons,
              conductance-based exponential synapses, forward Euler, 1 s
  cuba        benchmark 2 (examples/cuba): current-based, exact integration, 1 s
  cluster0.5  the clustered network of examples/clusternet at scale 0.5 (2000 E + 500 I),
  cluster1.0  and at scale 1.0 (4000 E + 1000 I, ~7.7 M synapses), R_ee 2.5, forward
              Euler; 0.1 s unrecorded, then 1 s timed with all E spikes recorded

Brian2 (Debian python3-brian, /usr/bin/python3) runs each network in a fresh process per
code generation target:
  numpy            the runtime target; the time is Brian2's own measurement of the run
                   loop (device._last_run_time: wall time after before_run, so code
                   generation is left out)
  cpp_standalone   device.build(compile=True, run=False) is timed as the compile time,
                   then device.run() runs the binary, whose run loop times itself
                   (results/last_run_info.txt: std::clock CPU seconds, one thread);
                   Brian2 compiles with -O3 -ffast-math -march=native
snex runs its example programs: coba and cuba print their loop time (CPU and wall
seconds of snx_net_run); the clustered network is timed as bench/bench_clusternet.c
does it, by two clusternet runs whose measurement subruns differ by 1 s (building and
connecting cancel out; storing the monitors does not), one worker,
OMP_NUM_THREADS=1: the difference of their wall times, and of the CPU time of the
program and its worker (getrusage of the children). Best of 3 (by CPU time).

Every figure is seconds of loop per simulated second; the ratio is Brian2's figure over
snex's (how many times faster snex's loop is). snex's CPU time is set against
cpp_standalone's CPU time and snex's wall time against numpy's wall time.

  /usr/bin/python3 bench/compare_brian2.py --build build [--networks coba cuba ...]
      [--targets numpy cpp_standalone] [--work DIR]
  /usr/bin/python3 bench/compare_brian2.py --child coba numpy --work DIR   (internal)
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NETWORKS = ["coba", "cuba", "cluster0.5", "cluster1.0"]
TARGETS = ["numpy", "cpp_standalone"]
SEED = 1
REPEATS = 3  # snex and cpp_standalone loops: best of 3 (numpy: one run, it is slow)
CLUSTER_REE = 2.5
CLUSTER_INITIAL, CLUSTER_MEASURE = 0.1, 1.0


# ---------------------------------------------------------------------------------
# The networks in Brian2 (the same definitions as examples/coba/coba.c,
# examples/cuba/cuba.c and examples/clusternet/compare_brian2.py)
# ---------------------------------------------------------------------------------

def vogels_abbott(b2, eqs, ns, init, we, wi, method, var_e, var_i):
    """4000 neurons (3200 E + 800 I), each pair connected with p = 0.02 (autapses
    allowed, as Brian's Connection), threshold v > Vt, reset v = Vr, 5 ms refractory."""
    P = b2.NeuronGroup(4000, eqs, threshold="v > Vt", reset="v = Vr",
                       refractory=5 * b2.ms, method=method, namespace=ns)
    for var, expr in init:
        setattr(P, var, expr)
    Ce = b2.Synapses(P[:3200], P, on_pre="%s += we" % var_e, namespace={"we": we})
    Ci = b2.Synapses(P[3200:], P, on_pre="%s += wi" % var_i, namespace={"wi": wi})
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    mon = b2.SpikeMonitor(P)
    return b2.Network(P, Ce, Ci, mon), mon, 4000


def build_coba(b2):
    """Benchmark 1 as Brette's Brian script of the paper (COBA.py, R. Brette, Dec 2007):
    conductances in units of the leak conductance (10 nS), Euler integration."""
    mV, ms = b2.mV, b2.ms
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
              El=-60 * mV, Ee=0 * mV, Ei=-80 * mV)
    eqs = """
    dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : 1
    dgi/dt = -gi/taui : 1
    """
    init = [("v", "El + (randn()*5 - 5)*mV"), ("ge", "randn()*1.5 + 4"),
            ("gi", "randn()*12 + 20")]
    return vogels_abbott(b2, eqs, ns, init, 6.0 / 10, 67.0 / 10, "euler", "ge", "gi")


def build_cuba(b2):
    """Benchmark 2 as Brian2's CUBA example (standalone/cuba_openmp.py): currents in
    volts, exact integration."""
    mV, ms = b2.mV, b2.ms
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
              El=-49 * mV)
    eqs = """
    dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt (unless refractory)
    dgi/dt = -gi/taui : volt (unless refractory)
    """
    init = [("v", "Vr + rand()*(Vt - Vr)"), ("ge", 0 * mV), ("gi", 0 * mV)]
    return vogels_abbott(b2, eqs, ns, init, 60 * 0.27 / 10 * mV, -20 * 4.5 / 10 * mV,
                         "exact", "ge", "gi")


def run_cluster(b2, scale, standalone):
    """The clustered network of examples/clusternet/compare_brian2.py (its model,
    wiring and initial state), 0.1 s unrecorded, then 1 s with all E spikes recorded.
    Returns (network, E spike monitor, N_e, timed duration)."""
    sys.path.insert(0, os.path.join(ROOT, "examples", "clusternet"))
    import compare_brian2 as cn  # noqa: E402 (the clusternet comparison's own model)
    import numpy as np
    P = cn.network_parameters(scale, CLUSTER_REE)
    rng = np.random.default_rng(SEED)
    groups = {}
    for post, n in (("i", P["N_i"]), ("e", P["N_e"])):
        eqs, ns = cn.model_equations(P, post, b2)
        groups[post] = b2.NeuronGroup(n, eqs, threshold="V > 1.0", reset="V = 0.0",
                                      refractory=P["refractory"] * b2.second,
                                      method="euler", namespace=ns, name="neurons_" + post)
    ne, ni = groups["e"], groups["i"]
    ne.mu = rng.random(P["N_e"]) * (P["mu_e_max"] - P["mu_e_min"]) + P["mu_e_min"]
    ni.mu = rng.random(P["N_i"]) * (P["mu_i_max"] - P["mu_i_min"]) + P["mu_i_min"]
    ne.V = rng.random(P["N_e"])
    ni.V = rng.random(P["N_i"])
    conn = cn.build_connectivity(P, rng)
    syn = []
    for key, pre, post, var, J in (("ii", ni, ni, "y_i", P["J_ii"]),
                                   ("ei", ni, ne, "y_i", P["J_ei"]),
                                   ("ie", ne, ni, "y_e", P["J_ie"])):
        s = b2.Synapses(pre, post, on_pre="%s_post += J" % var, namespace={"J": J})
        s.connect(i=conn[key][0], j=conn[key][1])
        syn.append(s)
    see = b2.Synapses(ne, ne, "w : 1 (constant)", on_pre="y_e_post += w")
    see.connect(i=conn["ee"][0], j=conn["ee"][1])
    see.w = conn["ee"][2]
    syn.append(see)
    net = b2.Network(ni, ne, *syn)
    net.run(CLUSTER_INITIAL * b2.second, namespace={})
    mon = b2.SpikeMonitor(ne)
    net.add(mon)
    n_syn = sum(len(c[0]) for c in conn.values())
    return net, mon, P["N_e"], n_syn


def child(network, target, work):
    """One Brian2 run in this process; prints one JSON line."""
    import brian2 as b2
    b2.BrianLogger.log_level_warn()
    standalone = target == "cpp_standalone"
    outdir = os.path.join(work, "%s_%s" % (network, target))
    if standalone:
        b2.set_device("cpp_standalone", build_on_run=False, directory=outdir)
    else:
        b2.prefs.codegen.target = target
    b2.seed(SEED)
    b2.defaultclock.dt = 0.1 * b2.ms
    t0 = time.perf_counter()
    if network.startswith("cluster"):
        net, mon, n, n_syn = run_cluster(b2, float(network[len("cluster"):]), standalone)
        duration = CLUSTER_MEASURE
    else:
        net, mon, n = (build_coba if network == "coba" else build_cuba)(b2)
        n_syn = None
        duration = 1.0
    net.run(duration * b2.second, namespace={})
    result = dict(network=network, target=target, duration=duration)
    if standalone:
        result["setup_seconds"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        b2.device.build(directory=outdir, compile=True, run=False, with_output=False)
        result["compile_seconds"] = time.perf_counter() - t1
        # The binary is cheap to run again: best of REPEATS, as for snex.
        loops = []
        for _ in range(REPEATS):
            t1 = time.perf_counter()
            b2.device.run(outdir, with_output=False, run_args=[])
            result["run_process_seconds"] = time.perf_counter() - t1
            loops.append(b2.device._last_run_time)
        result["loop_seconds"] = min(loops)
    else:
        result["setup_seconds"] = time.perf_counter() - t0 - b2.device._last_run_time
        result["loop_seconds"] = b2.device._last_run_time
    result["rate_hz"] = len(mon.i[:]) / (n * duration)
    if n_syn is None:
        n_syn = sum(len(o) for o in net.objects if isinstance(o, b2.Synapses))
    result["synapses"] = int(n_syn)
    print(json.dumps(result))


# ---------------------------------------------------------------------------------
# snex
# ---------------------------------------------------------------------------------

def run_checked(cmd, cwd, env=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if p.returncode:
        sys.exit("bench-compare: %s failed (exit %d)\n%s%s" % (" ".join(cmd), p.returncode,
                                                            p.stdout, p.stderr))
    return p.stdout


def snex_vogels_abbott(build, network, work):
    """coba or cuba: the example prints its loop time and rate; best of REPEATS."""
    best = None
    for _ in range(REPEATS):
        out = run_checked([os.path.join(build, "examples", network, network)], work,
                          dict(os.environ, OMP_NUM_THREADS="1"))
        m = re.search(r"rate ([\d.]+) Hz.*\n.*loop ([\d.]+) s CPU, ([\d.]+) s wall", out)
        if not m:
            sys.exit("bench-compare: unexpected output of %s:\n%s" % (network, out))
        rate, cpu, wall = map(float, m.groups())
        if best is None or cpu < best["loop_cpu_seconds"]:
            best = dict(network=network, target="snex", duration=1.0, rate_hz=rate,
                        loop_seconds=wall, loop_cpu_seconds=cpu)
    return best


def snex_cluster(build, network, work):
    """Wall time of the clusternet example with a 1100 ms and a 100 ms measurement
    subrun: the difference is one simulated second of the loop (with monitors)."""
    exe = os.path.join(build, "examples", "clusternet", "clusternet")
    scale = float(network[len("cluster"):])
    env = dict(os.environ, OMP_NUM_THREADS="1")

    def timed(measure_ms):
        """(wall, CPU) seconds of one run (CPU of the program and its worker), and its
        output."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = run_checked([exe, "--scale", str(scale), "--rees", str(CLUSTER_REE), "--workers", "1",
                     "--seed", str(SEED), "--initial", "%g" % (CLUSTER_INITIAL * 1e3),
                     "--measurement", str(measure_ms), "--file", "cluster.hdf5"], work, env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (time.perf_counter() - t0, after.ru_utime + after.ru_stime -
                before.ru_utime - before.ru_stime, out)

    best = None
    for _ in range(REPEATS):
        (wall1, cpu1, out), (wall0, cpu0, _) = timed(1100), timed(100)
        # The example's table: run, R_ee, E rate (Hz) of the measurement subrun, FF.
        m = re.search(r"^0 +[\d.]+ +([\d.]+) ", out, re.M)
        if not m:
            sys.exit("bench-compare: unexpected output of clusternet:\n%s" % out)
        if best is None or cpu1 - cpu0 < best["loop_cpu_seconds"]:
            best = dict(network=network, target="snex", duration=1.0, rate_hz=float(m.group(1)),
                        loop_seconds=wall1 - wall0, loop_cpu_seconds=cpu1 - cpu0)
    return best


# ---------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="snex build folder (default build)")
    ap.add_argument("--networks", nargs="+", choices=NETWORKS, default=NETWORKS)
    ap.add_argument("--targets", nargs="+", choices=TARGETS, default=TARGETS)
    ap.add_argument("--work", help="scratch folder (default: a temporary one, removed)")
    ap.add_argument("--child", nargs=2, metavar=("NETWORK", "TARGET"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.work)
        return 0
    work = args.work or tempfile.mkdtemp(prefix="snex_bench_compare")
    os.makedirs(work, exist_ok=True)
    build = os.path.abspath(args.build)
    rows = []
    try:
        for network in args.networks:
            if network.startswith("cluster"):
                snex = snex_cluster(build, network, work)
            else:
                snex = snex_vogels_abbott(build, network, work)
            print("snex %s: loop %.3f s CPU, %.3f s wall per simulated second%s" % (
                network, snex["loop_cpu_seconds"], snex["loop_seconds"],
                ", rate %.2f Hz" % snex["rate_hz"] if "rate_hz" in snex else ""), flush=True)
            for target in args.targets:
                out = run_checked([sys.executable, os.path.abspath(__file__), "--child",
                                   network, target, "--work", work], work)
                b = json.loads(out.strip().splitlines()[-1])
                rows.append(compare(network, target, b, snex))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print("\n| network | Brian2 target | Brian2 loop (s/s) | snex loop (s/s) | snex faster by |"
          " Brian2 compile (s) | Brian2 rate (Hz) |\n|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %.3f %s | %.3f %s | %.2f× | %s | %.2f |" % (
            r["network"], r["target"], r["brian2"], r["clock"], r["snex"], r["clock"],
            r["ratio"], "%.1f" % r["compile"] if r["compile"] is not None else "–", r["rate"]))
    return 0


def compare(network, target, b, snex):
    """The ratio line of one Brian2 run: CPU against CPU for cpp_standalone (whose loop
    measures std::clock), wall against wall for numpy."""
    cpu = target == "cpp_standalone"
    mine = (snex["loop_cpu_seconds"] if cpu else snex["loop_seconds"]) / snex["duration"]
    theirs = b["loop_seconds"] / b["duration"]
    r = dict(network=network, target=target, brian2=theirs, snex=mine, ratio=theirs / mine,
             clock="CPU" if cpu else "wall", compile=b.get("compile_seconds"), rate=b["rate_hz"])
    print("BENCH_COMPARE %s brian2=%s clock=%s brian2_s_per_s=%.4f snex_s_per_s=%.4f "
          "ratio=%.2f brian2_rate_hz=%.2f%s" % (
              network, target, r["clock"], theirs, mine, r["ratio"], b["rate_hz"],
              " compile_s=%.1f" % r["compile"] if r["compile"] is not None else ""), flush=True)
    return r


if __name__ == "__main__":
    sys.exit(main())
