#!/bin/sh
# Runs every test program (cmocka), every Python test and every basics example, and
# prints one closing summary line. Exits non-zero if anything failed.
#   tools/run-tests.sh BUILD_DIR [WRAPPER...]
BUILD=$(cd "$1" && pwd)
shift
WRAPPER="$*"
ROOT=$(pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
failed_names=""

fail() {
    failed=$((failed + ${2:-1}))
    failed_names="$failed_names $1"
}

# A python3 that has h5py: /usr/bin/python3 first (Debian's python3-h5py), then the
# others on PATH in order (a pyenv or venv python3 often comes first without it).
find_python() {
    IFS=:
    for d in /usr/bin $PATH; do
        IFS=' '
        p="$d/python3"
        [ -x "$p" ] && "$p" -c 'import h5py' >/dev/null 2>&1 && { echo "$p"; return; }
    done
    IFS=' '
}
PYTHON=$(find_python)

for t in "$BUILD"/tests/test_*; do
    case "$t" in *.d) continue ;; esac # dependency lists of the build
    if [ ! -x "$t" ]; then
        echo "skip $(basename "$t") (not an executable)"
        continue
    fi
    name=$(basename "$t")
    mkdir -p "$WORK/$name"
    out="$WORK/$name.log"
    # Tests run in their own scratch directory: files they write go away afterwards.
    (cd "$WORK/$name" && SNX_BUILD="$BUILD" $WRAPPER "$t") >"$out" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    passed=$((passed + p))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        [ "$f" -eq 0 ] && f=1
        fail "$name" "$f"
        cat "$out"
    else
        echo "ok   $name ($p tests)"
    fi
done

for t in tests/test_*.py; do
    [ -f "$t" ] || continue
    name=$(basename "$t")
    out="$WORK/$name.log"
    if [ -z "$PYTHON" ]; then
        echo "FAIL $name: no python3 with h5py (on Debian: apt-get install python3-h5py)"
        fail "$name"
        continue
    fi
    if (cd "$WORK" && SNX_BUILD="$BUILD" "$PYTHON" "$ROOT/$t") >"$out" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        fail "$name"
        cat "$out"
    fi
done

# The basics examples check their own results (tests/test_examples.py runs the
# tutorial, examples/lif, and checks its file).
for e in "$BUILD"/examples/basics/*; do
    case "$e" in *.d) continue ;; esac
    if [ ! -x "$e" ]; then
        echo "skip $(basename "$e") (not an executable)"
        continue
    fi
    name=$(basename "$e")
    mkdir -p "$WORK/ex_$name"
    out="$WORK/ex_$name.log"
    if (cd "$WORK/ex_$name" && $WRAPPER "$e") >"$out" 2>&1; then
        passed=$((passed + 1))
        echo "ok   example $name"
    else
        fail "example_$name"
        cat "$out"
    fi
done

echo "SUMMARY: $passed passed, $failed failed${failed_names:+ (failed:$failed_names)}"
[ "$failed" -eq 0 ]
