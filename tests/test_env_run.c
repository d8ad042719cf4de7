/* The Environment's run phase: every run stored, run information, pristine state
 * for every run, fault isolation (signals, abort, exit, hang, errors), identical
 * results for any number of workers and in single-process mode, post-processing with
 * expansion, the pipeline form, re-running one run, and the environment record. */
#include "env_test.h"

#include <math.h>

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define N_RUNS 12

static int build_sweep(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "x", snx_int(0), "explored") ||
        !snx_traj_add_parameter(traj, "y", snx_double(1.5), "fixed"))
        return -1;
    return snx_test_explore_ints(traj, "x", N_RUNS, 1);
}

typedef struct sweep_ctx {
    const char *exec_log; /* each run appends its index here, when set */
} sweep_ctx;

static void note_execution(const sweep_ctx *c, long idx)
{
    if (c && c->exec_log) {
        char line[32];
        snprintf(line, sizeof line, "%ld\n", idx);
        fake_append(c->exec_log, line);
    }
}

/* A run with seed-dependent results of several kinds, some in $set buckets. */
static int sweep_run(snx_traj *traj, void *data, snx_value *result)
{
    int64_t x = snx_traj_int(traj, "x");
    double y = snx_traj_double(traj, "y");
    uint64_t seed = snx_env_run_seed(traj);
    double noise[4];
    for (int k = 0; k < 4; k++)
        noise[k] = (double)(snx_env_seed(seed, k) >> 11) * 0x1.0p-53;
    note_execution(data, snx_traj_run_idx(traj));
    if (!snx_traj_add_result(traj, "z", snx_double((double)x * y), "the product") ||
        !snx_traj_add_result(traj, "$set.$.noise", snx_double_array(4, noise), NULL) ||
        !snx_traj_add_derived(traj, "twice", snx_int(2 * x), NULL))
        return snx_errcode();
    *result = snx_double((double)x * y);
    return 0;
}

static snx_env *new_env(const char *file, int workers)
{
    fake_build = build_sweep;
    unlink(file);
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .storage = &fake_storage,
                                                .filename = file, .n_workers = workers,
                                                .seed = 42, .log_folder = "",
                                                .log_level = SNX_LOG_ERROR });
    assert_non_null(env);
    assert_ok(build_sweep(snx_env_traj(env)));
    return env;
}

static long count_lines(const char *path, long idx)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[64];
    long n = 0;
    while (fgets(line, sizeof line, f))
        n += idx < 0 || atol(line) == idx;
    fclose(f);
    return n;
}

static void test_sweep_stores_every_run(void **state)
{
    (void)state;
    snx_env *env = new_env("sweep.txt", 2);
    snx_traj *traj = snx_env_traj(env);
    size_t nodes_before = snx_traj_n_nodes(traj);
    assert_ok(snx_env_run(env, sweep_run, NULL));
    assert_int_equal(snx_env_n_completed(env), N_RUNS);
    assert_int_equal(snx_env_n_failed(env), 0);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    assert_int_equal(n, N_RUNS);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(res[k].idx, (long)k);
        assert_int_equal(res[k].status, 0);
        assert_int_equal(res[k].value.type, SNX_T_DOUBLE);
        assert_true(res[k].value.u.d == (double)k * 1.5);
        snx_run_info info;
        assert_ok(snx_traj_run_info(traj, (long)k, &info));
        assert_true(info.completed);
        assert_true(info.seed == snx_env_seed(42, (long)k));
        assert_true(info.finish_timestamp >= info.timestamp);
        assert_true(info.runtime >= 0);
        char want[32];
        snprintf(want, sizeof want, "x=%zu", k);
        assert_string_equal(info.parameter_summary, want);
        assert_int_equal(strlen(info.env_hexsha), 7);
        assert_memory_equal(info.env_hexsha, snx_env_hexsha(env), 7);
        assert_null(info.error);
    }
    assert_true(snx_traj_is_completed(traj, -1));
    /* Stored in the file, freed from memory. */
    char **dumps = NULL;
    assert_int_equal(fake_read("sweep.txt", &dumps, N_RUNS), N_RUNS);
    for (int k = 0; k < N_RUNS; k++) {
        assert_non_null(dumps[k]);
        char want[128];
        snprintf(want, sizeof want, "results.runs.run_%08d.z=z:%g ", k, k * 1.5);
        assert_non_null(strstr(dumps[k], want));
        assert_non_null(strstr(dumps[k], "results.run_set_00000."));
        assert_non_null(strstr(dumps[k], ".twice="));
    }
    fake_free_dumps(dumps, N_RUNS);
    assert_false(snx_traj_contains(traj, "results.runs.run_00000003.z"));
    /* The environment record. */
    char name[256];
    snprintf(name, sizeof name, "config.environment.%s.n_workers", snx_env_name(env));
    assert_int_equal(snx_traj_int(traj, name), 2);
    snprintf(name, sizeof name, "config.environment.%s.end_time", snx_env_name(env));
    assert_non_null(snx_traj_string(traj, name));
    snprintf(name, sizeof name, "config.environment.%s.gsl_version", snx_env_name(env));
    assert_non_null(snx_traj_string(traj, name));
    assert_int_equal(snx_traj_status(traj), 0);
    assert_true(snx_traj_n_nodes(traj) > nodes_before);
    assert_fails(snx_env_run(env, sweep_run, NULL), SNX_ESTATE, "has run already");
    snx_env_free(env);
}

