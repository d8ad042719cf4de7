/* The Environment with its default storage, HDF5: every run stored in
 * hdf5/<trajectory>.hdf5 with its run information and the environment record;
 * failed runs recorded with their reason; identical stored results for 1 and 2
 * workers and one process; a writer killed with SIGKILL at several moments, then
 * resumed, ends with the file of a clean sweep; expansion in post-processing;
 * corrupt files and name clashes refused without touching what was stored. */
#include "snx_test.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "snex/env.h"
#include "snex/storage.h"

#include <hdf5.h>

#define N_RUNS 30

static int build(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "x", snx_int(0), "explored") ||
        !snx_traj_add_parameter(traj, "y", snx_double(1.5), "fixed"))
        return -1;
    return snx_test_explore_ints(traj, "x", N_RUNS, 1);
}

typedef struct ctx {
    long segv_run, error_run;  /* runs that crash / fail (-1: none) */
    long interrupt_run;        /* the run that presses Ctrl-C (0: none) */
    long unstorable_run;       /* the run whose result the file refuses (0: none) */
    pid_t writer;
    double sleep;              /* seconds every run sleeps */
    const char *started;       /* every run appends a line here when it starts */
} ctx;

static void append_line(const char *path, long v)
{
    FILE *f = fopen(path, "a");
    if (f) {
        fprintf(f, "%ld\n", v);
        fclose(f);
    }
}

/* A scalar (a column), an array (its own group), a $set bucket result and a derived
 * parameter per run, all depending on the run's seed. */
static int run(snx_traj *traj, void *data, snx_value *result)
{
    const ctx *c = data;
    long idx = snx_traj_run_idx(traj);
    if (c && c->started)
        append_line(c->started, idx);
    if (c && c->sleep > 0)
        nanosleep(&(struct timespec){ .tv_nsec = (long)(c->sleep * 1e9) }, NULL);
    if (c && idx == c->segv_run) {
        signal(SIGSEGV, SIG_DFL); /* the test framework's handler would catch it */
        raise(SIGSEGV);
    }
    if (c && c->interrupt_run && idx == c->interrupt_run)
        kill(c->writer, SIGINT);
    if (c && c->unstorable_run && idx == c->unstorable_run) /* a table without columns */
        if (!snx_traj_add_result(traj, "empty", snx_table_value(snx_table_new(0)), NULL))
            return snx_errcode();
    if (c && idx == c->error_run)
        return snx_error(SNX_EINVAL, "run %ld does not like its parameters", idx);
    int64_t x = snx_traj_int(traj, "x");
    double y = snx_traj_double(traj, "y");
    uint64_t seed = snx_env_run_seed(traj);
    double noise[3];
    for (int k = 0; k < 3; k++)
        noise[k] = (double)(snx_env_seed(seed, k) >> 11) * 0x1.0p-53;
    if (!snx_traj_add_result(traj, "z", snx_double((double)x * y), "the product") ||
        !snx_traj_add_result(traj, "noise", snx_double_array(3, noise), NULL) ||
        !snx_traj_add_result(traj, "$set.$.seed_mod", snx_int((int64_t)(seed % 1000)), NULL) ||
        !snx_traj_add_derived(traj, "twice", snx_int(2 * x), NULL))
        return snx_errcode();
    *result = snx_double((double)x * y);
    return 0;
}

static snx_env_opts env_opts(const char *file, int workers)
{
    return (snx_env_opts){ .trajectory = "sweep", .filename = file, .n_workers = workers,
                           .seed = 42, .log_folder = "", .log_level = SNX_LOG_ERROR };
}

static snx_env *new_env(snx_env_opts o)
{
    snx_env *env = snx_env_new(&o);
    if (!env)
        print_error("snx_env_new: %s\n", snx_errmsg());
    assert_non_null(env);
    if (!snx_env_resuming(env))
        assert_ok(build(snx_env_traj(env)));
    return env;
}

static void sweep(const char *file, int workers, int single)
{
    unlink(file);
    snx_env_opts o = env_opts(file, workers);
    o.single_process = single;
    o.stateless = single;
    snx_env *env = new_env(o);
    assert_ok(snx_env_run(env, run, NULL));
    snx_env_free(env);
}

static snx_traj *load_all(const char *file)
{
    snx_load_opts o = snx_load_defaults();
    o.name = "sweep";
    o.derived = o.results = SNX_LOAD_DATA;
    snx_traj *t = snx_hdf5_load(file, &o);
    if (!t)
        print_error("loading %s: %s\n", file, snx_errmsg());
    assert_non_null(t);
    return t;
}

