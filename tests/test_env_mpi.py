"""MPI sweeps (docs/CLUSTER.md) under `mpirun --oversubscribe -np 3` on this machine:
rank 0 writes, ranks 1 and 2 run two worker processes each. With
$SNX_BUILD/tools/runs_sweep (tools/faults/runs_sweep.c) and
tools/faults/runs_compare.py (h5py: every completed run's datasets, columns and seed
equal to a reference sweep's, value for value):

  - 200 runs over MPI equal the single-machine sweep bit for bit;
  - a run process and a worker process killed with SIGKILL mid-sweep: their runs fail
    alone with their reasons, the others complete, resume completes the sweep;
  - a worker rank killed with SIGKILL under --enable-recovery: rank 0 gives it up
    after rank_timeout (3 s) and runs its runs elsewhere; the sweep finishes complete;
  - a worker rank killed without it: Open MPI ends the job; resume from the file
    (on one machine, without mpirun) completes it;
  - rank 0 (the writer) killed mid-sweep: the file opens at its last commit, resume
    under mpirun completes it; under --enable-recovery the worker ranks give up
    their silent writer after rank_timeout and the job ends;
  - rank 0 failing before the sweep (snx_env_new refuses a file that holds the
    trajectory): the worker ranks, waiting for a sweep that never starts, hear that
    rank 0 ended and end too, at once (the job waited for ever), the file untouched;
  - runs whose monitors stream (runs_sweep's stream modes: a run that streamed
    nothing fails): over MPI they store what the same sweep stores on one machine,
    and what it stores with monitors that keep everything, value for value, in
    datasets that grew piece by piece; a worker rank killed mid-stream, with
    --enable-recovery (its runs run again elsewhere) or without (resume), and rank 0
    killed mid-stream then resumed: every completed run complete, no pieces left in
    the staging area (_streams);
  - a worker rank whose program builds another trajectory (RUNS_SWEEP_DIFFER set on
    rank 2 alone, with mpirun's MPMD syntax): rank 0 refuses it with a message
    naming what differs, the sweep ends, the file holds no pieces and only complete
    runs, and resuming with the same program on every rank completes it.
Skipped (passes, saying so) when snex was built without MPI."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import h5py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.environ["SNX_BUILD"])
SWEEP = os.path.join(BUILD, "tools", "runs_sweep")
COMPARE = os.path.join(ROOT, "tools", "faults", "runs_compare.py")
# Under ASan the ranks check for leaks like every test: Open MPI's own are
# suppressed (tools/lsan-mpi.supp says how).
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1",
           OMPI_MCA_mca_base_component_disable_dlclose="1",
           PMIX_MCA_mca_base_component_disable_dlclose="1",
           LSAN_OPTIONS="suppressions=%s:fast_unwind_on_malloc=0" %
           os.path.join(ROOT, "tools", "lsan-mpi.supp"))
MPIRUN = ["mpirun", "--oversubscribe", "-np", "3"]
RECOVERY = ["mpirun", "--oversubscribe", "--enable-recovery", "-np", "3"]


def built_with_mpi():
    nm = subprocess.run(["nm", os.path.join(BUILD, "libsnex.a")], capture_output=True,
                        text=True)
    return " U MPI_Init_thread" in nm.stdout and subprocess.run(
        ["sh", "-c", "command -v mpirun"], capture_output=True).returncode == 0


def compare(path, clean, everything):
    out = subprocess.run([sys.executable, COMPARE, path, clean] +
                         (["--all"] if everything else []), capture_output=True, text=True)
    assert out.returncode == 0, "%s differs from %s: %s" % (path, clean, out.stdout + out.stderr)
    return out.stdout.strip()


def no_sanitizer_reports(out):
    """A job expected to fail must fail for its reason only (under ASan a report
    would hide among the expected non-zero exits)."""
    assert "Sanitizer" not in out.stderr, out.stderr[-3000:]


def sweep(args, mpi=None, check=None, timeout=120):
    cmd = (mpi or []) + [SWEEP] + args
    out = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=timeout)
    if check is not None:
        assert out.returncode == check, "%s: exit %d, expected %d: %s" % (
            " ".join(cmd), out.returncode, check, (out.stdout + out.stderr)[-2000:])
    return out


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def ranks(mpirun_pid):
    """{rank: pid} of the job mpirun started on this machine."""
    out = {}
    for pid in children(mpirun_pid):
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                env = dict(v.split(b"=", 1) for v in f.read().split(b"\0") if b"=" in v)
        except OSError:
            continue
        if b"OMPI_COMM_WORLD_RANK" in env:
            out[int(env[b"OMPI_COMM_WORLD_RANK"])] = pid
    return out


def start(args, mpi, env=None):
    p = subprocess.Popen(mpi + [SWEEP] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env or ENV)
    deadline = time.time() + 20
    while time.time() < deadline:
        r = ranks(p.pid)
        # running: every worker rank has its worker processes, which run runs
        if len(r) == 3 and all(children(r[k]) and any(children(w) for w in children(r[k]))
                               for k in (1, 2)):
            return p, r
        time.sleep(0.02)
    p.kill()
    raise AssertionError("the MPI sweep did not start its runs in 20 s")


def running(pid):
    """Whether pid is a process that has not ended (not a zombie waiting for wait)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_first(found, timeout=10):
    """SIGKILL to the first running process of what found() returns, once it returns
    one: a run lasts 150 ms, so the one found may end before the kill (seen: the kill
    failed with ProcessLookupError); then look again."""
    end = time.time() + timeout
    while time.time() < end:
        for pid in found():
            try:
                if running(pid):
                    os.kill(pid, 9)
                    return pid
            except ProcessLookupError:
                pass
        time.sleep(0.005)
    raise AssertionError("no such process within %d s" % timeout)