/* ---- every run starts from the same state ------------------------------------------- */

static int g_counter;
static double *g_network;

static int stateful_run(snx_traj *traj, void *data, snx_value *result)
{
    (void)traj, (void)data;
    g_counter++;
    g_network[0] += 1;
    *result = snx_double(g_counter * 1000 + g_network[0]);
    return 0;
}

static void test_every_run_starts_pristine(void **state)
{
    (void)state;
    g_counter = 0;
    g_network = calloc(16, sizeof *g_network); /* "built before the runs" */
    g_network[0] = 7;
    snx_env *env = new_env("pristine.txt", 2);
    assert_ok(snx_env_run(env, stateful_run, NULL));
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    for (size_t k = 0; k < n; k++)
        assert_true(res[k].value.u.d == 1000 + 8);
    assert_int_equal(g_counter, 0); /* the writer never runs a run */
    snx_env_free(env);
    free(g_network);
}

/* ---- fault isolation -------------------------------------------------------------------- */

static int faulty_run(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    long idx = snx_traj_run_idx(traj);
    switch (idx) {
    case 1:
        signal(SIGSEGV, SIG_DFL); /* a real crash, also under sanitizers */
        raise(SIGSEGV);
        break;
    case 2: abort();
    case 3: exit(3);
    case 4: return snx_error(SNX_EINVAL, "bad x for this model");
    case 5: pause(); break; /* hangs: the timeout kills it */
    case 6: _exit(0);       /* leaves without a word */
    case 7: snx_traj_double(traj, "no_such_parameter"); break; /* a failed read */
    case 8: *result = snx_quantity(1, "furlongs"); return 0; /* a value that failed */
    default: break;
    }
    return sweep_run(traj, NULL, result);
}

/* Every kind of failure, with a fresh process per run or reused processes. */
static void check_failures_isolated(int stateless)
{
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "faulty", .storage = &fake_storage,
                                                .filename = "faulty.txt", .n_workers = 2,
                                                .run_timeout = 0.5, .log_folder = "",
                                                .log_level = SNX_LOG_OFF,
                                                .stateless = stateless });
    unlink("faulty.txt");
    assert_non_null(env);
    snx_traj *traj = snx_env_traj(env);
    assert_ok(build_sweep(traj));
    assert_fails(snx_env_run(env, faulty_run, NULL), SNX_ERUN, "8 of 12 runs failed");
    assert_errmsg_contains("run_00000001 (crashed: killed by signal SIGSEGV");
    assert_int_equal(snx_env_n_failed(env), 8);
    assert_int_equal(snx_env_n_completed(env), 4);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    const char *why[N_RUNS] = {
        [1] = "killed by signal SIGSEGV", [2] = "killed by signal SIGABRT",
        [3] = "exited with status 3",     [4] = "bad x for this model (InvalidArgument)",
        [5] = "timed out after 0.5 s",    [6] = "exited (status 0) before it finished",
        [7] = "no_such_parameter",        [8] = "furlongs",
    };
    for (size_t k = 0; k < n; k++) {
        snx_run_info info;
        assert_ok(snx_traj_run_info(traj, (long)k, &info));
        if (!why[k]) {
            assert_int_equal(res[k].status, 0);
            assert_true(info.completed);
            continue;
        }
        assert_int_equal(res[k].status, SNX_ERUN);
        assert_non_null(res[k].error);
        if (!strstr(res[k].error, why[k]))
            print_error("run %zu: \"%s\" lacks \"%s\"\n", k, res[k].error, why[k]);
        assert_non_null(strstr(res[k].error, why[k]));
        assert_false(info.completed);
        assert_string_equal(info.error, res[k].error);
        assert_int_equal(res[k].value.type, SNX_T_NONE);
    }
    char **dumps = NULL;
    fake_read("faulty.txt", &dumps, N_RUNS);
    for (int k = 0; k < N_RUNS; k++)
        assert_true(!dumps[k] == !!why[k]); /* exactly the good runs are stored */
    fake_free_dumps(dumps, N_RUNS);
    snx_env_free(env);
}

