/* Interruption and resume: Ctrl-C stops the dispatch and stores what completed;
 * a second signal or the end of the grace period kills running runs; a writer killed
 * with SIGKILL leaves no run process behind; resuming runs only the runs the file
 * does not mark completed and ends with the same stored results as a clean sweep.
 *
 * Nothing here sleeps for a fixed time and hopes: processes signal progress with
 * marker files, and the tests wait for those. */
#include "env_test.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define N_RUNS 24

static int build(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "x", snx_int(0), NULL))
        return -1;
    return snx_test_explore_ints(traj, "x", N_RUNS, 10);
}

typedef struct ctx {
    const char *exec_log;   /* every executed run appends its index */
    pid_t writer;           /* the process to signal */
    long signal_at;         /* the run that sends SIGINT to the writer (-1: none) */
    long hang_from;         /* runs from here on write a marker and hang (-1: none) */
    const char *ack_log;    /* runs after signal_at wait for the writer's log to say
                               that it received the signal */
} ctx;

static int wait_for_line(const char *path, const char *text, double timeout);

static void touch_marker(long idx)
{
    char path[64], line[32];
    snprintf(path, sizeof path, "started_%ld", idx);
    snprintf(line, sizeof line, "%ld\n", (long)getpid());
    fake_append(path, line);
    fake_append("hanging", line);
}

static int run(snx_traj *traj, void *data, snx_value *result)
{
    const ctx *c = data;
    long idx = snx_traj_run_idx(traj);
    char line[32];
    snprintf(line, sizeof line, "%ld\n", idx);
    if (c->exec_log)
        fake_append(c->exec_log, line);
    if (idx == c->signal_at)
        kill(c->writer, SIGINT);
    if (c->ack_log && idx > c->signal_at && wait_for_line(c->ack_log, "SIGINT received", 20))
        return snx_error(SNX_EIO, "the writer did not see the signal");
    if (c->hang_from >= 0 && idx >= c->hang_from) {
        touch_marker(idx);
        for (;;)
            pause();
    }
    int64_t x = snx_traj_int(traj, "x");
    uint64_t seed = snx_env_run_seed(traj);
    if (!snx_traj_add_result(traj, "$set.$.y", snx_int(x * x + (int64_t)(seed % 1000)), NULL))
        return snx_errcode();
    *result = snx_int(x);
    return 0;
}

static snx_env *make_env_logged(const char *file, int resume, double grace,
                                const char *log_folder)
{
    fake_build = build;
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .storage = &fake_storage,
                                                .filename = file, .n_workers = 2,
                                                .resume = resume, .seed = 7,
                                                .grace_period = grace, .log_folder = log_folder,
                                                .log_level = SNX_LOG_WARNING });
    assert_non_null(env);
    if (!snx_env_resuming(env))
        assert_ok(build(snx_env_traj(env)));
    return env;
}

static snx_env *make_env(const char *file, int resume, double grace)
{
    return make_env_logged(file, resume, grace, "");
}

static void clean_sweep(const char *file)
{
    unlink(file);
    snx_env *env = make_env(file, 0, 0);
    ctx c = { .signal_at = -1, .hang_from = -1 };
    assert_ok(snx_env_run(env, run, &c));
    snx_env_free(env);
}

static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[64];
    long n = 0;
    while (fgets(line, sizeof line, f))
        n++;
    fclose(f);
    return n;
}

/* Waits until the file has a line containing `text`. */
static int wait_for_line(const char *path, const char *text, double timeout)
{
    struct timespec step = { .tv_nsec = 2000000 };
    for (double waited = 0; waited < timeout; waited += 0.002) {
        FILE *f = fopen(path, "r");
        char line[512];
        int found = 0;
        while (f && !found && fgets(line, sizeof line, f))
            found = strstr(line, text) != NULL;
        if (f)
            fclose(f);
        if (found)
            return 0;
        nanosleep(&step, NULL);
    }
    return -1;
}

