"""The code in README.md, docs/GUIDE.md and docs/MODELS.md compiles and runs.

README.md: every ```c block that holds `int main(` is a whole program; each is
compiled against the library just built (with the project's warning flags) and run in
a scratch folder of its own; it must exit 0, and what it stores must be in its one
HDF5 file.

docs/GUIDE.md is one walk-through, run top to bottom in one scratch folder, so that
later blocks read what earlier ones wrote:
  - ```c with `int main(`: compiled (the program is named by the file its first
    comment line names, "/* lif_sweep.c: ..." -> lif_sweep; block_<k> otherwise) and,
    unless a later ```console block runs it, run at once; it must exit 0;
  - ```console: each "$ command" is run with sh, the snex command and the programs
    compiled so far on PATH; it must exit 0, and the lines shown under it must be
    what it writes to stdout ("..." stands for any number of lines). Commands that
    build ("cc ...", "make ...") are skipped: the test builds with the tree's library;
  - ```python: run with /usr/bin/python3 (matplotlib without a display), unless its
    first line is "# not run"; it must exit 0. Blocks that import pandas are skipped,
    with a note, when that python3 has no pandas (Debian: python3-pandas);
  - ```sh, ```text and the rest are not run.
docs/MODELS.md (the model language): every ```c block with `int main(` is a whole
program, compiled and run in a scratch folder of its own; it must exit 0. When the
next block is fenced ```output, the program's stdout must be what it shows ("..."
stands for any number of lines, as in the guide's console blocks): the error messages
quoted there are the engine's own.
In all three files a ```c block without `int main(` is a fragment and must say so in
its first line ("/* fragment ..."), so that no whole program escapes the test by
mistake.
"""
import glob
import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.environ["SNX_BUILD"])
PYTHON = "/usr/bin/python3"


def pkg_libs():
    out = subprocess.run(["pkg-config", "--libs", "hdf5", "gsl"], capture_output=True,
                         text=True, check=True).stdout.split()
    # a libsnex.a built with MPI sweeps (Open MPI installed) needs libmpi
    mpi = subprocess.run(["pkg-config", "--libs", "ompi-c"], capture_output=True, text=True)
    return out + (mpi.stdout.split() if mpi.returncode == 0 else []) + ["-lm", "-fopenmp"]


def cflags():
    flags = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror",
             "-I" + os.path.join(ROOT, "include")]
    if "asan" in os.path.basename(BUILD):
        flags += ["-fsanitize=address,undefined"]
    return flags