static void test_failures_are_isolated_and_recorded(void **state)
{
    (void)state;
    check_failures_isolated(0);
}

static void test_failures_are_isolated_in_reused_processes(void **state)
{
    (void)state;
    check_failures_isolated(1);
}

/* A reused run process: sees no trace of its earlier runs, and is replaced after a
 * crash. */
static int clean_run(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    snx_node *runs = snx_traj_get(traj, "results.runs");
    snx_error_clear();
    if (runs && snx_node_n_children(runs) > 0)
        return snx_error(SNX_ESTATE, "a result of an earlier run is still in the tree");
    if (snx_traj_run_idx(traj) == 5) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    char line[32];
    snprintf(line, sizeof line, "%ld\n", (long)getpid());
    fake_append("pids.txt", line);
    return sweep_run(traj, NULL, result);
}

static void test_reused_processes_start_clean(void **state)
{
    (void)state;
    fake_build = build_sweep;
    unlink("reused.txt");
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .storage = &fake_storage,
                                                .filename = "reused.txt", .n_workers = 2,
                                                .seed = 42, .stateless = 1, .log_folder = "",
                                                .log_level = SNX_LOG_OFF });
    assert_non_null(env);
    assert_ok(build_sweep(snx_env_traj(env)));
    unlink("pids.txt");
    assert_fails(snx_env_run(env, clean_run, NULL), SNX_ERUN, "1 of 12 runs failed");
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    for (size_t k = 0; k < n; k++)
        if (k == 5)
            assert_non_null(strstr(res[k].error, "SIGSEGV"));
        else
            assert_int_equal(res[k].status, 0);
    long pids[N_RUNS];
    size_t n_pids = 0;
    FILE *f = fopen("pids.txt", "r");
    assert_non_null(f);
    for (long pid; fscanf(f, "%ld", &pid) == 1;) {
        size_t j = 0;
        while (j < n_pids && pids[j] != pid)
            j++;
        if (j == n_pids)
            pids[n_pids++] = pid;
    }
    fclose(f);
    /* two workers, one process each, plus the one that replaced the crashed one */
    assert_true(n_pids >= 1 && n_pids <= 3);
    snx_env_free(env);
    /* what was stored is what fresh processes store */
    snx_env *fresh = new_env("fresh.txt", 2);
    assert_fails(snx_env_run(fresh, clean_run, NULL), SNX_ERUN, "1 of 12 runs failed");
    snx_env_free(fresh);
    char **a = NULL, **b = NULL;
    fake_read("reused.txt", &a, N_RUNS);
    fake_read("fresh.txt", &b, N_RUNS);
    for (int k = 0; k < N_RUNS; k++)
        if (k == 5) {
            assert_true(!a[k] && !b[k]);
        } else {
            assert_true(a[k] && b[k]);
            assert_string_equal(a[k], b[k]);
        }
    fake_free_dumps(a, N_RUNS);
    fake_free_dumps(b, N_RUNS);
}

/* ---- reproducibility ------------------------------------------------------------------- */

static int count_restores;
static int restore_state(void *data)
{
    (void)data;
    count_restores++;
    return 0;
}

static void test_results_identical_for_any_worker_count(void **state)
{
    (void)state;
    const char *files[] = { "w1.txt", "w2.txt", "w4.txt" };
    int workers[] = { 1, 2, 4 };
    for (int k = 0; k < 3; k++) {
        snx_env *env = new_env(files[k], workers[k]);
        assert_ok(snx_env_run(env, sweep_run, NULL));
        snx_env_free(env);
    }
    assert_same_runs("w1.txt", "w2.txt", N_RUNS);
    assert_same_runs("w1.txt", "w4.txt", N_RUNS);

    /* Single-process mode gives the same file too. */
    fake_build = build_sweep;
    unlink("single.txt");
    count_restores = 0;
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .storage = &fake_storage,
                                                .filename = "single.txt", .single_process = 1,
                                                .restore = restore_state, .seed = 42,
                                                .log_folder = "", .log_level = SNX_LOG_ERROR });
    assert_non_null(env);
    assert_ok(build_sweep(snx_env_traj(env)));
    assert_ok(snx_env_run(env, sweep_run, NULL));
    assert_int_equal(count_restores, N_RUNS - 1);
    snx_env_free(env);
    assert_same_runs("w1.txt", "single.txt", N_RUNS);
}