def finish(p):
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def test_equal_to_one_machine(work):
    sweep(["one.hdf5", "clean", "200"], check=0)
    t0 = time.time()
    sweep(["mpi.hdf5", "clean", "200"], mpi=MPIRUN, check=0)
    print("ok   200 runs on 3 ranks equal the single-machine sweep (%s, %.1f s)" %
          (compare("mpi.hdf5", "one.hdf5", True), time.time() - t0))


def test_killed_run_and_worker_processes(work):
    # a run process in the middle of its run: one whose marker is in midrun/ (a run
    # process just found may be reporting or exiting, which takes a while under
    # AddressSanitizer: killed then, its run completed and the test failed)
    midrun = os.path.join(work, "midrun")
    os.makedirs(midrun, exist_ok=True)
    env = dict(ENV, RUNS_SWEEP_MIDRUN=midrun)
    p, r = start(["procs.hdf5", "slow", "40"], MPIRUN, env)
    time.sleep(0.3) # mid-run: runs take 150 ms, one after the other

    def marked():
        return {int(f) for f in os.listdir(midrun) if f.isdigit()}

    # a run process of rank 1, then a worker process of rank 2 whose run is mid-run
    kill_first(lambda: [c for w in children(r[1]) for c in children(w) if c in marked()])
    kill_first(lambda: [w for w in children(r[2]) if set(children(w)) & marked()])
    rc, out, err = finish(p)
    assert rc != 0, "the sweep did not notice its killed processes: %s" % out
    failed = [l for l in out.splitlines() if "failed" in l]
    assert any("killed by signal SIGKILL" in l for l in failed), out + err
    assert any("its worker process was killed by SIGKILL" in l for l in failed), out + err
    assert len(failed) == 2, "expected 2 failed runs: %s" % failed
    partial = compare("procs.hdf5", "clean40.hdf5", False)
    sweep(["procs.hdf5", "clean", "40", "resume"], mpi=MPIRUN, check=0)
    compare("procs.hdf5", "clean40.hdf5", True)
    print("ok   a killed run process and a killed worker process fail their runs alone "
          "(%s); resume completes the sweep" % partial)


def test_killed_worker_rank_with_recovery(work):
    p, r = start(["rank.hdf5", "slow", "40"], RECOVERY)
    t0 = time.time()
    os.kill(r[2], 9)
    rc, out, err = finish(p)
    assert "run 39 ok" in out, "rank 0 did not finish the sweep: exit %d %s" % (rc, err[-800:])
    print("ok   worker rank 2 killed (--enable-recovery): rank 0 gave it up and finished "
          "the sweep alone in %.1f s (%s)" % (time.time() - t0,
                                              compare("rank.hdf5", "clean40.hdf5", True)))


