/* The network: time continues across runs, objects come and go between runs, and the
 * same seed gives the same bits: across run splits, snapshot/restore, and OpenMP. */
#include "sim_test.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static const snx_connect_opts NO_AUTAPSES = { .exclude_autapses = true };

/* Poisson input -> noisy LIF neurons, with a fast-path projection, a delayed general
 * projection with plasticity-like on_pre code, and recurrent inhibition. */
typedef struct {
    snx_net *net;
    snx_monitor *spikes, *trace;
} model;

static model build(uint64_t seed, int32_t parallel_min, int n)
{
    model m;
    m.net = snx_net_new(&(snx_net_opts){ .seed = seed, .parallel_min = parallel_min });
    snx_namespace *ns = snx_net_namespace(m.net);
    snx_namespace_set_unit(ns, "tau", 10, "ms");
    snx_group *in = snx_poisson_new(m.net, "in", 50, "200*Hz");
    snx_group *g = must_group(m.net, "lif", n,
                              "dV/dt = (mu - V)/tau + 0.5*(rand() - 0.5)/ms : 1 (unless refractory)\n"
                              "dge/dt = -ge/(5*ms) : 1\nmu : 1",
                              OPTS(.threshold = "V > 1", .reset = "V = 0", .refractory = "2*ms"));
    assert_ok(snx_group_init(g, "mu", "0.8 + 0.3*rand()"));
    assert_ok(snx_group_init(g, "V", "rand()"));
    snx_synapses *a = snx_synapses_new(m.net, "a", in, g, &(snx_synapses_opts){ .on_pre = "V += 0.02" });
    assert_ok(snx_synapses_connect_p(a, 0.2, NULL));
    snx_synapses *b = snx_synapses_new(m.net, "b", g, g,
                                       &(snx_synapses_opts){ .model = "w : 1",
                                                             .on_pre = "ge += w; w *= 0.99" });
    assert_ok(snx_synapses_connect_p(b, 0.1, &NO_AUTAPSES));
    assert_ok(snx_synapses_init(b, "w", "0.1*rand()"));
    assert_ok(snx_synapses_init(b, "delay", "rand()*3*ms"));
    snx_synapses *c = snx_synapses_new(m.net, "c", snx_group_slice(g, 0, n / 2), g,
                                       &(snx_synapses_opts){ .on_pre = "V -= 0.01", .delay = "1*ms" });
    assert_ok(snx_synapses_connect_p(c, 0.1, &NO_AUTAPSES));
    m.spikes = snx_monitor_spikes(m.net, "spikes", g, NULL, 0);
    m.trace = snx_monitor_state(m.net, "trace", g, "V, ge, lastspike",
                                &(snx_state_monitor_opts){ .neurons = (int32_t[]){ 0, 7 },
                                                           .n_neurons = 2 });
    assert_non_null(m.spikes);
    assert_non_null(m.trace);
    return m;
}

static void assert_same_recording(const snx_monitor *a, size_t a0, const snx_monitor *b, size_t b0)
{
    size_t n = snx_monitor_n_spikes(a) - a0;
    assert_int_equal(snx_monitor_n_spikes(b) - b0, n);
    assert_memory_equal(snx_monitor_spike_i(a) + a0, snx_monitor_spike_i(b) + b0, n * sizeof(int32_t));
    assert_memory_equal(snx_monitor_spike_t(a) + a0, snx_monitor_spike_t(b) + b0, n * sizeof(double));
}

static void test_split_runs_equal_one_run(void **state)
{
    (void)state;
    model x = build(9, -1, 300), y = build(9, -1, 300);
    assert_ok(snx_net_run(x.net, 0.1));
    assert_ok(snx_net_run(y.net, 0.03));
    assert_ok(snx_net_run(y.net, 0.07));
    assert_int_equal(snx_net_step(y.net), 1000);
    assert_close(snx_net_t(y.net), 0.1, 1e-12);
    assert_true(snx_monitor_n_spikes(x.spikes) > 100);
    assert_same_recording(x.spikes, 0, y.spikes, 0);
    assert_memory_equal(snx_monitor_values(x.trace, "V"), snx_monitor_values(y.trace, "V"),
                        1000 * 2 * sizeof(double));
    /* A different seed gives a different run. */
    model z = build(10, -1, 300);
    assert_ok(snx_net_run(z.net, 0.1));
    assert_true(snx_monitor_n_spikes(z.spikes) != snx_monitor_n_spikes(x.spikes) ||
                memcmp(snx_monitor_spike_t(z.spikes), snx_monitor_spike_t(x.spikes),
                       snx_monitor_n_spikes(x.spikes) * sizeof(double)) != 0);
    snx_net_free(x.net);
    snx_net_free(y.net);
    snx_net_free(z.net);
}

