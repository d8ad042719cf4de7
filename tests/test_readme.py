"""The README's code compiles and runs.

Every ```c block of README.md is a whole program: each is compiled against the
library just built (with the project's warning flags) and run in a scratch folder;
it must exit 0, and what it stores must be in its HDF5 file.
"""
import glob
import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ["SNX_BUILD"]


def pkg_libs():
    out = subprocess.run(["pkg-config", "--libs", "hdf5", "gsl"], capture_output=True,
                         text=True, check=True).stdout.split()
    return out + ["-lm", "-fopenmp"]


def main():
    text = open(os.path.join(ROOT, "README.md")).read()
    blocks = re.findall(r"```c\n(.*?)```", text, re.S)
    assert len(blocks) >= 2, "README.md has %d C blocks" % len(blocks)
    cflags = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror",
              "-I" + os.path.join(ROOT, "include")]
    if "asan" in os.path.basename(BUILD):
        cflags += ["-fsanitize=address,undefined"]
    for k, code in enumerate(blocks):
        with tempfile.TemporaryDirectory() as folder:
            src, exe = os.path.join(folder, "taste.c"), os.path.join(folder, "taste")
            open(src, "w").write(code)
            subprocess.run(["cc"] + cflags + ["-o", exe, src,
                                              os.path.join(BUILD, "libsnex.a")] + pkg_libs(),
                           check=True)
            p = subprocess.run([exe], cwd=folder, capture_output=True, text=True)
            assert p.returncode == 0, "README block %d: exit %d\n%s" % (k, p.returncode, p.stderr)
            files = glob.glob(os.path.join(folder, "hdf5", "*.hdf5"))
            assert len(files) == 1, files
            print("README block %d: ok (%s)" % (k, os.path.basename(files[0])))


if __name__ == "__main__":
    main()
