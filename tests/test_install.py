"""make install, a program built outside the tree with pkg-config, make uninstall.

Installs the build in $SNX_BUILD into a temporary prefix (make install PREFIX=<tmp>
DESTDIR=), then checks:
  - the shared library is libsnex.so.<version> with SONAME libsnex.so.<major>, and
    the links libsnex.so -> libsnex.so.<major> -> libsnex.so.<version>;
  - headers (snex/version.h among them), libsnex.a, snex.pc, and in share/doc/snex the
    docs and the examples' sources are there;
  - a program written in a folder of its own, compiled with
    `pkg-config --cflags --libs snex` (PKG_CONFIG_PATH=<tmp>/lib/pkgconfig), needs
    libsnex.so.<major> and runs without LD_LIBRARY_PATH (snex.pc gives an rpath for
    a prefix other than /usr): it checks snx_version() against SNX_VERSION_STRING,
    simulates a neuron with the engine and stores and loads a trajectory;
  - with DESTDIR, the files are staged below it while snex.pc names the real prefix;
  - make uninstall leaves nothing of snex behind.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.environ["SNX_BUILD"])

PROGRAM = r"""
#include <snex.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    if (strcmp(snx_version(), SNX_VERSION_STRING) != 0) {
        fprintf(stderr, "library %s, header %s\n", snx_version(), SNX_VERSION_STRING);
        return 1;
    }
    /* The engine: one neuron driven above threshold spikes. */
    snx_net *net = snx_net_new(NULL);
    snx_group *g = snx_group_new(net, "n", 1, "dV/dt = (2 - V)/(10*ms) : 1",
                                 &(snx_group_opts){ .threshold = "V > 1", .reset = "V = 0" });
    snx_monitor *m = g ? snx_monitor_counts(net, "c", g) : NULL;
    size_t n = 0;
    if (!m || snx_net_run(net, 0.1)) {
        fprintf(stderr, "engine: %s\n", snx_errmsg());
        return 1;
    }
    long spikes = (long)snx_monitor_counts_of(m, &n)[0];
    snx_net_free(net);
    /* Storage: a trajectory to HDF5 and back. */
    snx_traj *traj = snx_traj_new("installed", NULL);
    snx_hdf5_opts file = { .overwrite_file = true };
    if (!traj || snx_hdf5_attach(traj, "installed.hdf5", &file) ||
        !snx_traj_add_parameter(traj, "tau", snx_quantity(15, "ms"), "a time") ||
        snx_traj_store(traj, NULL)) {
        fprintf(stderr, "storing: %s\n", snx_errmsg());
        return 1;
    }
    snx_traj_free(traj);
    snx_traj *back = snx_hdf5_load("installed.hdf5", NULL);
    double tau = back ? snx_traj_double(back, "tau") : 0;
    snx_traj_free(back);
    printf("snex %s: %ld spikes, tau = %g s\n", snx_version(), spikes, tau);
    return spikes > 0 && tau == 0.015 ? 0 : 1;
}
"""


def version():
    text = open(os.path.join(ROOT, "include", "snex", "version.h")).read()
    return re.search(r'#define SNX_VERSION_STRING "([^"]+)"', text).group(1)


def sanitized():
    """Whether the library of this build is instrumented (make asan)."""
    out = subprocess.run(["readelf", "-d", os.path.join(BUILD, "libsnex.so")],
                         check=True, capture_output=True, text=True).stdout
    return "libasan" in out


def make(*args):
    # A make of its own, not a part of the one that runs the tests.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    cmd = ["make", "--no-print-directory", "-C", ROOT, "BUILD=" + BUILD]
    if sanitized():
        cmd.append("SANITIZE=1")
    subprocess.run(cmd + list(args), check=True, env=env, stdout=subprocess.DEVNULL)


def dynamic(path):
    return subprocess.run(["readelf", "-d", path], check=True, capture_output=True,
                          text=True).stdout


def check_library(libdir, ver):
    major = ver.split(".")[0]
    real = os.path.join(libdir, "libsnex.so." + ver)
    assert os.path.isfile(real) and not os.path.islink(real), real
    assert os.readlink(os.path.join(libdir, "libsnex.so." + major)) == "libsnex.so." + ver
    assert os.readlink(os.path.join(libdir, "libsnex.so")) == "libsnex.so." + major
    assert "Library soname: [libsnex.so.%s]" % major in dynamic(real)
    assert os.path.isfile(os.path.join(libdir, "libsnex.a"))


def build_outside(prefix, work):
    """Compiles PROGRAM in a folder outside the tree with pkg-config's flags only."""
    src = os.path.join(work, "installed.c")
    with open(src, "w") as f:
        f.write(PROGRAM)
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "snex"], check=True,
                           capture_output=True, text=True, env=env).stdout.split()
    assert "-I%s/include" % prefix in flags, flags
    assert "-Wl,-rpath,%s/lib" % prefix in flags, flags
    extra = ["-fsanitize=address,undefined"] if sanitized() else []
    exe = os.path.join(work, "installed")
    subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", src, "-o", exe]
                   + extra + flags, check=True, cwd=work)
    return exe


def run_outside(exe, prefix, ver):
    info = dynamic(exe)
    assert "Shared library: [libsnex.so.%s]" % ver.split(".")[0] in info, info
    assert "%s/lib" % prefix in info, "no rpath to the installed library:\n" + info
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    out = subprocess.run([exe], check=True, capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(exe)).stdout
    assert out.startswith("snex %s: " % ver), out
    print(out.strip())


def check_destdir(stage):
    make("install", "PREFIX=/opt/snex", "DESTDIR=" + stage)
    pc = open(os.path.join(stage, "opt/snex/lib/pkgconfig/snex.pc")).read()
    assert "prefix=/opt/snex\n" in pc and stage not in pc, pc
    assert os.path.isfile(os.path.join(stage, "opt/snex/include/snex/version.h"))
    make("uninstall", "PREFIX=/opt/snex", "DESTDIR=" + stage)
    assert not leftovers(os.path.join(stage, "opt/snex"))


def leftovers(prefix):
    """Files (not folders) still below prefix."""
    return [os.path.join(d, f) for d, _, files in os.walk(prefix) for f in files]


def main():
    ver = version()
    work = tempfile.mkdtemp(prefix="snex-install-")
    try:
        prefix = os.path.join(work, "prefix")
        make("install", "PREFIX=" + prefix, "DESTDIR=")
        check_library(os.path.join(prefix, "lib"), ver)
        for h in ("snex.h", "snex/version.h", "snex/sim.h", "snex/env.h"):
            assert os.path.isfile(os.path.join(prefix, "include", h)), h
        for doc in ("README.md", "FORMAT.md", "examples/lif/lif.c", "examples/basics/basics.h",
                    "examples/clusternet/clusternet.c"):
            assert os.path.isfile(os.path.join(prefix, "share/doc/snex", doc)), doc
        outside = os.path.join(work, "elsewhere")
        os.mkdir(outside)
        run_outside(build_outside(prefix, outside), prefix, ver)
        make("uninstall", "PREFIX=" + prefix, "DESTDIR=")
        left = leftovers(prefix)
        assert not left, "left after uninstall: %s" % left
        check_destdir(os.path.join(work, "stage"))
    finally:
        shutil.rmtree(work)
    print("installed %s, built and ran a program outside the tree, uninstalled" % ver)


if __name__ == "__main__":
    sys.exit(main())
