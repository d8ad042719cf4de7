#!/bin/sh
# The mutation campaign over snex files (docs/RELIABILITY.md, "Files"): builds its two
# helper programs against libsnex.a ($SNX_BUILD, default build/), writes a file with
# every value type, damages copies of it (structural mutations with h5py, byte-level
# mutants) and loads each one. Prints a table per kind of mutation and a SUMMARY
# line; exits non-zero when a structural mutation loads silently different, or any
# load crashes or hangs.
#   tools/faults/files.sh [--quick]
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${SNX_BUILD:-$ROOT/build}" && pwd)
LIB="$BUILD/libsnex.a"
[ -f "$LIB" ] || { echo "files.sh: no $LIB (make first, or set SNX_BUILD)"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# A library built with SANITIZE=1 needs the sanitizers at link time too.
SAN=""
if nm "$LIB" 2>/dev/null | grep -q __asan_; then
    SAN="-fsanitize=address,undefined"
fi
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -fopenmp $SAN"
for p in files_write files_dump; do
    ${CC:-cc} $CFLAGS -I"$ROOT/include" $(pkg-config --cflags hdf5 gsl) -o "$WORK/$p" \
        "$ROOT/tools/faults/$p.c" "$LIB" $(pkg-config --libs hdf5 gsl) \
        $(pkg-config --silence-errors --libs ompi-c) -lm
done

# A python3 that has h5py: Debian's first.
PYTHON=""
for p in /usr/bin/python3 $(command -v python3); do
    if "$p" -c 'import h5py' >/dev/null 2>&1; then PYTHON=$p; break; fi
done
[ -n "$PYTHON" ] || { echo "files.sh: no python3 with h5py (apt-get install python3-h5py)"; exit 1; }
# libhdf5 itself leaks on some error paths of damaged files: its allocations are
# not snex's (a leak of snex's own still fails the load).
echo "leak:libhdf5" >"$WORK/lsan.supp"
LSAN_OPTIONS="suppressions=$WORK/lsan.supp:print_suppressions=0" "$PYTHON" "$ROOT/tools/faults/files_mutate.py" "$WORK" "$WORK/m" "$@"
