/* storage/: a writer killed at any moment leaves a file that opens, with every run
 * it marked completed intact. A child process stores runs as fast as it can (small
 * results in columns, every fifth run a trace in its own group) and is killed with
 * SIGKILL at random moments; the parent then opens the file and checks each run.
 * Two kills are placed exactly, by a pwrite() that stops the process: in the middle
 * of copying a commit into the file (the journal must redo it), and in the middle
 * of writing the journal (the file must stay at the commit before). */
#define _GNU_SOURCE /* syscall() */
#include "storage_test.h"

#include <hdf5.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILE_NAME "crash.hdf5"
#define N_RUNS 20000
#define TRACE_LEN 300

/* ---- fault injection: this pwrite() replaces libc's for the whole program -------- */

enum { RUN_NORMALLY, STOP_IN_COPY, STOP_IN_JOURNAL };
static int stop_mode = RUN_NORMALLY;
static int journal_seen, writes_after_journal;

static int is_journal(int fd)
{
    char link[64], path[512];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 8)
        return 0;
    path[n] = '\0';
    return strcmp(path + n - 8, ".journal") == 0;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (stop_mode == STOP_IN_JOURNAL && is_journal(fd) && n > 1) {
        syscall(SYS_pwrite64, fd, buf, n / 2, off); /* half of it reaches the disk */
        _exit(43);
    }
    if (stop_mode == STOP_IN_COPY) {
        if (is_journal(fd))
            journal_seen = 1;
        else if (journal_seen && ++writes_after_journal == 2)
            _exit(42); /* one page of the commit copied, the rest not */
    }
    return syscall(SYS_pwrite64, fd, buf, n, off);
}

static double trace_value(long run, int k) { return (double)run + k * 0.001; }

/* The child: never returns. With stop_at >= 0 it arms the fault injection after
 * storing run stop_at - 1, so that committing run stop_at stops it. */
static void writer(double commit_interval, long stop_at, int mode)
{
    snx_traj *t = snx_traj_new("crash", NULL);
    snx_hdf5_opts o = { 0 };
    o.overwrite_file = 1;
    o.commit_interval = commit_interval;
    if (!t || snx_hdf5_attach(t, FILE_NAME, &o) ||
        !snx_traj_add_parameter(t, "x", snx_int(0), NULL))
        _exit(2);
    int64_t *xs = malloc(N_RUNS * sizeof *xs);
    for (long i = 0; i < N_RUNS; i++)
        xs[i] = i;
    snx_ranges *r = snx_ranges_new();
    if (snx_ranges_add_ints(r, "x", xs, N_RUNS) || snx_traj_explore(t, r) ||
        snx_traj_store(t, NULL))
        _exit(3);
    snx_ranges_free(r);
    free(xs);
    double trace[TRACE_LEN];
    for (long i = 0; i < N_RUNS; i++) {
        if (i == stop_at)
            stop_mode = mode;
        if (snx_traj_begin_run(t, i) || !snx_traj_add_result(t, "z", snx_int(2 * i), NULL))
            _exit(4);
        if (i % 5 == 0) {
            for (int k = 0; k < TRACE_LEN; k++)
                trace[k] = trace_value(i, k);
            if (!snx_traj_add_result(t, "trace", snx_double_array(TRACE_LEN, trace), NULL))
                _exit(5);
        }
        if (snx_traj_store_run(t, i))
            _exit(6);
        snx_traj_end_run(t);
    }
    _exit(0); /* never with exit(): HDF5's atexit handlers would close the file */
}

/* Every completed run of the file has its results. Returns how many there are. */
static long check_file(void)
{
    if (!st_file_exists(FILE_NAME))
        return 0; /* killed before the file was created */
    snx_load_opts o = snx_load_defaults();
    o.results = SNX_LOAD_DATA;
    snx_traj *t = snx_hdf5_load(FILE_NAME, &o);
    if (!t) {
        /* Killed before the trajectory's first commit: the file opens, but has no
         * trajectory yet. */
        char **names;
        long n = snx_hdf5_list(FILE_NAME, &names);
        if (n < 0)
            print_error("the file does not open: %s\n", snx_errmsg());
        assert_int_equal(n, 0);
        snx_hdf5_names_free(names, n);
        return 0;
    }
    assert_int_equal(snx_traj_n_runs(t), N_RUNS);
    long completed = 0;
    char name[64];
    for (long i = 0; i < N_RUNS; i++) {
        if (!snx_traj_is_completed(t, i))
            continue;
        completed++;
        snprintf(name, sizeof name, "results.runs.run_%08ld.z", i);
        assert_int_equal(snx_traj_int(t, name), 2 * i);
        if (i % 5)
            continue;
        snprintf(name, sizeof name, "results.runs.run_%08ld.trace", i);
        const snx_value *v = snx_traj_value(t, name);
        assert_non_null(v);
        assert_int_equal(v->u.a.len, TRACE_LEN);
        for (int k = 0; k < TRACE_LEN; k++)
            assert_true(((double *)v->u.a.data)[k] == trace_value(i, k));
    }
    assert_int_equal(snx_traj_status(t), 0);
    snx_traj_free(t);
    return completed;
}

