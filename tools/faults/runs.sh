#!/bin/sh
# make faults, runs: what crashing runs, a killed or interrupted writer, a full disk
# and an unwritable folder do to a sweep (docs/RELIABILITY.md quotes the numbers).
#
#   tools/faults/runs.sh   (BUILD=build: where libsnex.a is; FAULTS_KILLS=30,
#                          FAULTS_STREAM_KILLS=20, FAULTS_SEED)
#
# Builds tools/faults/runs_sweep.c and runs it:
#   faulty runs   one run each segfaults, aborts, exits, hangs (run_timeout) and
#                 exhausts its memory (run_memory): each fails alone, with its reason
#   kill -9       the writer killed at FAULTS_KILLS random moments (a quarter of them
#                 also during the resume): the file opens, every run it marks completed
#                 equals the clean sweep's, and resuming to the end equals the clean sweep
#   kill -9, streaming  the same FAULTS_STREAM_KILLS (20) times for a sweep whose runs
#                 stream their monitors (runs_sweep stream): every completed run equals
#                 the one whose monitors kept everything, and after the resume no pieces
#                 are left in the staging area (_streams)
#   SIGINT        stops the sweep (exit 3), resume completes it, equal to the clean sweep
#   full disk     RLIMIT_FSIZE (prlimit), and a 150 KB tmpfs when this user may mount
#                 one: the writer ends with a message and exit 2 (not a signal), the
#                 file opens at its last commit, resume (with room) equals the clean sweep
#   read-only     an output folder that cannot be written is refused by snx_env_new
# tools/faults/runs_compare.py (h5py) does the comparing. Exits non-zero on any failure.
set -u
ROOT=$(pwd)
BUILD=${BUILD:-build}
KILLS=${FAULTS_KILLS:-30}
STREAM_KILLS=${FAULTS_STREAM_KILLS:-20}
WORK=$(mktemp -d)
MOUNTS=""
cleanup() {
    for m in $MOUNTS; do umount "$m" 2>/dev/null; done
    chmod -R u+w "$WORK" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
failures=0
fail() { echo "FAIL runs: $*"; failures=$((failures + 1)); }
ok() { echo "ok   runs: $*"; }

PY=""
for p in /usr/bin/python3 $(command -v python3); do
    if "$p" -c 'import h5py' >/dev/null 2>&1; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL runs: no python3 with h5py (apt-get install python3-h5py)"; exit 1; }
SWEEP=$WORK/runs_sweep
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I"$ROOT/include" \
   -o "$SWEEP" "$ROOT/tools/faults/runs_sweep.c" "$ROOT/$BUILD/libsnex.a" \
   $(pkg-config --libs hdf5 gsl) $(pkg-config --silence-errors --libs ompi-c) -lm -fopenmp || { echo "FAIL runs: cannot build runs_sweep"; exit 1; }
compare() { "$PY" "$ROOT/tools/faults/runs_compare.py" "$@"; }
cd "$WORK" || exit 1
start=$(date +%s)

# ---- the clean references, and a check that the comparison notices a change ---------
N=60
"$SWEEP" clean.hdf5 clean $N >/dev/null || fail "the clean sweep failed"
"$SWEEP" clean12.hdf5 clean 12 >/dev/null || fail "the clean 12-run sweep failed"
cp clean.hdf5 changed.hdf5
"$PY" -c "import h5py; f = h5py.File('changed.hdf5', 'r+'); \
d = f['faults/results/runs/run_00000007/trace/trace']; d[3] = d[3] + 1e-9; f.close()"
if compare changed.hdf5 clean.hdf5 --all >/dev/null; then
    fail "runs_compare.py did not notice a changed value"
else
    ok "runs_compare.py notices a value changed by 1e-9"
fi

# ---- runs that crash, abort, exit, hang and exhaust memory -----------------------------
"$SWEEP" faulty.hdf5 faulty 8 >faulty.out 2>faulty.err
rc=$?
[ $rc -eq 1 ] || fail "faulty sweep: exit $rc, expected 1 (some runs failed)"
expect_line() {
    grep -q "^run $1 $2" faulty.out && ok "run $1: $(grep "^run $1 " faulty.out | cut -c1-90)" ||
        fail "run $1: expected \"$2\", got: $(grep "^run $1 " faulty.out)"
}
expect_line 1 "failed: crashed: killed by signal SIGSEGV"
expect_line 2 "failed: crashed: killed by signal SIGABRT"
expect_line 3 "failed: the run exited with status 3"
expect_line 4 "failed: timed out after 1 s"
expect_line 5 "failed: out of memory"
for r in 0 6 7; do expect_line $r ok; done
compare faulty.hdf5 clean.hdf5 >faulty.cmp 2>&1 && grep -q "completed=3 of" faulty.cmp ||
    fail "faulty sweep's file: $(cat faulty.cmp)"

# ---- kill -9 of the writer at random moments ---------------------------------------------
# kill_trials MODE N TRIALS REFERENCE SPAN: TRIALS sweeps of MODE with N runs, each
# writer killed after a random delay of up to SPAN seconds (the sweep's length, so
# that most kills land inside it), every fourth resume killed too, then resumed to
# the end; each file compared with REFERENCE. Random delays from awk's generator,
# seeded so that a failure can be repeated (FAULTS_SEED).
SEED=${FAULTS_SEED:-$$}
kill_trials() {
    mode=$1 n=$2 trials=$3 ref=$4 span=$5
    set -- $(awk -v n="$trials" -v s="$SEED" -v span="$span" \
        'BEGIN { srand(s); for (i = 0; i < 2 * n; i++) printf "%.3f ", 0.02 + rand() * span }')
    mid=0 before=0 lost=0 equal=0 resume_kills=0 opened=0 staged=0 partial_runs=""
    trial=0
    while [ $trial -lt "$trials" ]; do
        trial=$((trial + 1))
        f=kill_${mode}_$trial.hdf5
        "$SWEEP" "$f" "$mode" "$n" >/dev/null 2>&1 &
        pid=$!
        sleep "$1"; shift
        if kill -9 $pid 2>/dev/null; then mid=$((mid + 1)); else before=$((before + 1)); fi
        wait $pid 2>/dev/null
        sleep 0.05 # workers die with the writer (PDEATHSIG)
        if [ -f "$f" ]; then
            if out=$(compare "$f" "$ref" 2>&1); then
                opened=$((opened + 1))
                partial_runs="$partial_runs $(echo "$out" | sed -n 's/completed=\([0-9]*\) of.*/\1/p')"
                case "$out" in *staged=*) staged=$((staged + 1)) ;; esac
            else
                lost=$((lost + 1)); fail "$mode kill trial $trial (after $1 s): $out"
            fi
        else
            opened=$((opened + 1)); partial_runs="$partial_runs 0"
        fi
        if [ $((trial % 4)) -eq 0 ]; then # kill the resume as well
            "$SWEEP" "$f" "$mode" "$n" resume >/dev/null 2>&1 &
            pid=$!
            sleep "$1"
            kill -9 $pid 2>/dev/null && resume_kills=$((resume_kills + 1))
            wait $pid 2>/dev/null
            sleep 0.05
            out=$(compare "$f" "$ref" 2>&1) || { lost=$((lost + 1)); fail "$mode kill trial $trial, killed resume: $out"; }
        fi
        shift
        if "$SWEEP" "$f" "$mode" "$n" resume >/dev/null 2>resume.err && out=$(compare "$f" "$ref" --all 2>&1); then
            equal=$((equal + 1))
        else
            fail "$mode kill trial $trial: the resumed sweep differs from the clean one: $out $(cat resume.err)"
        fi
        rm -f "$f"
    done
}

