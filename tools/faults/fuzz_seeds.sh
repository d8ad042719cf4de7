#!/bin/sh
# make faults, fuzz seeds: every fuzz target (tools/fuzz/fuzz_*.c) built with the
# ordinary compiler and tools/fuzz/replay.c instead of libFuzzer, run on its seed
# corpus (tools/fuzz/corpus/<target>/, which holds the inputs of past findings too).
# Keeps the targets building and their corpora passing without clang; the fuzzing
# itself is `make fuzz` (docs/RELIABILITY.md, "Fuzzing").
#
#   tools/faults/fuzz_seeds.sh   (BUILD=build: where libsnex.a is)
set -u
ROOT=$(pwd)
BUILD=${BUILD:-build}
LIB=$ROOT/$BUILD/libsnex.a
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A library built with SANITIZE=1 needs the sanitizers at link time too.
SAN=""
if nm "$LIB" 2>/dev/null | grep -q __asan_; then
    SAN="-fsanitize=address,undefined"
fi
failures=0
for src in tools/fuzz/fuzz_*.c; do
    t=$(basename "$src" .c | sed 's/^fuzz_//')
    # shellcheck disable=SC2046
    if ! ${CC:-cc} -O1 -g -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $SAN \
         -I"$ROOT/include" $(pkg-config --cflags hdf5 gsl) -o "$WORK/$t" "$src" \
         tools/fuzz/replay.c "$LIB" $(pkg-config --libs hdf5 gsl) \
         $(pkg-config --silence-errors --libs ompi-c) -lm -fopenmp; then
        echo "FAIL fuzz_seeds: $t does not build"
        failures=$((failures + 1))
        continue
    fi
    if out=$(OMP_NUM_THREADS=1 "$WORK/$t" tools/fuzz/corpus/"$t"/* 2>&1); then
        echo "ok   fuzz_seeds: $t: $(echo "$out" | tail -1)"
    else
        echo "FAIL fuzz_seeds: $t: $(echo "$out" | tail -5)"
        failures=$((failures + 1))
    fi
done
[ $failures -eq 0 ]