def killed_then_resumed(name, rank, mpi, resume_mpi, mode="clean"):
    """Kills rank `rank` of a sweep of 40 slow runs of mode (clean or stream) 0.6 s
    after its runs started; resumes it to the end."""
    p, r = start([name, "slow" if mode == "clean" else mode + "-slow", "40"], mpi)
    time.sleep(0.6)
    t0 = time.time()
    os.kill(r[rank], 9)
    rc, out, err = finish(p)
    # (under --enable-recovery mpirun's exit status is 0 whatever the ranks say)
    assert rc != 0 or mpi == RECOVERY, "mpirun went on after rank %d was killed" % rank
    assert "run 39 ok" not in out, "the sweep finished without its writer?"
    reference = mode + "40.hdf5"
    partial = compare(name, reference, False)
    ended = time.time() - t0
    sweep([name, mode, "40", "resume"], mpi=resume_mpi, check=0)
    compare(name, reference, True)
    return partial, ended


def test_killed_worker_rank_without_recovery(work):
    partial, _ = killed_then_resumed("norecovery.hdf5", 1, MPIRUN, None)
    print("ok   worker rank 1 killed: Open MPI ended the job, the file opened at %s, "
          "resume without mpirun completed it" % partial)


def test_killed_writer_then_resumed(work):
    partial, _ = killed_then_resumed("writer.hdf5", 0, MPIRUN, MPIRUN)
    print("ok   rank 0 (the writer) killed: the file opened at %s, resume under mpirun "
          "completed it" % partial)


def test_killed_writer_with_recovery(work):
    partial, ended = killed_then_resumed("writer2.hdf5", 0, RECOVERY, MPIRUN)
    assert ended < 15, "the worker ranks took %.1f s to give up their writer" % ended
    print("ok   rank 0 killed (--enable-recovery): the worker ranks gave up after %.1f s, "
          "the file opened at %s, resume completed it" % (ended, partial))


def test_writer_fails_before_the_sweep(work):
    shutil.copy("clean40.hdf5", "taken.hdf5")
    t0 = time.time()
    out = sweep(["taken.hdf5", "clean", "40"], mpi=MPIRUN, timeout=60)
    took = time.time() - t0
    assert out.returncode != 0, out.stdout
    assert 'runs_sweep: taken.hdf5 already holds a trajectory "faults": continue it with ' \
        'resume' in out.stderr, out.stderr
    quit = "runs_sweep: MPI: rank 0 (the writer) ended without starting this sweep: see " \
        "its messages"
    assert out.stderr.count(quit) == 2, out.stderr # from ranks 1 and 2
    no_sanitizer_reports(out)
    assert took < 20, "the job took %.1f s to end" % took
    compare("taken.hdf5", "clean40.hdf5", True)
    print("ok   rank 0 refused the file before the sweep: the worker ranks ended too, the "
          "job in %.1f s, the file untouched" % took)


def streamed(path):
    """The runs' datasets that grew piece by piece (chunked, unlimited along their
    last axis), counted by name."""
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and "/run_0" in "/" + name and obj.ndim and \
                    obj.maxshape[-1] is None:
                leaf = "/".join(name.split("/")[-2:])
                found[leaf] = found.get(leaf, 0) + 1
        f["faults/results"].visititems(visit)
    return found


def test_streamed_equal_to_one_machine(work):
    t0 = time.time()
    sweep(["mpi_stream.hdf5", "stream", "40"], mpi=MPIRUN, check=0)
    took = time.time() - t0
    # equal to the same sweep on one machine, and to monitors that kept everything
    compare("mpi_stream.hdf5", "stream40.hdf5", True)
    compare("mpi_stream.hdf5", "kept40.hdf5", True)
    # and it streamed: every run's spike list and trace grew piece by piece
    grown = streamed("mpi_stream.hdf5")
    assert grown == {"spikes/i": 40, "spikes/t": 40, "v/t": 40, "v/v": 40}, grown
    assert not streamed("kept40.hdf5")
    print("ok   40 runs streaming their monitors on 3 ranks equal the single-machine "
          "sweep and the kept monitors (%.1f s; %d datasets grew piece by piece)" %
          (took, sum(grown.values())))