/* run_one gives what the sweep gave. */
static void test_run_one_reproduces_a_run(void **state)
{
    (void)state;
    snx_env *env = new_env("one.txt", 2);
    snx_traj *traj = snx_env_traj(env);
    assert_ok(snx_env_run(env, sweep_run, NULL));
    snx_value v;
    assert_ok(snx_env_run_one(env, 5, sweep_run, NULL, &v));
    assert_int_equal(v.type, SNX_T_DOUBLE);
    assert_true(v.u.d == 7.5);
    snx_value_clear(&v);
    /* The rerun's nodes are in the tree; they match the stored ones. */
    snx_node *noise = snx_traj_get(traj, "results.run_set_00000.run_00000005.noise");
    assert_non_null(noise);
    char **dumps = NULL;
    fake_read("one.txt", &dumps, N_RUNS);
    char *stored = strstr(dumps[5], "noise=noise:");
    char *shown = snx_value_to_str(snx_result_get(noise, "noise"), 0);
    assert_non_null(stored);
    assert_memory_equal(stored + strlen("noise=noise:"), shown, strlen(shown));
    free(shown);
    fake_free_dumps(dumps, N_RUNS);
    assert_fails(snx_env_run_one(env, 99, sweep_run, NULL, &v), SNX_EINVAL, "no run 99");
    assert_fails(snx_env_run_one(env, 4, faulty_run, NULL, &v), SNX_ERUN, "bad x");
    snx_env_free(env);
}

/* ---- single-process mode ------------------------------------------------------------- */

static int g_restored_value;
static int reset_network(void *data)
{
    g_network[0] = *(double *)data;
    return 0;
}

static int locking_run(snx_traj *traj, void *data, snx_value *result)
{
    (void)data;
    int64_t x = snx_traj_int(traj, "x"); /* reading locks x */
    g_network[0] += (double)x;
    *result = snx_double(g_network[0]);
    return 0;
}

static void test_single_process_mode(void **state)
{
    (void)state;
    assert_null(snx_env_new(&(snx_env_opts){ .single_process = 1, .log_folder = "" }));
    assert_errmsg_contains("opts.restore");
    assert_null(snx_env_new(&(snx_env_opts){ .single_process = 1, .stateless = 1,
                                             .run_timeout = 1, .log_folder = "" }));
    assert_errmsg_contains("timeout needs worker processes");

    double initial = 100;
    g_network = calloc(1, sizeof *g_network);
    g_network[0] = initial;
    g_restored_value = 0;
    snx_env *env = snx_env_new(&(snx_env_opts){ .storage = SNX_ENV_NO_STORAGE,
                                                .single_process = 1, .restore = reset_network,
                                                .restore_data = &initial, .log_folder = "",
                                                .log_level = SNX_LOG_ERROR });
    assert_non_null(env);
    snx_traj *traj = snx_env_traj(env);
    assert_ok(build_sweep(traj));
    assert_false(snx_par_is_locked(snx_traj_get(traj, "x")));
    assert_ok(snx_env_run(env, locking_run, NULL));
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    for (size_t k = 0; k < n; k++)
        assert_true(res[k].value.u.d == initial + (double)k);
    assert_false(snx_par_is_locked(snx_traj_get(traj, "x")));
    snx_env_free(env);
    free(g_network);
}

/* ---- post-processing, expansion, pipeline ------------------------------------------------ */

typedef struct postproc_ctx {
    int calls;
    size_t seen[4];
    size_t completed_seen[4];
} postproc_ctx;

static int expanding_postproc(snx_traj *traj, const snx_run_result *results, size_t n,
                              void *data)
{
    postproc_ctx *c = data;
    c->seen[c->calls] = n;
    for (size_t k = 0; k < n; k++)
        c->completed_seen[c->calls] += results[k].status == 0;
    if (c->calls++ == 0) {
        snx_ranges *r = snx_ranges_new();
        int rc = snx_ranges_add_ints(r, "x", (int64_t[]){ 100, 101, 102 }, 3) ||
                 snx_traj_expand(traj, r);
        snx_ranges_free(r);
        return rc;
    }
    return snx_traj_add_result(traj, "summary.n", snx_int((int64_t)n), NULL) ? 0 : -1;
}