static void test_snapshot_restore_reproduces_bits(void **state)
{
    (void)state;
    model m = build(4, -1, 300);
    assert_ok(snx_net_run(m.net, 0.05));
    snx_snapshot *snap = snx_net_snapshot(m.net);
    assert_non_null(snap);
    size_t n0 = snx_monitor_n_spikes(m.spikes), s0 = snx_monitor_n_samples(m.trace);
    assert_ok(snx_net_run(m.net, 0.05));
    size_t n1 = snx_monitor_n_spikes(m.spikes);
    double *first = malloc((n1 - n0) * sizeof *first);
    memcpy(first, snx_monitor_spike_t(m.spikes) + n0, (n1 - n0) * sizeof *first);
    double v_end = snx_group_var(snx_net_group(m.net, "lif"), "V")[5];
    size_t n_ls = (snx_monitor_n_samples(m.trace) - s0) * 2;
    double *ls = malloc(n_ls * sizeof *ls); /* lastspike is part of the state */
    memcpy(ls, snx_monitor_values(m.trace, "lastspike") + s0 * 2, n_ls * sizeof *ls);
    /* Restore: time, monitors and state go back; the continuation repeats exactly. */
    assert_ok(snx_net_restore(m.net, snap));
    assert_int_equal(snx_net_step(m.net), 500);
    assert_int_equal(snx_monitor_n_spikes(m.spikes), n0);
    assert_int_equal(snx_monitor_n_samples(m.trace), s0);
    assert_ok(snx_net_run(m.net, 0.05));
    assert_int_equal(snx_monitor_n_spikes(m.spikes), n1);
    assert_memory_equal(snx_monitor_spike_t(m.spikes) + n0, first, (n1 - n0) * sizeof *first);
    assert_true(snx_group_var(snx_net_group(m.net, "lif"), "V")[5] == v_end);
    assert_memory_equal(snx_monitor_values(m.trace, "lastspike") + s0 * 2, ls, n_ls * sizeof *ls);
    free(ls);
    /* A snapshot taken before the first run works too (rings and queues come later). */
    model p = build(4, -1, 300);
    snx_snapshot *fresh = snx_net_snapshot(p.net);
    assert_ok(snx_net_run(p.net, 0.05));
    size_t np = snx_monitor_n_spikes(p.spikes);
    assert_ok(snx_net_restore(p.net, fresh));
    assert_int_equal(snx_monitor_n_spikes(p.spikes), 0);
    assert_ok(snx_net_run(p.net, 0.05));
    assert_int_equal(snx_monitor_n_spikes(p.spikes), np);
    /* ... and equals the first 50 ms of the other network, built with the same seed. */
    assert_int_equal(np, n0);
    assert_memory_equal(snx_monitor_spike_t(p.spikes), snx_monitor_spike_t(m.spikes),
                        n0 * sizeof(double));
    /* Structure must match: a group created after the snapshot is refused. */
    must_group(p.net, "late", 2, "V : 1", NULL);
    assert_fails(snx_net_restore(p.net, fresh), SNX_ESTATE, "\"late\" did not exist at the snapshot");
    free(first);
    snx_snapshot_free(snap);
    snx_snapshot_free(fresh);
    snx_net_free(m.net);
    snx_net_free(p.net);
}

static void test_parallel_updates_match_serial(void **state)
{
    (void)state;
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
    omp_set_num_threads(2);
#endif
    model serial = build(6, -1, 3000), parallel = build(6, 1, 3000);
    assert_ok(snx_net_run(serial.net, 0.02));
    assert_ok(snx_net_run(parallel.net, 0.02));
    assert_true(snx_monitor_n_spikes(serial.spikes) > 0);
    assert_same_recording(serial.spikes, 0, parallel.spikes, 0);
    snx_net_free(serial.net);
    snx_net_free(parallel.net);
#ifdef _OPENMP
    omp_set_num_threads(threads);
#else
    (void)threads;
#endif
}

