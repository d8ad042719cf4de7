"""libsnex.so exports exactly the public API.

The library is built with hidden visibility; every function and object a header in
include/snex/ declares is marked SNX_API (snex/api.h). Internal names (sim_, env_,
traj_, h5_, net_ ...) must not leave the shared library, and nothing public may be
forgotten: the symbols nm lists as defined in libsnex.so must be exactly the names
the headers declare with SNX_API.
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = os.path.join(os.environ["SNX_BUILD"], "libsnex.so")

# A declaration starts with SNX_API; its name is the first identifier followed by
# "(" (a function) or the last one before ";" (an object).
FUNCTION = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
OBJECT = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*;")


def declared():
    names = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "include", "snex", "*.h"))):
        for number, line in enumerate(open(path), 1):
            if not line.startswith("SNX_API "):
                continue
            rest = line[len("SNX_API "):]
            m = FUNCTION.search(rest) or OBJECT.search(rest)
            assert m, "%s:%d: cannot find the declared name" % (path, number)
            names[m.group(1)] = "%s:%d" % (os.path.basename(path), number)
    return names


def exported():
    out = subprocess.run(["nm", "-D", "--defined-only", LIB], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        # code, data, read-only data, bss; weak symbols too. _init, _fini and
        # compiler/sanitizer internals start with an underscore.
        if len(fields) == 3 and fields[1] in "TDRBVWi" and not fields[2].startswith("_"):
            names.add(fields[2])
    return names


def main():
    public, symbols = declared(), exported()
    assert len(public) > 300, len(public)
    leaked = sorted(symbols - set(public))
    missing = sorted(n for n in public if n not in symbols)
    if leaked:
        print("exported but not declared in include/:", " ".join(leaked))
    if missing:
        print("declared SNX_API but not exported:",
              " ".join("%s (%s)" % (n, public[n]) for n in missing))
    assert not leaked and not missing
    print("%d public symbols, all exported, nothing else" % len(public))


if __name__ == "__main__":
    sys.exit(main())