static void test_postproc_expansion_runs_only_new_points(void **state)
{
    (void)state;
    unlink("executed.txt");
    snx_env *env = new_env("expand.txt", 2);
    postproc_ctx pc = { 0 };
    assert_ok(snx_env_add_postproc(env, expanding_postproc, &pc));
    sweep_ctx sc = { .exec_log = "executed.txt" };
    assert_ok(snx_env_run(env, sweep_run, &sc));
    assert_int_equal(pc.calls, 2);
    assert_int_equal(pc.seen[0], N_RUNS);
    assert_int_equal(pc.completed_seen[0], N_RUNS);
    assert_int_equal(pc.seen[1], N_RUNS + 3);
    assert_int_equal(pc.completed_seen[1], N_RUNS + 3);
    assert_int_equal(count_lines("executed.txt", -1), N_RUNS + 3);
    for (long k = 0; k < N_RUNS + 3; k++)
        assert_int_equal(count_lines("executed.txt", k), 1);
    size_t n;
    const snx_run_result *res = snx_env_results(env, &n);
    assert_true(res[N_RUNS + 2].value.u.d == 102 * 1.5);
    assert_int_equal(snx_traj_int(snx_env_traj(env), "results.summary.n"), N_RUNS + 3);
    snx_env_free(env);
}

static int failing_postproc(snx_traj *traj, const snx_run_result *r, size_t n, void *data)
{
    (void)traj, (void)r, (void)n, (void)data;
    return snx_error(SNX_EINVAL, "the analysis went wrong");
}

static void test_postproc_error_is_reported(void **state)
{
    (void)state;
    snx_env *env = new_env("pperr.txt", 2);
    snx_env_add_postproc(env, failing_postproc, NULL);
    assert_fails(snx_env_run(env, sweep_run, NULL), SNX_EINVAL,
                 "post-processing: the analysis went wrong");
    assert_int_equal(snx_env_n_completed(env), N_RUNS); /* the runs are kept */
    snx_env_free(env);
}

static int pipeline_postproc(snx_traj *traj, const snx_run_result *r, size_t n, void *data)
{
    (void)traj;
    double *sum = data;
    for (size_t k = 0; k < n; k++)
        *sum += r[k].value.u.d;
    return 0;
}

static int my_pipeline(snx_traj *traj, void *data, snx_pipeline *out)
{
    if (build_sweep(traj))
        return -1;
    out->run = sweep_run;
    out->postproc = pipeline_postproc;
    out->postproc_data = data;
    return 0;
}

static void test_pipeline(void **state)
{
    (void)state;
    fake_build = build_sweep;
    unlink("pipe.txt");
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .storage = &fake_storage,
                                                .filename = "pipe.txt", .log_folder = "",
                                                .log_level = SNX_LOG_ERROR });
    double sum = 0;
    assert_ok(snx_env_pipeline(env, my_pipeline, &sum));
    assert_true(sum == 1.5 * (N_RUNS * (N_RUNS - 1) / 2));
    snx_env_free(env);
}

/* ---- no storage, logging ------------------------------------------------------------------ */

static int chatty_run(snx_traj *traj, void *data, snx_value *result)
{
    snx_log(SNX_LOG_INFO, "hello from x=%lld", (long long)snx_traj_int(traj, "x"));
    return sweep_run(traj, data, result);
}

static void test_no_storage_and_logging(void **state)
{
    (void)state;
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "chatty",
                                                .storage = SNX_ENV_NO_STORAGE,
                                                .log_folder = "logs/nested",
                                                .progress = SNX_PROGRESS_LOG });
    assert_non_null(env);
    assert_string_equal(snx_env_filename(env), "");
    assert_string_equal(snx_env_log_path(env), "logs/nested/chatty.log");
    snx_traj *traj = snx_env_traj(env);
    assert_ok(build_sweep(traj));
    assert_ok(snx_env_run(env, chatty_run, NULL));
    /* Without storage, the runs' data stays in the tree. */
    long *idx;
    snx_node **nodes;
    assert_int_equal(snx_traj_get_from_runs(traj, "z", SNX_FROM_RUNS_ONLY, &idx, &nodes), N_RUNS);
    assert_true(snx_result_get(nodes[4], "z")->u.d == 6.0);
    free(idx);
    free(nodes);
    snx_env_free(env);

    FILE *f = fopen("logs/nested/chatty.log", "r");
    assert_non_null(f);
    char line[512];
    int tagged = 0, progress = 0, summary = 0;
    while (fgets(line, sizeof line, f)) {
        tagged += strstr(line, "INFO    run_00000004 hello from x=4") != NULL;
        progress += strstr(line, "progress: ") != NULL;
        summary += strstr(line, "12 runs: all completed") != NULL;
    }
    fclose(f);
    assert_int_equal(tagged, 1);
    assert_true(progress >= 1);
    assert_int_equal(summary, 1);
}