/* A process is gone when it no longer exists or is a zombie. */
static int process_gone(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *close_paren = strrchr(buf, ')');
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

static int wait_gone(pid_t pid, double timeout)
{
    struct timespec step = { .tv_nsec = 2000000 };
    for (double waited = 0; waited < timeout; waited += 0.002) {
        if (process_gone(pid))
            return 0;
        nanosleep(&step, NULL);
    }
    return -1;
}

/* The pid on line `k` (from 0) of a marker file, or -1. */
static long read_pid(const char *marker, int k)
{
    FILE *f = fopen(marker, "r");
    long pid = -1;
    for (int line = 0; f && line <= k; line++)
        if (fscanf(f, "%ld", &pid) != 1)
            pid = -1;
    if (f)
        fclose(f);
    return pid;
}

/* Waits until `n` runs hang. */
static int wait_hanging(int n, double timeout)
{
    struct timespec step = { .tv_nsec = 2000000 };
    for (double waited = 0; waited < timeout; waited += 0.002) {
        if (count_lines("hanging") >= n)
            return 0;
        nanosleep(&step, NULL);
    }
    return -1;
}

/* Resumes `file` and checks the result against a clean sweep. */
static void resume_and_compare(const char *file, long completed_before)
{
    unlink("exec2.txt");
    snx_env *env = make_env(file, 1, 0);
    assert_true(snx_env_resuming(env));
    ctx c = { .exec_log = "exec2.txt", .signal_at = -1, .hang_from = -1 };
    assert_ok(snx_env_run(env, run, &c));
    assert_int_equal(snx_env_n_completed(env), N_RUNS);
    /* Only the runs the file did not have ran again. */
    assert_int_equal(count_lines("exec2.txt"), N_RUNS - completed_before);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    long earlier = 0;
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(res[k].status, 0);
        earlier += res[k].earlier;
    }
    assert_int_equal(earlier, completed_before);
    snx_env_free(env);
    clean_sweep("clean.txt");
    assert_same_runs(file, "clean.txt", N_RUNS);
}

static long runs_in_file(const char *file)
{
    char **dumps = NULL;
    fake_read(file, &dumps, N_RUNS);
    long n = 0;
    for (int k = 0; k < N_RUNS; k++)
        n += dumps && dumps[k];
    fake_free_dumps(dumps, N_RUNS);
    return n;
}

static void test_sigint_stops_then_resume_finishes(void **state)
{
    (void)state;
    unlink("interrupted.txt");
    snx_env *env = make_env_logged("interrupted.txt", 0, 0, "logs_int");
    ctx c = { .writer = getpid(), .signal_at = 3, .hang_from = -1,
              .ack_log = "logs_int/sweep.log" };
    assert_fails(snx_env_run(env, run, &c), SNX_ESTATE, "SNX_RESUME=sweep");
    assert_int_equal(snx_env_interrupted(env), SIGINT);
    size_t done = snx_env_n_completed(env);
    assert_true(done >= 1 && done <= 3 + 2 * 2); /* run 3, and what had started */
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    assert_int_equal(res[3].status, 0); /* the signalling run itself finished (grace) */
    size_t not_run = 0;
    for (size_t k = 0; k < n; k++) {
        not_run += res[k].status == SNX_ENODATA;
        if (res[k].status == SNX_ERUN)
            print_error("run %zu failed: %s\n", k, res[k].error);
    }
    assert_int_equal(snx_env_n_failed(env), 0);
    assert_int_equal(not_run, N_RUNS - done);
    assert_int_equal(snx_env_n_failed(env), 0);
    snx_env_free(env);
    assert_int_equal(runs_in_file("interrupted.txt"), (long)done);
    resume_and_compare("interrupted.txt", (long)done);
}

/* Hanging runs are killed at the end of the grace period. */
static void test_grace_period_ends_with_a_kill(void **state)
{
    (void)state;
    unlink("grace.txt");
    snx_env *env = make_env("grace.txt", 0, 0.2);
    ctx c = { .writer = getpid(), .signal_at = 2, .hang_from = 2 };
    assert_fails(snx_env_run(env, run, &c), SNX_ESTATE, "interrupted by SIGINT");
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    assert_int_equal(res[2].status, SNX_ENODATA); /* killed, not failed */
    assert_non_null(strstr(res[2].error, "interrupted"));
    assert_int_equal(snx_env_n_failed(env), 0);
    snx_env_free(env);
    long pid = read_pid("started_2", 0);
    assert_true(pid > 0);
    assert_ok(wait_gone((pid_t)pid, 5));
    resume_and_compare("grace.txt", runs_in_file("grace.txt"));
}