/* Appends "name=value" of every leaf below node (depth first, in order). */
static void dump_leaves(snx_buf *b, snx_node *node)
{
    if (snx_node_is_leaf(node)) {
        snx_buf_printf(b, "%s=", snx_node_full_name(node));
        for (size_t k = 0; k < snx_result_n_items(node); k++) {
            const char *item;
            char *v = snx_value_to_str(snx_result_item_at(node, k, &item), 0);
            snx_buf_printf(b, "%s:%s;", item, v ? v : "?");
            free(v);
        }
        snx_buf_puts(b, "\n");
        return;
    }
    for (size_t k = 0; k < snx_node_n_children(node); k++)
        dump_leaves(b, snx_node_child(node, k));
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted: runs arrive (and are stored) in any order. */
static char *sorted_lines(char *text)
{
    size_t n = 0, cap = 0;
    char **lines = NULL;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (n == cap)
            lines = realloc(lines, (cap = cap ? 2 * cap : 64) * sizeof *lines);
        lines[n++] = l;
    }
    qsort(lines, n, sizeof *lines, compare_lines);
    snx_buf b = { 0 };
    snx_buf_puts(&b, "");
    for (size_t k = 0; k < n; k++)
        snx_buf_printf(&b, "%s\n", lines[k]);
    free(lines);
    free(text);
    return snx_buf_take(&b);
}

/* What the file holds of every run: its results, derived parameters, completion and
 * seed (not its times). */
static char *dump_runs(const char *file)
{
    snx_traj *t = load_all(file);
    snx_buf b = { 0 };
    dump_leaves(&b, snx_traj_get(t, "results"));
    dump_leaves(&b, snx_traj_get(t, "derived_parameters"));
    for (size_t k = 0; k < snx_traj_n_runs(t); k++) {
        snx_run_info info;
        assert_ok(snx_traj_run_info(t, (long)k, &info));
        snx_buf_printf(&b, "%s completed=%d seed=%llu\n", info.name, info.completed,
                       (unsigned long long)info.seed);
    }
    snx_traj_free(t);
    return sorted_lines(snx_buf_take(&b));
}

static void assert_same_runs(const char *a, const char *b)
{
    char *da = dump_runs(a), *db = dump_runs(b);
    assert_non_null(da);
    assert_string_equal(da, db);
    free(da);
    free(db);
}

/* ---- storing ------------------------------------------------------------------------ */

static void test_runs_stored_in_default_file(void **state)
{
    (void)state;
    unlink("hdf5/sweep.hdf5");
    snx_env_opts o = env_opts(NULL, 2);
    snx_env *env = new_env(o);
    assert_string_equal(snx_env_filename(env), "hdf5/sweep.hdf5");
    char record[160];
    snprintf(record, sizeof record, "config.environment.%s.n_workers", snx_env_name(env));
    assert_ok(snx_env_run(env, run, NULL));
    snx_env_free(env);

    snx_traj *t = load_all("hdf5/sweep.hdf5");
    assert_true(snx_traj_is_completed(t, -1));
    for (long k = 0; k < N_RUNS; k++) {
        char name[96];
        snprintf(name, sizeof name, "results.runs.run_%08ld.z", k);
        assert_close(snx_traj_double(t, name), 1.5 * (double)k, 0);
        snprintf(name, sizeof name, "derived_parameters.runs.run_%08ld.twice", k);
        assert_int_equal(snx_traj_int(t, name), 2 * k);
        snx_run_info info;
        assert_ok(snx_traj_run_info(t, k, &info));
        assert_true(info.seed == snx_env_seed(42, k));
        assert_true(info.finish_timestamp >= info.timestamp && info.timestamp > 0);
        assert_non_null(strstr(info.parameter_summary, "x="));
        assert_null(info.error);
    }
    /* $set is the run's bucket of 1000 runs */
    assert_int_equal(snx_traj_int(t, "results.run_set_00000.run_00000007.seed_mod"),
                     (int64_t)(snx_env_seed(42, 7) % 1000));
    const snx_value *noise = snx_result_get(snx_traj_get(t, "results.runs.run_00000004.noise"),
                                            "noise");
    assert_non_null(noise);
    assert_int_equal(noise->type, SNX_T_DOUBLE_ARRAY);
    assert_int_equal(noise->u.a.len, 3);
    assert_int_equal(snx_traj_int(t, record), 2);
    snx_traj_free(t);
}