def blocks(path):
    """(language, code, line number) of every fenced block, in order."""
    text = open(path).read()
    out = []
    for m in re.finditer(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", text, re.S | re.M):
        out.append((m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1))
    return out


def where(path, line):
    return "%s:%d" % (os.path.relpath(path, ROOT), line)


def check_fragment(path, code, line):
    assert code.lstrip().startswith("/* fragment"), (
        "%s: a C block without main must begin with \"/* fragment\" (or be a whole "
        "program)" % where(path, line))


def compile_program(code, folder, name):
    src, exe = os.path.join(folder, name + ".c"), os.path.join(folder, name)
    open(src, "w").write(code)
    subprocess.run(["cc"] + cflags() + ["-o", exe, src, os.path.join(BUILD, "libsnex.a")]
                   + pkg_libs(), check=True)
    return exe


def program_name(code, k):
    m = re.match(r"\s*/\*\s*([A-Za-z0-9_]+)\.c\b", code)
    return m.group(1) if m else "block_%d" % k


# ---- README.md --------------------------------------------------------------------

def readme():
    path = os.path.join(ROOT, "README.md")
    n = 0
    for k, (lang, code, line) in enumerate(blocks(path)):
        if lang != "c":
            continue
        if "int main(" not in code:
            check_fragment(path, code, line)
            continue
        with tempfile.TemporaryDirectory() as folder:
            exe = compile_program(code, folder, "taste")
            p = subprocess.run([exe], cwd=folder, capture_output=True, text=True)
            assert p.returncode == 0, "%s: exit %d\n%s" % (where(path, line), p.returncode,
                                                          p.stderr)
            files = glob.glob(os.path.join(folder, "hdf5", "*.hdf5"))
            assert len(files) == 1, files
            print("%s: ok (%s)" % (where(path, line), os.path.basename(files[0])))
        n += 1
    assert n >= 2, "README.md has %d whole C programs" % n


# ---- docs/GUIDE.md -----------------------------------------------------------------

def console_commands(code):
    """(command, expected stdout lines) of a console block."""
    out = []
    for raw in code.splitlines():
        if raw.startswith("$ "):
            out.append((raw[2:].strip(), []))
        elif out:
            out[-1][1].append(raw.rstrip())
        elif raw.strip():
            raise AssertionError("console block: output before any \"$ \" command: %r" % raw)
    return out


def matches(expected, actual):
    """Whether actual (lines) is expected, where a line "..." stands for any lines."""
    while expected and not expected[-1]:
        expected = expected[:-1]
    while actual and not actual[-1]:
        actual = actual[:-1]
    chunks, chunk = [], []
    for line in expected:
        if line.strip() == "...":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(line)
    chunks.append(chunk)
    if len(chunks) == 1:
        return actual == chunks[0]
    first, last = chunks[0], chunks[-1]
    if actual[:len(first)] != first or (last and actual[len(actual) - len(last):] != last):
        return False
    at, end = len(first), len(actual) - len(last)
    for chunk in chunks[1:-1]:
        while at + len(chunk) <= end and actual[at:at + len(chunk)] != chunk:
            at += 1
        if at + len(chunk) > end:
            return False
        at += len(chunk)
    return at <= end


def has_pandas():
    return subprocess.run([PYTHON, "-c", "import pandas"], capture_output=True).returncode == 0


def guide():
    path = os.path.join(ROOT, "docs", "GUIDE.md")
    all_blocks = blocks(path)
    # Programs a console block runs ("./name") are run there, not when compiled.
    run_later = set()
    for lang, code, _ in all_blocks:
        if lang == "console":
            run_later.update(re.findall(r"\./([A-Za-z0-9_]+)", code))
    pandas = has_pandas()
    counts = {"c": 0, "console": 0, "python": 0}
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, MPLBACKEND="Agg",
                   PATH=os.pathsep.join([folder, os.path.join(BUILD, "tools"),
                                         os.environ.get("PATH", "")]))
        for k, (lang, code, line) in enumerate(all_blocks):
            at = where(path, line)
            if lang == "c":
                if "int main(" not in code:
                    check_fragment(path, code, line)
                    continue
                name = program_name(code, k)
                exe = compile_program(code, folder, name)
                if name not in run_later:
                    p = subprocess.run([exe], cwd=folder, capture_output=True, text=True,
                                       env=env)
                    assert p.returncode == 0, "%s: %s exit %d\n%s%s" % (
                        at, name, p.returncode, p.stdout, p.stderr)
                print("%s: ok (%s.c)" % (at, name))
                counts["c"] += 1
            elif lang == "console":
                for cmd, expected in console_commands(code):
                    if re.match(r"(cc|make)\b", cmd):
                        continue
                    p = subprocess.run(["sh", "-c", cmd], cwd=folder, capture_output=True,
                                       text=True, env=env)
                    assert p.returncode == 0, "%s: `%s`: exit %d\n%s%s" % (
                        at, cmd, p.returncode, p.stdout, p.stderr)
                    actual = p.stdout.splitlines()
                    assert not expected or matches(expected, actual), (
                        "%s: `%s` printed\n%s\nbut the guide shows\n%s" % (
                            at, cmd, "\n".join(actual), "\n".join(expected)))
                    print("%s: ok ($ %s)" % (at, cmd if len(cmd) < 64 else cmd[:60] + " ..."))
                counts["console"] += 1
            elif lang == "python":
                if code.lstrip().startswith("# not run"):
                    print("%s: not run (marked)" % at)
                    continue
                if re.search(r"^\s*(import|from) pandas", code, re.M) and not pandas:
                    print("%s: SKIPPED: %s has no pandas (Debian: python3-pandas)" % (at, PYTHON))
                    continue
                script = os.path.join(folder, "block_%d.py" % k)
                open(script, "w").write(code)
                p = subprocess.run([PYTHON, script], cwd=folder, capture_output=True,
                                   text=True, env=env)
                assert p.returncode == 0, "%s: python exit %d\n%s%s" % (
                    at, p.returncode, p.stdout, p.stderr)
                print("%s: ok (python)" % at)
                counts["python"] += 1
    assert counts["c"] >= 3 and counts["console"] >= 2 and (counts["python"] >= 3 or not pandas), \
        "docs/GUIDE.md: too few blocks found (%s): is the fence syntax intact?" % counts
    print("docs/GUIDE.md: %(c)d programs, %(console)d console blocks, %(python)d Python "
          "blocks" % counts)


# ---- docs/MODELS.md ----------------------------------------------------------------

def models():
    path = os.path.join(ROOT, "docs", "MODELS.md")
    all_blocks = blocks(path)
    n = checked = 0
    for k, (lang, code, line) in enumerate(all_blocks):
        at = where(path, line)
        if lang == "output" and (k == 0 or all_blocks[k - 1][0] != "c"):
            raise AssertionError("%s: an output block must follow a C program" % at)
        if lang != "c":
            continue
        if "int main(" not in code:
            check_fragment(path, code, line)
            continue
        with tempfile.TemporaryDirectory() as folder:
            exe = compile_program(code, folder, program_name(code, k))
            p = subprocess.run([exe], cwd=folder, capture_output=True, text=True)
        assert p.returncode == 0, "%s: exit %d\n%s%s" % (at, p.returncode, p.stdout, p.stderr)
        if k + 1 < len(all_blocks) and all_blocks[k + 1][0] == "output":
            expected = all_blocks[k + 1][1].splitlines()
            actual = p.stdout.splitlines()
            assert matches(expected, actual), "%s printed\n%s\nbut docs/MODELS.md shows\n%s" % (
                at, "\n".join(actual), "\n".join(expected))
            checked += 1
        print("%s: ok" % at)
        n += 1
    assert n >= 15 and checked >= 15, \
        "docs/MODELS.md: %d programs, %d with output: is the fence syntax intact?" % (n, checked)
    print("docs/MODELS.md: %d programs, %d outputs compared" % (n, checked))


def main():
    readme()
    guide()
    models()


if __name__ == "__main__":
    main()