kill_trials clean $N "$KILLS" clean.hdf5 0.4
echo "FAULTS kill_trials=$KILLS killed_mid_sweep=$mid finished_before_kill=$before resumes_killed=$resume_kills files_opened=$opened completed_runs_lost_or_changed=$lost resumed_equal_clean=$equal seed=$SEED"
echo "      runs completed when killed (of $N):$partial_runs"
[ $equal -eq "$KILLS" ] && [ $lost -eq 0 ] && ok "kill -9: $KILLS trials, every file opened, nothing lost, every resume equal to the clean sweep"

# ---- kill -9 of the writer while runs stream --------------------------------------------
# 40 runs streaming a spike and a state monitor in small blocks (~0.5 s); the reference
# is the same sweep with monitors that keep everything.
"$SWEEP" kept40.hdf5 kept 40 >/dev/null || fail "the kept 40-run sweep failed"
kill_trials stream 40 "$STREAM_KILLS" kept40.hdf5 0.45
echo "FAULTS stream_kill_trials=$STREAM_KILLS killed_mid_sweep=$mid finished_before_kill=$before resumes_killed=$resume_kills files_opened=$opened with_pieces_staged=$staged completed_runs_lost_or_changed=$lost resumed_equal_kept=$equal seed=$SEED"
echo "      runs completed when killed (of 40):$partial_runs"
[ $equal -eq "$STREAM_KILLS" ] && [ $lost -eq 0 ] && ok "kill -9 while runs stream: $STREAM_KILLS trials, every file opened, every completed run equal to the kept monitors', every resume complete with no pieces left"

