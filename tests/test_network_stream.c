/* Streamed monitors (snx_traj_stream_monitor): a sweep whose runs stream their spike
 * and state monitors in small blocks stores exactly the file of a sweep whose monitors
 * keep everything (loaded by snex here; tests/test_network_stream.py compares the two
 * through h5py, attributes, dtypes, item order and all); a run that crashes after it
 * streamed leaves no result and no pieces, and resume reruns it into the clean file;
 * a writer killed with SIGKILL while runs stream leaves a file whose streamed pieces
 * the resumed sweep drops. */
#include "snx_test.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "snex/env.h"
#include "snex/network.h"
#include "snex/storage.h"

#include <hdf5.h>

#define N_RUNS 4

typedef struct ctx {
    bool stream;        /* stream the monitors (else they keep everything) */
    long crash_run;     /* this run crashes after it streamed (-1: none) */
    const char *marker; /* runs but run 0 touch this file once they have streamed, and
                           wait `linger` seconds; run 0 waits for the file, so that
                           its store commits the others' pieces */
    double linger;
} ctx;

static int build(snx_traj *traj)
{
    if (!snx_traj_add_parameter(traj, "k", snx_int(0), "the input rate is (200 + 100 k) Hz"))
        return -1;
    return snx_test_explore_ints(traj, "k", N_RUNS, 1);
}

/* A Poisson group into leaky neurons: some thousand spikes and two traces per run,
 * in blocks of 32 spikes or 8 samples when streaming. */
static int run(snx_traj *traj, void *data, snx_value *result)
{
    (void)result;
    const ctx *c = data;
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = snx_env_run_seed(traj) });
    snx_namespace *ns = snx_net_namespace(net);
    snx_namespace_set(ns, "k", (double)snx_traj_int(traj, "k"), SNX_DIMENSIONLESS);
    snx_group *in = snx_poisson_new(net, "input", 50, "(200 + 100*k)*Hz");
    snx_group *g = snx_group_new(net, "neurons", 20, "dV/dt = -V/(10*ms) : 1\nI : 1",
                                 &(snx_group_opts){ .threshold = "V > 1", .reset = "V = 0" });
    snx_synapses *s = snx_synapses_new(net, "syn", in, g,
                                       &(snx_synapses_opts){ .on_pre = "V += 0.3" });
    int rc = net && in && g && s ? snx_synapses_connect_p(s, 0.5, NULL) : snx_errcode();
    snx_monitor *sp = snx_monitor_spikes(net, "sp", in, NULL, 0);
    snx_monitor *st = snx_monitor_state(net, "st", g, "V, I",
                                        &(snx_state_monitor_opts){
                                            .neurons = (int32_t[]){ 0, 3, 7 }, .n_neurons = 3 });
    if (!rc && (!sp || !st))
        rc = snx_errcode();
    if (!rc && c->stream)
        rc = snx_traj_stream_monitor(traj, "monitors.spikes", sp,
                                     &(snx_stream_opts){ .max_bytes = 800 });
    if (!rc && c->stream)
        rc = snx_traj_stream_monitor(traj, "monitors.trace", st,
                                     &(snx_stream_opts){ .max_bytes = 1000 });
    if (!rc)
        rc = snx_net_run(net, 0.1);
    if (!rc && c->stream && snx_monitor_n_streamed(sp) == 0)
        rc = snx_error(SNX_ESTATE, "nothing streamed");
    if (!rc && c->marker && snx_traj_run_idx(traj) > 0) {
        FILE *f = fopen(c->marker, "a");
        if (f)
            fclose(f);
        nanosleep(&(struct timespec){ .tv_sec = (time_t)c->linger }, NULL);
    }
    struct stat mk;
    for (int k = 0; !rc && c->marker && snx_traj_run_idx(traj) == 0 && k < 2000 &&
                    stat(c->marker, &mk); k++)
        nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
    if (!rc && snx_traj_run_idx(traj) == c->crash_run) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    if (!rc && (!snx_traj_add_monitor(traj, "monitors.spikes", sp, "input spikes") ||
                !snx_traj_add_monitor(traj, "monitors.trace", st, NULL)))
        rc = snx_errcode();
    snx_net_free(net);
    return rc;
}