static void test_failed_runs_recorded_in_file(void **state)
{
    (void)state;
    unlink("faulty.hdf5");
    snx_env *env = new_env(env_opts("faulty.hdf5", 2));
    ctx c = { .segv_run = 3, .error_run = 5 };
    assert_fails(snx_env_run(env, run, &c), SNX_ERUN, "2 of 30 runs failed");
    snx_env_free(env);

    snx_traj *t = load_all("faulty.hdf5");
    assert_false(snx_traj_is_completed(t, -1));
    for (long k = 0; k < N_RUNS; k++) {
        snx_run_info info;
        assert_ok(snx_traj_run_info(t, k, &info));
        char name[64];
        snprintf(name, sizeof name, "results.runs.run_%08ld.z", k);
        if (k == 3 || k == 5) {
            assert_false(info.completed);
            assert_non_null(info.error);
            assert_non_null(strstr(info.error, k == 3 ? "SIGSEGV" : "does not like"));
            assert_null(snx_traj_get(t, name));
        } else {
            assert_true(info.completed);
            assert_close(snx_traj_double(t, name), 1.5 * (double)k, 0);
        }
    }
    snx_traj_free(t);
}

static void test_identical_files_for_any_worker_count(void **state)
{
    (void)state;
    sweep("one.hdf5", 1, 0);
    sweep("two.hdf5", 2, 0);
    sweep("single.hdf5", 1, 1);
    assert_same_runs("one.hdf5", "two.hdf5");
    assert_same_runs("one.hdf5", "single.hdf5");
}

/* ---- kill -9 and resume ------------------------------------------------------------- */

static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    long n = 0;
    char line[64];
    while (f && fgets(line, sizeof line, f))
        n++;
    if (f)
        fclose(f);
    return n;
}

