#!/bin/sh
# make fuzz: runs every fuzz target of BUILD/fuzz for SECONDS each, from its seed
# corpus (tools/fuzz/corpus/<target>) and what earlier runs found (BUILD/fuzz/corpus/
# <target>, kept between runs). A crash, a sanitizer report, a leak, a broken
# invariant or an input slower than 20 s fails the target; its input is saved as
# BUILD/fuzz/crashes/<target>-crash-... (rerun it: BUILD/fuzz/<target> FILE).
#
#   tools/fuzz/run.sh [BUILD=build-fuzz] [SECONDS=60] [TARGET...]
#
# Prints one line per target: FUZZ target=<name> execs=<n> seconds=<s> corpus=<n>
# result=ok|FAILED. Exits non-zero when any target failed.
set -u
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
shift 2 2>/dev/null || shift $#
TARGETS=${*:-$(for f in tools/fuzz/fuzz_*.c; do basename "$f" .c | sed 's/^fuzz_//'; done)}
failed=""
mkdir -p "$BUILD/fuzz/crashes"
# libhdf5 itself leaks on some error paths of damaged files (as in tools/faults/files.sh):
# its allocations are not snex's.
echo "leak:libhdf5" >"$BUILD/fuzz/lsan.supp"
export LSAN_OPTIONS="suppressions=$BUILD/fuzz/lsan.supp:print_suppressions=0"
for t in $TARGETS; do
    bin=$BUILD/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "FUZZ target=$t result=FAILED (no $bin: make fuzz builds it)"; failed="$failed $t"; continue; }
    corpus=$BUILD/fuzz/corpus/$t
    mkdir -p "$corpus"
    log=$BUILD/fuzz/$t.log
    # A damaged length of a variable-length string in a chunk without checksum makes
    # libhdf5 allocate that many bytes (at most 4 GiB: the length has 32 bits) before
    # the read fails: not touched, so not resident, and an error, not a crash. Such an
    # allocation is no finding; a resident size beyond 2 GB is.
    malloc_limit=2048
    [ "$t" = load ] && malloc_limit=4200
    # One thread per run: the machine's cores go to the fuzzers, not to OpenMP.
    OMP_NUM_THREADS=1 "$bin" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 \
        -malloc_limit_mb=$malloc_limit \
        -print_final_stats=1 -artifact_prefix="$BUILD/fuzz/crashes/$t-" \
        "$corpus" "tools/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    size=$(ls "$corpus" | wc -l)
    if [ $rc -eq 0 ]; then
        result=ok
    else
        result=FAILED
        failed="$failed $t"
        grep -m3 -E 'ERROR|runtime error|invariant broken|Test unit written' "$log"
    fi
    echo "FUZZ target=$t execs=${execs:-0} seconds=$SECONDS_EACH corpus=$size result=$result (log: $log)"
done
[ -z "$failed" ] || { echo "make fuzz: failed:$failed"; exit 1; }