/* log: write a DEBUG log (sweep.log, here), which says when each run is stored */
static snx_env *new_env(const char *file, bool resume, bool log)
{
    snx_env *env = snx_env_new(&(snx_env_opts){ .trajectory = "sweep", .filename = file,
                                                .n_workers = 2, .seed = 7,
                                                .log_folder = log ? "." : "",
                                                .log_level = log ? SNX_LOG_DEBUG : SNX_LOG_OFF,
                                                .resume = resume, .commit_interval = -1 });
    if (!env)
        print_error("snx_env_new: %s\n", snx_errmsg());
    assert_non_null(env);
    if (!snx_env_resuming(env))
        assert_ok(build(snx_env_traj(env)));
    return env;
}

static int sweep(const char *file, ctx c, bool resume)
{
    if (!resume)
        unlink(file);
    snx_env *env = new_env(file, resume, c.marker != NULL);
    int rc = snx_env_run(env, run, &c);
    snx_env_free(env);
    return rc;
}

/* Every result of the file, item by item, and which runs completed. */
static char *dump(const char *file)
{
    snx_load_opts o = snx_load_defaults();
    o.name = "sweep";
    o.results = SNX_LOAD_DATA;
    snx_traj *t = snx_hdf5_load(file, &o);
    if (!t)
        print_error("loading %s: %s\n", file, snx_errmsg());
    assert_non_null(t);
    snx_buf b = { 0 };
    snx_node **leaves = NULL;
    long n = snx_traj_get_all(t, "monitors", &leaves);
    for (long k = 0; k < n; k++)
        for (size_t c = 0; c < snx_node_n_children(leaves[k]); c++) {
            snx_node *res = snx_node_child(leaves[k], c);
            snx_buf_printf(&b, "%s:", snx_node_full_name(res));
            for (size_t i = 0; i < snx_result_n_items(res); i++) {
                const char *item;
                const snx_value *v = snx_result_item_at(res, i, &item);
                char *text = snx_value_to_str(v, 0);
                snx_buf_printf(&b, " %s[%s]=%s", item, v->unit ? v->unit : "", text);
                free(text);
            }
            snx_buf_puts(&b, "\n");
        }
    free(leaves);
    for (size_t k = 0; k < snx_traj_n_runs(t); k++) {
        snx_run_info info;
        assert_ok(snx_traj_run_info(t, (long)k, &info));
        snx_buf_printf(&b, "%s completed=%d\n", info.name, info.completed);
    }
    snx_traj_free(t);
    return snx_buf_take(&b);
}

static bool log_says(const char *file, const char *text)
{
    FILE *f = fopen(file, "r");
    char line[1024];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, text) != NULL;
    if (f)
        fclose(f);
    return found;
}

static bool has_streams(const char *file)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    bool there = H5Lexists(f, "sweep/_streams", H5P_DEFAULT) > 0;
    H5Fclose(f);
    return there;
}

static void assert_same(const char *a, const char *b)
{
    char *da = dump(a), *db = dump(b);
    assert_string_equal(da, db);
    free(da);
    free(db);
}

static void test_streamed_equals_kept(void **state)
{
    (void)state;
    assert_ok(sweep("stream_kept.hdf5", (ctx){ .crash_run = -1 }, false));
    assert_ok(sweep("stream_streamed.hdf5", (ctx){ .stream = true, .crash_run = -1 }, false));
    assert_same("stream_kept.hdf5", "stream_streamed.hdf5");
    assert_false(has_streams("stream_streamed.hdf5"));
    char *d = dump("stream_streamed.hdf5");
    assert_non_null(strstr(d, "run_00000003.monitors.spikes: monitor_type[]='spikes'"));
    free(d);
}

