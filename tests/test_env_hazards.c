/* What runs and programs do that the Environment must survive: runs that print,
 * leave processes behind, use OpenMP after the program did, or fail with any
 * error code; programs that ignore SIGCHLD; re-running a run that is still in the
 * tree. */
#include "snx_test.h"
#include "snex/env.h"

#include <fcntl.h>
#include <omp.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N_RUNS 8

static int build(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "x", snx_int(0), NULL))
        return -1;
    return snx_test_explore_ints(traj, "x", N_RUNS, 1);
}

static snx_env *new_env(int stateless, double timeout)
{
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "hazards",
                                                .storage = SNX_ENV_NO_STORAGE,
                                                .n_workers = 2, .stateless = stateless,
                                                .run_timeout = timeout, .log_folder = "",
                                                .log_level = SNX_LOG_OFF });
    assert_non_null(env);
    assert_ok(build(snx_env_traj(env)));
    return env;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int plain_result(snx_traj *traj, snx_value *result)
{
    int64_t x = snx_traj_int(traj, "x");
    *result = snx_int(x * x);
    return snx_traj_add_result(traj, "y", snx_int(x * x), NULL) ? 0 : snx_errcode();
}

/* ---- any error code fails the run ------------------------------------------------ */

static int odd_codes(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    switch (snx_traj_run_idx(traj)) {
    case 2: return snx_error(SNX_ESTATE, "model not ready");
    case 3: return snx_error(SNX_ENODATA, "no data for this x");
    case 4: return -12345; /* not an SNX_E code at all */
    default: return plain_result(traj, result);
    }
}

static void test_every_error_code_fails_the_run(void **state)
{
    (void)state;
    snx_env *env = new_env(0, 0);
    assert_fails(snx_env_run(env, odd_codes, NULL), SNX_ERUN, "3 of 8 runs failed");
    assert_int_equal(snx_env_n_failed(env), 3);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    assert_non_null(strstr(res[2].error, "model not ready"));
    assert_non_null(strstr(res[3].error, "no data for this x"));
    assert_non_null(strstr(res[4].error, "-12345"));
    for (int k = 2; k <= 4; k++)
        assert_int_equal(res[k].status, SNX_ERUN);
    snx_env_free(env);
}

/* ---- output ------------------------------------------------------------------------ */

static int chatty(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    printf("hello from run %ld\n", snx_traj_run_idx(traj)); /* buffered: stdout is a file */
    return plain_result(traj, result);
}

/* What runs print to stdout arrives, with fresh and with reused processes. */
static void test_printed_output_is_not_lost(void **state)
{
    (void)state;
    for (int stateless = 0; stateless <= 1; stateless++) {
        int saved = snx_test_redirect(STDOUT_FILENO, "stdout.txt");
        snx_env *env = new_env(stateless, 0);
        int rc = snx_env_run(env, chatty, NULL);
        snx_env_free(env);
        snx_test_unredirect(STDOUT_FILENO, saved);
        assert_int_equal(rc, 0);
        FILE *f = fopen("stdout.txt", "r");
        assert_non_null(f);
        char line[128];
        int seen[N_RUNS] = { 0 };
        while (fgets(line, sizeof line, f)) {
            long k;
            if (sscanf(line, "hello from run %ld", &k) == 1 && k >= 0 && k < N_RUNS)
                seen[k]++;
        }
        fclose(f);
        for (int k = 0; k < N_RUNS; k++)
            assert_int_equal(seen[k], 1);
    }
}

/* ---- processes left behind -------------------------------------------------------- */

/* Every run leaves a process behind that lives 3 s (holding whatever the run held);
 * run 5 then crashes. */
static int leaves_a_process(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    pid_t p = fork();
    if (p == 0) {
        nanosleep(&(struct timespec){ .tv_sec = 3 }, NULL);
        _exit(0);
    }
    if (system("sleep 3 &") != 0)
        return snx_error(SNX_EIO, "system() failed");
    if (snx_traj_run_idx(traj) == 5) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    return plain_result(traj, result);
}