# ---- SIGINT ----------------------------------------------------------------------------------
"$SWEEP" int.hdf5 slow 12 >int.out 2>&1 &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 3 ] && compare int.hdf5 clean12.hdf5 >int.cmp 2>&1; then
    ok "SIGINT: the sweep stopped (exit 3) at $(cat int.cmp), the file intact"
else
    fail "SIGINT: exit $rc (expected 3): $(cat int.cmp int.out 2>/dev/null | tail -3)"
fi
if "$SWEEP" int.hdf5 clean 12 resume >/dev/null 2>&1 && compare int.hdf5 clean12.hdf5 --all >/dev/null; then
    ok "SIGINT: resume equals the clean sweep"
else
    fail "SIGINT: the resumed sweep differs from the clean one"
fi

# ---- a full disk ------------------------------------------------------------------------------
# $1: file, $2: how the disk is limited, $3...: the command prefix
full_disk() {
    f=$1 what=$2
    shift 2
    "$@" "$SWEEP" "$f" clean $N >full.out 2>full.err
    rc=$?
    if [ $rc -eq 0 ]; then
        fail "$what: the sweep did not notice the full disk"
        return
    fi
    why=$(grep -v '^run ' full.err | tail -1 | cut -c1-200)
    # The writer must end with a message and a clean exit, not die of SIGXFSZ (153)
    # or crash closing the file (139); the file must be intact either way.
    if [ $rc -gt 128 ]; then
        fail "$what: the writer was killed by signal $((rc - 128)) instead of exiting with a message ($why)"
    elif [ -z "$why" ]; then
        fail "$what: exit $rc without a message"
    fi
    out=$(compare "$f" clean.hdf5 2>&1) || { fail "$what: file after the full disk: $out"; return; }
    ok "$what: exit $rc ($why); the file opens at $out"
    cp "$f" room.hdf5 # resume where there is room
    if "$SWEEP" room.hdf5 clean $N resume >/dev/null 2>&1 && compare room.hdf5 clean.hdf5 --all >/dev/null; then
        ok "$what: resume with room equals the clean sweep"
    else
        fail "$what: resume after the full disk differs from the clean sweep"
    fi
}
if command -v prlimit >/dev/null 2>&1; then
    full_disk fsize.hdf5 "RLIMIT_FSIZE 64 KB" prlimit --fsize=65536
else
    echo "skip runs: RLIMIT_FSIZE (no prlimit)"
fi
mkdir -p small
if mount -t tmpfs -o size=150k tmpfs small 2>/dev/null; then
    MOUNTS="$MOUNTS $WORK/small"
    full_disk small/full.hdf5 "a 150 KB tmpfs"
else
    echo "skip runs: a small tmpfs (this user may not mount one; RLIMIT_FSIZE covers the case)"
fi

# ---- a read-only output folder ----------------------------------------------------------------
mkdir -p ro
if [ "$(id -u)" -ne 0 ]; then
    chmod 555 ro
    ro_how="mode 555"
elif mount -t tmpfs -o ro,size=64k tmpfs ro 2>/dev/null; then
    MOUNTS="$MOUNTS $WORK/ro"
    ro_how="a read-only tmpfs"
else
    ro_how=""
    echo "skip runs: read-only folder (root without mount: every folder is writable)"
fi
if [ -n "$ro_how" ]; then
    "$SWEEP" ro/x.hdf5 clean 4 >ro.out 2>ro.err
    rc=$?
    if [ $rc -eq 2 ] && grep -q "cannot write in folder" ro.err && ! grep -q "^run" ro.out; then
        ok "read-only folder ($ro_how): refused at snx_env_new: $(cut -c1-100 ro.err)"
    else
        fail "read-only folder ($ro_how): exit $rc: $(cat ro.err ro.out | head -3)"
    fi
fi

echo "FAULTS runs: $failures failure(s) in $(($(date +%s) - start)) s"
[ $failures -eq 0 ]