static int wait_lines(const char *path, long n, double timeout)
{
    for (double waited = 0; waited < timeout; waited += 0.001) {
        if (count_lines(path) >= n)
            return 0;
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
    return -1;
}

/* Starts a sweep (resuming when the file has one) in a child process and kills it
 * with SIGKILL once `after` runs have started. commit_interval as in snx_env_opts. */
static void killed_sweep(const char *file, long after, double commit_interval)
{
    unlink("started.txt");
    pid_t writer = fork();
    if (writer == 0) {
        snx_env_opts o = env_opts(file, 2);
        o.resume = 1;
        o.commit_interval = commit_interval;
        snx_env *env = snx_env_new(&o);
        if (!env)
            _exit(2);
        if (!snx_env_resuming(env) && build(snx_env_traj(env)))
            _exit(3);
        ctx c = { .segv_run = -1, .error_run = -1, .sleep = 0.004, .started = "started.txt" };
        snx_env_run(env, run, &c);
        _exit(0); /* may finish before the kill when `after` is large */
    }
    wait_lines("started.txt", after, 30);
    kill(writer, SIGKILL);
    int status;
    assert_int_equal(waitpid(writer, &status, 0), writer);
    assert_true(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

static long completed_in_file(const char *file)
{
    snx_load_opts o = snx_load_defaults();
    o.name = "sweep";
    snx_traj *t = snx_hdf5_load(file, &o);
    if (!t)
        print_error("a killed writer's file does not load: %s\n", snx_errmsg());
    assert_non_null(t);
    long n = 0;
    for (size_t k = 0; k < snx_traj_n_runs(t); k++)
        n += snx_traj_is_completed(t, (long)k);
    snx_traj_free(t);
    return n;
}

static void test_sigkill_at_several_moments_then_resume(void **state)
{
    (void)state;
    unlink("killed.hdf5");
    long before = 0;
    /* killed before any run, early, then twice in the middle of resumed sweeps: with
     * a commit after every run, and with the default of one commit a second */
    const long kill_after[] = { 1, 6, 14, 8 };
    const double interval[] = { -1, -1, -1, 0 };
    for (size_t k = 0; k < sizeof kill_after / sizeof *kill_after; k++) {
        killed_sweep("killed.hdf5", kill_after[k], interval[k]);
        struct stat st;
        if (stat("killed.hdf5", &st) == 0) {
            long now = completed_in_file("killed.hdf5");
            assert_true(now >= before); /* nothing completed is lost */
            before = now;
        }
    }
    assert_true(before > 0);
    assert_true(before < N_RUNS);
    unlink("started.txt");
    snx_env_opts o = env_opts("killed.hdf5", 2);
    o.resume = 1;
    snx_env *env = new_env(o);
    assert_true(snx_env_resuming(env));
    ctx c = { .segv_run = -1, .error_run = -1, .started = "started.txt" };
    assert_ok(snx_env_run(env, run, &c));
    assert_int_equal(snx_env_n_completed(env), N_RUNS);
    snx_env_free(env);
    assert_int_equal(count_lines("started.txt"), N_RUNS - before);
    sweep("clean.hdf5", 2, 0);
    assert_same_runs("killed.hdf5", "clean.hdf5");
}

/* Post-processing after a resume sees every run's return value, those of the
 * earlier session included. */
static int check_all_returns(snx_traj *traj, const snx_run_result *results, size_t n, void *data)
{
    (void)traj;
    size_t *earlier = data;
    for (size_t k = 0; k < n; k++) {
        if (results[k].status != 0 || results[k].value.type != SNX_T_DOUBLE ||
            results[k].value.u.d != 1.5 * (double)k)
            return snx_error(SNX_EINVAL, "run %zu: no or a wrong return value", k);
        *earlier += (size_t)results[k].earlier;
    }
    return 0;
}

/* Ctrl-C: what completed is in the file, marked completed; resume finishes the
 * sweep with the results of a clean one. */
static void test_interrupt_stores_what_completed(void **state)
{
    (void)state;
    unlink("interrupted.hdf5");
    snx_env *env = new_env(env_opts("interrupted.hdf5", 2));
    ctx c = { .segv_run = -1, .error_run = -1, .interrupt_run = 4, .writer = getpid(),
              .sleep = 0.01 };
    assert_fails(snx_env_run(env, run, &c), SNX_ESTATE, "SNX_RESUME=sweep");
    size_t done = snx_env_n_completed(env);
    snx_env_free(env);
    assert_true(done >= 1 && done < N_RUNS);
    assert_int_equal(completed_in_file("interrupted.hdf5"), (long)done);
    snx_env_opts o = env_opts("interrupted.hdf5", 2);
    o.resume = 1;
    env = new_env(o);
    assert_true(snx_env_resuming(env));
    size_t earlier = 0;
    assert_ok(snx_env_add_postproc(env, check_all_returns, &earlier));
    assert_ok(snx_env_run(env, run, NULL));
    snx_env_free(env);
    assert_int_equal(earlier, done);
    sweep("clean_int.hdf5", 2, 0);
    assert_same_runs("interrupted.hdf5", "clean_int.hdf5");
}

/* A run whose data the file refuses fails alone, is not marked completed, and runs
 * again on resume. */
static void test_unstorable_run_fails_alone(void **state)
{
    (void)state;
    unlink("unstorable.hdf5");
    snx_env *env = new_env(env_opts("unstorable.hdf5", 2));
    ctx c = { .segv_run = -1, .error_run = -1, .unstorable_run = 4 };
    assert_fails(snx_env_run(env, run, &c), SNX_ERUN, "its results could not be stored");
    assert_int_equal(snx_env_n_completed(env), N_RUNS - 1);
    snx_env_free(env);
    assert_int_equal(completed_in_file("unstorable.hdf5"), N_RUNS - 1);
    snx_traj *t = load_all("unstorable.hdf5");
    snx_run_info info;
    assert_ok(snx_traj_run_info(t, 4, &info));
    assert_false(info.completed);
    assert_non_null(strstr(info.error, "could not be stored"));
    /* what it stored before the failure was taken back */
    assert_null(snx_traj_get(t, "results.runs.run_00000004.z"));
    assert_null(snx_traj_get(t, "results.runs.run_00000004.noise"));
    assert_null(snx_traj_get(t, "derived_parameters.runs.run_00000004.twice"));
    snx_error_clear();
    snx_traj_free(t);
    /* resumed without the fault, the run completes */
    snx_env_opts o = env_opts("unstorable.hdf5", 2);
    o.resume = 1;
    env = new_env(o);
    unlink("again.txt");
    ctx again = { .segv_run = -1, .error_run = -1, .started = "again.txt" };
    assert_ok(snx_env_run(env, run, &again));
    snx_env_free(env);
    assert_int_equal(count_lines("again.txt"), 1);
    assert_int_equal(completed_in_file("unstorable.hdf5"), N_RUNS);
}

/* Resuming with another master seed would mix two seed streams: refused. */
static void test_resume_with_another_seed_is_refused(void **state)
{
    (void)state;
    sweep("seeded.hdf5", 2, 0);
    snx_env_opts o = env_opts("seeded.hdf5", 2);
    o.resume = 1;
    o.seed = 43;
    assert_null(snx_env_new(&o));
    assert_errmsg_contains("was run with master seed 42");
    assert_errmsg_contains("this environment has 43");
}

/* ---- post-processing ------------------------------------------------------------- */

/* Checks every run's value, then adds five points, once. */
static int expand_once(snx_traj *traj, const snx_run_result *results, size_t n, void *data)
{
    int *calls = data;
    (*calls)++;
    for (size_t k = 0; k < n; k++) {
        double x = k < N_RUNS ? (double)k : 100.0 + (double)(k - N_RUNS);
        if (results[k].status != 0 || results[k].value.u.d != 1.5 * x)
            return snx_error(SNX_EINVAL, "run %zu gave a wrong value", k);
    }
    if (n > N_RUNS)
        return 0;
    int64_t xs[5] = { 100, 101, 102, 103, 104 };
    snx_ranges *r = snx_ranges_new();
    int rc = snx_ranges_add_ints(r, "x", xs, 5) || snx_traj_expand(traj, r);
    snx_ranges_free(r);
    return rc;
}

/* Only the new points run; the file ends with every run of both phases. */
static void test_expansion_is_stored(void **state)
{
    (void)state;
    unlink("expand.hdf5");
    unlink("expand_started.txt");
    snx_env *env = new_env(env_opts("expand.hdf5", 2));
    int calls = 0;
    assert_ok(snx_env_add_postproc(env, expand_once, &calls));
    ctx c = { .segv_run = -1, .error_run = -1, .started = "expand_started.txt" };
    assert_ok(snx_env_run(env, run, &c));
    snx_env_free(env);
    assert_int_equal(calls, 2);
    assert_int_equal(count_lines("expand_started.txt"), N_RUNS + 5);
    snx_traj *t = load_all("expand.hdf5");
    assert_int_equal(snx_traj_n_runs(t), N_RUNS + 5);
    assert_true(snx_traj_is_completed(t, -1));
    assert_close(snx_traj_double(t, "results.runs.run_00000032.z"), 1.5 * 102, 0);
    snx_traj_free(t);
}

/* ---- compression -------------------------------------------------------------------- */

/* A filter setting the trajectory "sweep" of the file records (hdf5_complevel,
 * hdf5_fletcher32), or -1. */
static long setting_in_file(const char *file, const char *attr)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t a = f >= 0 ? H5Aopen_by_name(f, "sweep", attr, H5P_DEFAULT, H5P_DEFAULT) : -1;
    long level = -1;
    if (a < 0 || H5Aread(a, H5T_NATIVE_LONG, &level) < 0)
        level = -1;
    if (a >= 0)
        H5Aclose(a);
    if (f >= 0)
        H5Fclose(f);
    return level;
}

/* opts.compression reaches the file: 9, none (-1), or the default (4); so does
 * opts.no_fletcher32 (checksums by default). */
static void test_compression_option(void **state)
{
    (void)state;
    const int option[] = { 9, -1, 0 };
    const long expected[] = { 9, 0, 4 };
    for (int k = 0; k < 3; k++) {
        unlink("compressed.hdf5");
        snx_env_opts o = env_opts("compressed.hdf5", 2);
        o.compression = option[k];
        o.no_fletcher32 = k == 1;
        snx_env *env = new_env(o);
        assert_ok(snx_env_run(env, run, NULL));
        snx_env_free(env);
        assert_int_equal(setting_in_file("compressed.hdf5", "hdf5_complevel"), expected[k]);
        assert_int_equal(setting_in_file("compressed.hdf5", "hdf5_fletcher32"), k != 1);
    }
}

/* ---- bad files ---------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *data = malloc(*len + 1);
    assert_int_equal(fread(data, 1, *len, f), *len);
    fclose(f);
    return data;
}

static void test_resume_of_a_corrupt_file_is_refused(void **state)
{
    (void)state;
    FILE *f = fopen("corrupt.hdf5", "wb");
    assert_non_null(f);
    fputs("this is not an HDF5 file, but it is somebody's data\n", f);
    fclose(f);
    snx_env_opts o = env_opts("corrupt.hdf5", 2);
    o.resume = 1;
    assert_null(snx_env_new(&o));
    assert_errmsg_contains("corrupt.hdf5");
    size_t len;
    char *data = read_file("corrupt.hdf5", &len);
    assert_non_null(strstr(data, "somebody's data"));
    free(data);
}

/* A second sweep with the name of a stored trajectory, without resume or overwrite,
 * is refused when the environment is made, and the first one stays intact. */
/* HDF5 is the default because storage/ registered it, not because explore/ names it:
 * without a registered default an environment must name its backend. */
static void test_default_backend_is_registered(void **state)
{
    (void)state;
    assert_ptr_equal(snx_env_default_storage(), &snx_env_hdf5_storage);
    char *path = snx_hdf5_path(NULL, "x");
    assert_string_equal(path, "hdf5/x.hdf5");
    free(path);
    path = snx_hdf5_path("out/", "x");
    assert_string_equal(path, "out/x.hdf5");
    free(path);

    snx_env_set_default_storage(NULL);
    assert_null(snx_env_new(&(snx_env_opts){ .trajectory = "x", .log_folder = "" }));
    assert_int_equal(snx_errcode(), SNX_ENOSERVICE);
    assert_errmsg_contains("snx_env_opts.storage");
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "x", .log_folder = "",
                                                .storage = SNX_ENV_NO_STORAGE });
    assert_non_null(env);
    assert_string_equal(snx_env_filename(env), "");
    snx_env_free(env);
    snx_env_set_default_storage(&snx_env_hdf5_storage);
}