/* What a sweep writes to stderr with this progress mode (stderr goes to a file,
 * which is not a terminal). */
static char *stderr_of_sweep(snx_progress mode)
{
    int saved = snx_test_redirect(STDERR_FILENO, "stderr.txt");
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "bar",
                                                .storage = SNX_ENV_NO_STORAGE,
                                                .log_folder = "", .progress = mode });
    int rc = env ? build_sweep(snx_env_traj(env)) || snx_env_run(env, sweep_run, NULL) : -1;
    snx_env_free(env);
    snx_test_unredirect(STDERR_FILENO, saved);
    assert_int_equal(rc, 0);
    FILE *f = fopen("stderr.txt", "r");
    assert_non_null(f);
    char *text = calloc(1, 65536);
    size_t n = fread(text, 1, 65535, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void test_progress_bar_and_lines(void **state)
{
    (void)state;
    char *bar = stderr_of_sweep(SNX_PROGRESS_BAR);
    assert_non_null(strstr(bar, "\r[")); /* redrawn in place */
    assert_non_null(strstr(bar, "[##############################] 100% 12/12 runs, ETA 0:00:00"));
    assert_null(strstr(bar, "progress: "));
    free(bar);
    /* AUTO on a stderr that is not a terminal: plain log lines, no bar */
    char *lines = stderr_of_sweep(SNX_PROGRESS_AUTO);
    assert_null(strstr(lines, "\r["));
    assert_non_null(strstr(lines, "progress: 12/12 runs (100%), ETA 0:00:00"));
    free(lines);
}

static void test_option_errors(void **state)
{
    (void)state;
    assert_null(snx_env_new(&(snx_env_opts){ .compression = 10, .log_folder = "" }));
    assert_errmsg_contains("compression 10");
    assert_null(snx_env_new(&(snx_env_opts){ .rank_timeout = -1, .log_folder = "" }));
    assert_errmsg_contains("environment: rank timeout -1 s (0 for 10 s, else a finite");
    assert_null(snx_env_new(&(snx_env_opts){ .rank_timeout = NAN, .log_folder = "" }));
    assert_errmsg_contains("rank timeout nan s");
    snx_env *alone = snx_env_new(&(snx_env_opts){ .storage = SNX_ENV_NO_STORAGE,
                                                  .log_folder = "" });
    assert_true(snx_env_writer(alone)); /* without mpirun: the one process writes */
    snx_env_free(alone);
    snx_traj *t = snx_traj_new("adopted", NULL);
    assert_null(snx_env_new(&(snx_env_opts){ .traj = t, .resume = 1, .log_folder = "" }));
    assert_errmsg_contains("resume");
    snx_env *env = snx_env_new(&(snx_env_opts){ .traj = t, .storage = SNX_ENV_NO_STORAGE,
                                                .log_folder = "" });
    assert_non_null(env);
    assert_ptr_equal(snx_env_traj(env), t);
    assert_fails(snx_env_run(env, NULL, NULL), SNX_EINVAL, "no run function");
    snx_env_free(env); /* an adopted trajectory stays the caller's */
    assert_string_equal(snx_traj_name(t), "adopted");
    snx_traj_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_stores_every_run),
        cmocka_unit_test(test_every_run_starts_pristine),
        cmocka_unit_test(test_failures_are_isolated_and_recorded),
        cmocka_unit_test(test_failures_are_isolated_in_reused_processes),
        cmocka_unit_test(test_reused_processes_start_clean),
        cmocka_unit_test(test_results_identical_for_any_worker_count),
        cmocka_unit_test(test_run_one_reproduces_a_run),
        cmocka_unit_test(test_single_process_mode),
        cmocka_unit_test(test_postproc_expansion_runs_only_new_points),
        cmocka_unit_test(test_postproc_error_is_reported),
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_no_storage_and_logging),
        cmocka_unit_test(test_progress_bar_and_lines),
        cmocka_unit_test(test_option_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
