"""Every copy of the engine's inner loops gives the same bits.

The library carries sim/vm.c once per instruction set (baseline, and on x86-64 with
GCC avx2 and avx512) and runs the widest the CPU has; SNX_ISA asks for another.
`snex --version` says which copy runs. For every copy this CPU runs, the clustered
network (examples/clusternet, scale 0.25, R_ee 1.0 and 2.4, 100 + 500 ms) is run and
its stored spike monitors and Fano factors must equal the baseline's bit for bit; a
copy the CPU lacks falls back (SNX_ISA never makes the engine crash).
"""
import os
import subprocess
import tempfile

import h5py
import numpy as np

BUILD = os.environ["SNX_BUILD"]
SNEX = os.path.join(BUILD, "tools", "snex")
CLUSTERNET = os.path.join(BUILD, "examples", "clusternet", "clusternet")


def engine_isa(isa):
    env = dict(os.environ, SNX_ISA=isa)
    out = subprocess.run([SNEX, "--version"], env=env, capture_output=True, text=True,
                         check=True).stdout
    return out.split("(engine: ")[1].rstrip(")\n")


def spikes_of(isa, work):
    f = os.path.join(work, isa + ".hdf5")
    env = dict(os.environ, SNX_ISA=isa)
    p = subprocess.run([CLUSTERNET, "--scale", "0.25", "--rees", "1.0,2.4", "--initial", "100",
                        "--measurement", "500", "--workers", "1", "--file", f],
                       cwd=work, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    found = {}
    with h5py.File(f, "r") as h:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and "results/runs/run_" in name:
                found[name] = obj[()]
        h.visititems(visit)
    assert any(n.endswith("/i") for n in found), sorted(found)[:10]
    return found


def main():
    runs = [isa for isa in ("baseline", "avx2", "avx512") if engine_isa(isa) == isa]
    assert runs[0] == "baseline" and engine_isa("no-such-isa") in ("baseline", "avx2", "avx512")
    with tempfile.TemporaryDirectory() as work:
        base = spikes_of("baseline", work)
        for isa in runs[1:]:
            other = spikes_of(isa, work)
            assert sorted(other) == sorted(base), isa
            for name, value in base.items():
                assert np.array_equal(value, other[name]), "%s differs on %s" % (name, isa)
    print("engine copies %s: the same spikes and results, bit for bit" % ", ".join(runs))


if __name__ == "__main__":
    main()