static void kill_at_random(double commit_interval, int rounds)
{
    unsigned seed = 12345;
    int journals = 0;
    long most = 0;
    for (int round = 0; round < rounds; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            writer(commit_interval, -1, RUN_NORMALLY);
        seed = seed * 1103515245u + 12345u;
        long delay_us = 20000 + (long)(seed >> 8) % 120000;
        struct timespec ts = {0, delay_us * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        if (!WIFSIGNALED(status)) /* killed, not failed: say how it ended instead */
            print_error("the writer exited with %d after %ld us instead of being killed\n",
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1, delay_us);
        assert_true(WIFSIGNALED(status));
        struct stat st;
        journals += stat(FILE_NAME ".journal", &st) == 0 && st.st_size > 0;
        long n = check_file();
        most = n > most ? n : most;
    }
    print_message("commit_interval %g: %d kills, %d left a journal to replay, up to %ld "
                  "completed runs checked\n", commit_interval, rounds, journals, most);
}

static void test_killed_writer_committing_every_run(void **state)
{
    (void)state;
    kill_at_random(-1, 6);
}

static void test_killed_writer_with_group_commits(void **state)
{
    (void)state;
    kill_at_random(0.005, 4);
}

/* Runs the writer until the fault injection stops it while committing run 50. */
static void stop_while_committing(int mode, int expected_exit)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        writer(-1, 50, mode);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), expected_exit);
}

/* Completed runs as a reader without snex sees them: HDF5's default driver, which
 * knows nothing of the journal. */
static long completed_runs_via_plain_hdf5(void)
{
    hid_t f = H5Fopen(FILE_NAME, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t ds = H5Dopen2(f, "crash/overview/runs", H5P_DEFAULT);
    hid_t ft = H5Dget_type(ds);
    hid_t member = H5Tget_member_type(ft, (unsigned)H5Tget_member_index(ft, "completed"));
    hid_t mt = H5Tcreate(H5T_COMPOUND, 1);
    H5Tinsert(mt, "completed", 0, member);
    int8_t *flags = calloc(N_RUNS, 1);
    assert_true(H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, flags) >= 0);
    long n = 0;
    for (long i = 0; i < N_RUNS; i++)
        n += flags[i];
    free(flags);
    H5Tclose(mt);
    H5Tclose(member);
    H5Tclose(ft);
    H5Dclose(ds);
    H5Fclose(f);
    return n;
}

static void test_stopped_while_copying_a_commit(void **state)
{
    (void)state;
    stop_while_committing(STOP_IN_COPY, 42);
    struct stat st;
    assert_int_equal(stat(FILE_NAME ".journal", &st), 0);
    assert_true(st.st_size > 0); /* the complete journal of run 50 */
    /* A reader overlays the journal: run 50 is there, and complete. */
    assert_int_equal(check_file(), 51);
    assert_true(st_file_exists(FILE_NAME ".journal"));
    /* A writer copies it into the file; then plain HDF5 sees the same. */
    snx_traj *t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_NOTHING);
    assert_non_null(snx_traj_add_result(t, "after", snx_int(1), NULL));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    assert_false(st_file_exists(FILE_NAME ".journal"));
    assert_int_equal(completed_runs_via_plain_hdf5(), 51);
    assert_int_equal(check_file(), 51);
}

static void test_replacing_a_file_ignores_its_journal(void **state)
{
    (void)state;
    stop_while_committing(STOP_IN_COPY, 42); /* leaves a complete journal */
    snx_traj *t = st_new("fresh", FILE_NAME);  /* overwrite_file */
    assert_non_null(snx_traj_add_parameter(t, "v", snx_int(7), NULL));
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    char **names;
    long n = snx_hdf5_list(FILE_NAME, &names);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "fresh");
    snx_hdf5_names_free(names, n);
    t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_NOTHING, SNX_LOAD_NOTHING);
    assert_int_equal(snx_traj_int(t, "v"), 7);
    snx_traj_free(t);
    assert_false(st_file_exists(FILE_NAME ".journal"));
}

static void test_stopped_while_writing_the_journal(void **state)
{
    (void)state;
    stop_while_committing(STOP_IN_JOURNAL, 43);
    /* The torn journal is ignored: the file is at run 49's commit. */
    assert_int_equal(check_file(), 50);
    assert_int_equal(completed_runs_via_plain_hdf5(), 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_killed_writer_committing_every_run),
        cmocka_unit_test(test_killed_writer_with_group_commits),
        cmocka_unit_test(test_stopped_while_copying_a_commit),
        cmocka_unit_test(test_stopped_while_writing_the_journal),
        cmocka_unit_test(test_replacing_a_file_ignores_its_journal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