static void test_objects_between_runs(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 2, "dc/dt = 1000*Hz : 1", OPTS(.threshold = "c > 0.45", .reset = "c = 0"));
    snx_group *h = must_group(net, "h", 2, "x : 1", NULL);
    snx_synapses *s = snx_synapses_new(net, "s", g, h, &(snx_synapses_opts){ .on_pre = "x += 1" });
    assert_ok(snx_synapses_connect_one_to_one(s));
    snx_monitor *m = snx_monitor_spikes(net, "m", g, NULL, 0);
    assert_ok(snx_net_run(net, 10 * DT)); /* spikes in steps 4 and 9 */
    assert_int_equal(snx_monitor_n_spikes(m), 4);
    /* A removed monitor stops recording; a removed synapses object stops delivering. */
    assert_ok(snx_net_remove(net, "m"));
    assert_false(snx_net_is_active(net, "m"));
    assert_ok(snx_net_remove(net, "s"));
    assert_ok(snx_net_run(net, 10 * DT));
    assert_int_equal(snx_monitor_n_spikes(m), 4);
    assert_close(snx_group_var(h, "x")[0], 2, 0);
    assert_ok(snx_net_add(net, "m"));
    assert_ok(snx_net_add(net, "s"));
    /* A removed group freezes; objects that need it make the run fail. */
    assert_ok(snx_net_remove(net, "g"));
    assert_fails(snx_net_run(net, DT), SNX_ESTATE, "\"s\" refers to group \"g\", which is removed");
    assert_ok(snx_net_remove(net, "s"));
    assert_ok(snx_net_remove(net, "m"));
    double c = snx_group_var(g, "c")[0];
    assert_ok(snx_net_run(net, 5 * DT));
    assert_close(snx_group_var(g, "c")[0], c, 0);
    assert_int_equal(snx_net_step(net), 25);
    /* Deleting: not while referenced; monitors and synapses first. */
    assert_fails(snx_net_delete(net, "g"), SNX_ESTATE, "\"s\" refers to it");
    assert_ok(snx_net_delete(net, "s"));
    assert_ok(snx_net_delete(net, "m"));
    assert_ok(snx_net_delete(net, "g"));
    assert_null(snx_net_group(net, "g"));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_non_null(snx_net_group(net, "h"));
    assert_null(snx_net_synapses(net, "h"));
    assert_int_equal(snx_errcode(), SNX_ETYPE);
    assert_fails(snx_net_remove(net, "zz"), SNX_ENOTFOUND, "no object named \"zz\"");
    /* Objects made after runs start from the current time. */
    snx_group *late = must_group(net, "late", 1, "dx/dt = 1*Hz : 1", NULL);
    snx_monitor *lm = snx_monitor_state(net, "lm", late, "x", NULL);
    assert_ok(snx_net_run(net, DT));
    assert_close(snx_monitor_times(lm)[0], 25 * DT, 1e-15);
    assert_fails(snx_net_run(net, -1), SNX_EINVAL, "duration must be >= 0");
    snx_net_free(net);
}

static int reports;
static void count_report(double fraction, double t, double elapsed, void *ctx)
{
    (void)t;
    (void)elapsed;
    (void)ctx;
    assert_true(fraction >= 0 && fraction <= 1);
    reports++;
}

static void test_progress_and_options(void **state)
{
    (void)state;
    reports = 0;
    snx_net *net = snx_net_new(&(snx_net_opts){ .dt = 0.5e-3, .report = count_report,
                                                .report_period = 1e-9 });
    assert_close(snx_net_dt(net), 0.5e-3, 0);
    must_group(net, "g", 2, "dx/dt = 1*Hz : 1", NULL);
    assert_ok(snx_net_run(net, 0.1)); /* 200 steps: a report every 16 steps, and the end */
    assert_int_equal(reports, 13);
    assert_null(snx_net_new(&(snx_net_opts){ .dt = -1 }));
    assert_errmsg_contains("dt must be positive");
    FILE *f = tmpfile();
    snx_progress_text(0.5, 1.0, 2.0, f);
    rewind(f);
    char line[128] = { 0 };
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "50.0% done"));
    fclose(f);
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_runs_equal_one_run),
        cmocka_unit_test(test_snapshot_restore_reproduces_bits),
        cmocka_unit_test(test_parallel_updates_match_serial),
        cmocka_unit_test(test_objects_between_runs),
        cmocka_unit_test(test_progress_and_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