static void test_name_clash_is_refused(void **state)
{
    (void)state;
    sweep("clash.hdf5", 2, 0);
    size_t len_before;
    char *before = read_file("clash.hdf5", &len_before);
    snx_env_opts clash = env_opts("clash.hdf5", 2);
    assert_null(snx_env_new(&clash));
    assert_int_equal(snx_errcode(), SNX_EEXIST);
    assert_errmsg_contains("clash.hdf5 already holds a trajectory \"sweep\"");
    assert_errmsg_contains("resume");
    size_t len_after;
    char *after = read_file("clash.hdf5", &len_after);
    assert_int_equal(len_before, len_after);
    assert_memory_equal(before, after, len_before);
    free(before);
    free(after);

    /* overwrite replaces the file */
    snx_env_opts o = env_opts("clash.hdf5", 2);
    o.overwrite = 1;
    snx_env *env = new_env(o);
    assert_ok(snx_env_run(env, run, NULL));
    snx_env_free(env);
    char **names = NULL;
    assert_int_equal(snx_hdf5_list("clash.hdf5", &names), 1);
    snx_hdf5_names_free(names, 1);
}

/* Resume with a file that holds other trajectories adds a new one to it. */
static void test_resume_into_a_file_without_the_trajectory(void **state)
{
    (void)state;
    unlink("shared.hdf5");
    snx_traj *other = snx_traj_new("other", NULL);
    assert_ok(snx_hdf5_attach(other, "shared.hdf5", NULL));
    assert_non_null(snx_traj_add_parameter(other, "a", snx_int(1), NULL));
    assert_ok(snx_traj_store(other, NULL));
    snx_traj_free(other);
    snx_env_opts o = env_opts("shared.hdf5", 2);
    o.resume = 1;
    snx_env *env = new_env(o);
    assert_false(snx_env_resuming(env));
    assert_ok(snx_env_run(env, run, NULL));
    snx_env_free(env);
    char **names = NULL;
    assert_int_equal(snx_hdf5_list("shared.hdf5", &names), 2);
    assert_string_equal(names[0], "other");
    assert_string_equal(names[1], "sweep");
    snx_hdf5_names_free(names, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_backend_is_registered),
        cmocka_unit_test(test_runs_stored_in_default_file),
        cmocka_unit_test(test_failed_runs_recorded_in_file),
        cmocka_unit_test(test_identical_files_for_any_worker_count),
        cmocka_unit_test(test_sigkill_at_several_moments_then_resume),
        cmocka_unit_test(test_interrupt_stores_what_completed),
        cmocka_unit_test(test_unstorable_run_fails_alone),
        cmocka_unit_test(test_resume_with_another_seed_is_refused),
        cmocka_unit_test(test_expansion_is_stored),
        cmocka_unit_test(test_compression_option),
        cmocka_unit_test(test_resume_of_a_corrupt_file_is_refused),
        cmocka_unit_test(test_name_clash_is_refused),
        cmocka_unit_test(test_resume_into_a_file_without_the_trajectory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