/* A second signal kills the running runs at once, whatever the grace period. */
static void test_second_signal_kills_at_once(void **state)
{
    (void)state;
    unlink("second.txt");
    unlink("hanging");
    pid_t writer = getpid();
    pid_t helper = fork();
    if (helper == 0) { /* waits until both runs hang, then presses Ctrl-C twice */
        if (wait_hanging(2, 20))
            _exit(1);
        kill(writer, SIGINT);
        if (wait_for_line("logs_second/sweep.log", "SIGINT received", 20))
            _exit(2);
        kill(writer, SIGINT);
        _exit(0);
    }
    fake_build = build;
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .storage = &fake_storage,
                                                .filename = "second.txt", .n_workers = 2,
                                                .grace_period = 3600,
                                                .log_folder = "logs_second",
                                                .log_level = SNX_LOG_WARNING });
    assert_non_null(env);
    assert_ok(build(snx_env_traj(env)));
    ctx c = { .signal_at = -1, .hang_from = 0 };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_fails(snx_env_run(env, run, &c), SNX_ESTATE, "interrupted");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 60);
    assert_int_equal(snx_env_n_completed(env), 0);
    snx_env_free(env);
    int status;
    assert_int_equal(waitpid(helper, &status, 0), helper);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* kill -9 of the writer mid-sweep: no run survives it, and resume completes the
 * sweep with the same stored results as a clean one. */
static void test_sigkill_then_resume(void **state)
{
    (void)state;
    unlink("killed.txt");
    unlink("hanging");
    pid_t writer = fork();
    if (writer == 0) {
        snx_env *env = make_env("killed.txt", 0, 0);
        ctx c = { .signal_at = -1, .hang_from = 8 };
        snx_env_run(env, run, &c);
        _exit(3); /* not reached: the runs hang until the kill */
    }
    assert_ok(wait_hanging(2, 20));
    kill(writer, SIGKILL);
    int status;
    assert_int_equal(waitpid(writer, &status, 0), writer);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    /* The hanging runs die with their worker, which dies with the writer. */
    for (int k = 0; k < 2; k++) {
        long pid = read_pid("hanging", k);
        assert_true(pid > 0);
        assert_ok(wait_gone((pid_t)pid, 5));
    }
    long stored = runs_in_file("killed.txt");
    assert_true(stored <= 8);
    resume_and_compare("killed.txt", stored);
}

/* Resume when the file does not exist yet starts a new sweep. */
static void test_resume_without_file_starts_fresh(void **state)
{
    (void)state;
    unlink("fresh.txt");
    snx_env *env = make_env("fresh.txt", 1, 0);
    assert_false(snx_env_resuming(env));
    ctx c = { .signal_at = -1, .hang_from = -1 };
    assert_ok(snx_env_run(env, run, &c));
    assert_int_equal(snx_env_n_completed(env), N_RUNS);
    snx_env_free(env);
}

/* SNX_RESUME in the process environment turns resume on. */
static void test_resume_from_environment_variable(void **state)
{
    (void)state;
    clean_sweep("envvar.txt");
    setenv("SNX_RESUME", "1", 1);
    snx_env *env = make_env("envvar.txt", 0, 0);
    unsetenv("SNX_RESUME");
    assert_true(snx_env_resuming(env));
    ctx c = { .signal_at = -1, .hang_from = -1 };
    assert_ok(snx_env_run(env, run, &c));
    assert_int_equal(snx_env_n_completed(env), N_RUNS);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    assert_true(res[0].earlier && res[N_RUNS - 1].earlier);
    snx_env_free(env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigint_stops_then_resume_finishes),
        cmocka_unit_test(test_grace_period_ends_with_a_kill),
        cmocka_unit_test(test_second_signal_kills_at_once),
        cmocka_unit_test(test_sigkill_then_resume),
        cmocka_unit_test(test_resume_without_file_starts_fresh),
        cmocka_unit_test(test_resume_from_environment_variable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