static void test_processes_left_behind_do_not_hold_up_the_sweep(void **state)
{
    (void)state;
    for (int stateless = 0; stateless <= 1; stateless++) {
        snx_env *env = new_env(stateless, 0);
        double t0 = now();
        assert_fails(snx_env_run(env, leaves_a_process, NULL), SNX_ERUN, "run_00000005");
        double dt = now() - t0;
        size_t n;
        const snx_run_result *res = snx_env_results(env, &n);
        assert_non_null(strstr(res[5].error, "SIGSEGV"));
        assert_int_equal(snx_env_n_completed(env), N_RUNS - 1);
        snx_env_free(env);
        if (dt > 2.0)
            print_error("the sweep waited %.1f s for processes its runs left\n", dt);
        assert_true(dt < 2.0); /* the leftovers live 3 s */
    }
}

/* ---- OpenMP --------------------------------------------------------------------------- */

static int uses_openmp(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    int64_t x = snx_traj_int(traj, "x"), sum = 0;
#pragma omp parallel for reduction(+ : sum) num_threads(2)
    for (int k = 0; k < 1000; k++)
        sum += x;
    *result = snx_int(sum);
    return 0;
}

/* libgomp's threads do not survive fork: after the program ran OpenMP itself, a
 * run's parallel region would wait for ever. */
static void test_openmp_in_runs_after_openmp_in_the_program(void **state)
{
    (void)state;
    int threads = 0;
#pragma omp parallel num_threads(2)
    {
#pragma omp atomic
        threads++;
    }
    assert_true(threads >= 1);
    snx_env *env = new_env(0, 20);
    assert_ok(snx_env_run(env, uses_openmp, NULL));
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(res[k].value.u.i, 1000 * (int64_t)k);
    snx_env_free(env);
}

/* ---- SIGCHLD ignored by the program ------------------------------------------------- */

static int crash_at_3(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    if (snx_traj_run_idx(traj) == 3) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    return plain_result(traj, result);
}

static void test_crash_seen_when_the_program_ignores_sigchld(void **state)
{
    (void)state;
    void (*old)(int) = signal(SIGCHLD, SIG_IGN);
    snx_env *env = new_env(0, 0);
    int rc = snx_env_run(env, crash_at_3, NULL);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    char why[256];
    snprintf(why, sizeof why, "%s", res[3].error ? res[3].error : "");
    size_t completed = snx_env_n_completed(env);
    snx_env_free(env);
    signal(SIGCHLD, old);
    assert_int_equal(rc, SNX_ERUN);
    assert_non_null(strstr(why, "killed by signal SIGSEGV"));
    assert_int_equal(completed, N_RUNS - 1);
}

/* ---- re-running a run ---------------------------------------------------------------- */

static void test_run_one_again_and_after_a_sweep(void **state)
{
    (void)state;
    snx_env *env = new_env(0, 0);
    snx_traj *traj = snx_env_traj(env);
    assert_ok(snx_env_run(env, odd_codes, NULL) == SNX_ERUN ? 0 : -1);
    snx_value v = snx_none();
    /* without storage the sweep left run 1's nodes in the tree */
    assert_ok(snx_env_run_one(env, 1, odd_codes, NULL, &v));
    assert_int_equal(v.u.i, 1);
    assert_ok(snx_env_run_one(env, 1, odd_codes, NULL, &v));
    assert_int_equal(v.u.i, 1);
    assert_int_equal(snx_traj_int(traj, "results.runs.run_00000001.y"), 1);
    snx_env_free(env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_error_code_fails_the_run),
        cmocka_unit_test(test_printed_output_is_not_lost),
        cmocka_unit_test(test_processes_left_behind_do_not_hold_up_the_sweep),
        cmocka_unit_test(test_openmp_in_runs_after_openmp_in_the_program),
        cmocka_unit_test(test_crash_seen_when_the_program_ignores_sigchld),
        cmocka_unit_test(test_run_one_again_and_after_a_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