def test_killed_worker_rank_mid_stream_with_recovery(work):
    p, r = start(["rank_stream.hdf5", "stream-slow", "40"], RECOVERY)
    time.sleep(0.1) # its runs have streamed their first pieces (every 30 ms)
    t0 = time.time()
    os.kill(r[2], 9)
    rc, out, err = finish(p)
    assert "run 39 ok" in out, "rank 0 did not finish the sweep: exit %d %s" % (rc, err[-800:])
    assert "failed" not in out, out
    print("ok   worker rank 2 killed mid-stream (--enable-recovery): its runs streamed "
          "again elsewhere, the sweep finished in %.1f s (%s, no _streams left)" %
          (time.time() - t0, compare("rank_stream.hdf5", "stream40.hdf5", True)))


def test_killed_worker_rank_mid_stream_then_resumed(work):
    partial, _ = killed_then_resumed("norecovery_stream.hdf5", 1, MPIRUN, None, "stream")
    print("ok   worker rank 1 killed mid-stream: Open MPI ended the job, the file opened "
          "at %s, resume without mpirun completed it, no _streams left" % partial)


def test_killed_writer_mid_stream_then_resumed(work):
    partial, _ = killed_then_resumed("writer_stream.hdf5", 0, MPIRUN, MPIRUN, "stream")
    print("ok   rank 0 killed mid-stream: the file opened at %s, resume under mpirun "
          "completed it, no _streams left" % partial)


def test_rank_with_another_trajectory(work):
    for differ, what in (
            ("value", 'parameter "parameters.tau" is 20 ms on rank 2, 10 ms on rank 0'),
            ("explored", 'parameter "parameters.x" (explored) has other values on rank 2 '
                         'than on rank 0')):
        name = "other_%s.hdf5" % differ
        args = [SWEEP, name, "stream", "40"]
        cmd = ["mpirun", "--oversubscribe", "-np", "2"] + args + \
            [":", "-np", "1", "-x", "RUNS_SWEEP_DIFFER=" + differ] + args
        out = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=60)
        assert out.returncode != 0, out.stdout
        why = "runs_sweep: MPI: rank 2 built another trajectory than rank 0: %s; every " \
            "rank must run the same program with the same parameters" % what
        assert why in out.stderr.splitlines(), out.stderr
        no_sanitizer_reports(out)
        # what the file holds is whole: completed runs (if any) equal the clean
        # ones, no pieces of the runs that were running
        partial = compare(name, "stream40.hdf5", False)
        with h5py.File(name, "r") as f:
            assert "_streams" not in f["faults"], list(f["faults/_streams"])
        print("ok   rank 2 built another trajectory (%s): refused, the file opened at %s, "
              "no _streams" % (differ, partial))
    sweep([name, "stream", "40", "resume"], mpi=MPIRUN, check=0)
    compare(name, "stream40.hdf5", True)
    print("ok   resumed with the same trajectory on every rank: complete")


def main():
    if not built_with_mpi():
        print("skip test_env_mpi: snex built without MPI, or no mpirun")
        return
    with tempfile.TemporaryDirectory() as work:
        os.chdir(work)
        for mode in ("clean", "stream", "kept"): # the references, on one machine
            sweep([mode + "40.hdf5", mode, "40"], check=0)
        for t in (test_equal_to_one_machine, test_killed_run_and_worker_processes,
                  test_killed_worker_rank_with_recovery,
                  test_killed_worker_rank_without_recovery, test_killed_writer_then_resumed,
                  test_killed_writer_with_recovery, test_writer_fails_before_the_sweep,
                  test_streamed_equal_to_one_machine,
                  test_killed_worker_rank_mid_stream_with_recovery,
                  test_killed_worker_rank_mid_stream_then_resumed,
                  test_killed_writer_mid_stream_then_resumed,
                  test_rank_with_another_trajectory):
            t(work)


if __name__ == "__main__":
    main()