static void test_crash_mid_stream_then_resume(void **state)
{
    (void)state;
    assert_int_equal(sweep("stream_crash.hdf5", (ctx){ .stream = true, .crash_run = 2 }, false),
                     SNX_ERUN);
    assert_false(has_streams("stream_crash.hdf5"));
    char *d = dump("stream_crash.hdf5");
    assert_null(strstr(d, "run_00000002.monitors"));
    assert_non_null(strstr(d, "run_00000002 completed=0"));
    free(d);
    assert_ok(sweep("stream_crash.hdf5", (ctx){ .stream = true, .crash_run = -1 }, true));
    assert_false(has_streams("stream_crash.hdf5"));
    assert_same("stream_crash.hdf5", "stream_kept.hdf5");
}

/* The writer is killed once a run has streamed and waits: its pieces stay in the
 * file's staging area, outside every result; resume drops them and ends with the
 * clean file. */
static void test_writer_killed_mid_stream_then_resume(void **state)
{
    (void)state;
    unlink("stream_killed.hdf5");
    unlink("stream_marker");
    unlink("sweep.log");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(1);
        sweep("stream_killed.hdf5", (ctx){ .stream = true, .crash_run = -1,
                                           .marker = "stream_marker", .linger = 60 }, false);
        _exit(0);
    }
    /* until run 0 is stored (and committed) while run 1, streamed, lingers */
    for (int k = 0; k < 6000 && !log_says("sweep.log", "run_00000000 completed"); k++)
        nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_true(has_streams("stream_killed.hdf5")); /* committed with run 0 */
    char *d = dump("stream_killed.hdf5"); /* loads: pieces are not results */
    assert_non_null(strstr(d, "run_00000000 completed=1"));
    assert_non_null(strstr(d, "run_00000001 completed=0"));
    assert_null(strstr(d, "run_00000001.monitors"));
    free(d);
    assert_ok(sweep("stream_killed.hdf5", (ctx){ .stream = true, .crash_run = -1 }, true));
    assert_false(has_streams("stream_killed.hdf5"));
    assert_same("stream_killed.hdf5", "stream_kept.hdf5");
    unlink("stream_marker");
    unlink("sweep.log");
}

static void test_stream_errors(void **state)
{
    (void)state;
    snx_net *net = snx_net_new(NULL);
    snx_group *g = snx_group_new(net, "g", 3, "dV/dt = -V/ms : 1", NULL);
    snx_monitor *r = snx_monitor_rate(net, "r", g);
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    snx_traj *traj = snx_traj_new("t", NULL);
    assert_fails(snx_traj_stream_monitor(traj, "x", r, NULL), SNX_EINVAL,
                 "monitor \"r\": only spike and state monitors stream");
    assert_fails(snx_monitor_stream(r, 0, NULL, NULL, NULL), SNX_EINVAL,
                 "monitor \"r\": only spike and state monitors stream (a rate monitor holds "
                 "no growing record)");
    assert_fails(snx_traj_stream_monitor(NULL, "x", sp, NULL), SNX_EINVAL,
                 "snx_traj_stream_monitor: NULL trajectory");
    /* outside an Environment's run: nothing streams, the monitor keeps everything */
    assert_ok(snx_traj_stream_monitor(traj, "x", sp, NULL));
    assert_int_equal(snx_monitor_stream_block(sp), 0);
    assert_false(snx_traj_streams(traj));
    assert_fails(snx_traj_stream_item(traj, "x", "t", snx_double_array(1, (double[]){ 1 })),
                 SNX_ESTATE, "streaming item \"t\" of \"x\": trajectory \"t\" does not stream "
                             "here (only inside a run of an Environment whose storage takes "
                             "pieces: snx_traj_streams)");
    /* blocks: the largest power of two that fits twice into the bound */
    assert_ok(snx_monitor_stream(sp, 1000, (snx_monitor_sink)1, NULL, NULL));
    assert_int_equal(snx_monitor_stream_block(sp), 32); /* 1000 / 2 / 12 = 41 */
    assert_ok(snx_monitor_stream(sp, 0, NULL, NULL, NULL));
    assert_int_equal(snx_monitor_stream_block(sp), 0);
    snx_traj_free(traj);
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_errors),
        cmocka_unit_test(test_streamed_equals_kept),
        cmocka_unit_test(test_crash_mid_stream_then_resume),
        cmocka_unit_test(test_writer_killed_mid_stream_then_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
