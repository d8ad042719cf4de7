/* A team of threads (snx_net_opts.threads) on everything a network can hold: the same
 * bits as one thread with Poisson inputs, per-synapse weights and delays on the fast
 * path, STDP (event queues, on_post), summed variables, clock-driven synapses, views,
 * refractoriness, a C update and monitors; progress reports; errors stop the run
 * with the serial message; snapshots restore under a team. (test_sim_clusternet.c
 * compares the clustered network.) */
#include <math.h>
#include <string.h>

#include "sim_test.h"

enum { N_IN = 300, N_OUT = 200 };

/* A C update that adds a constant drive (run by thread 0 in a team). */
static int drive(snx_group *g, double t, double dt, void *ctx)
{
    (void)t;
    (void)ctx;
    double *u = snx_group_var(g, "u");
    for (int32_t k = 0; k < snx_group_size(g); k++)
        u[k] += dt * 50;
    return 0;
}

typedef struct {
    snx_net *net;
    snx_monitor *spikes, *trace, *spikes_c;
    snx_synapses *stdp;
} mixed;

static mixed build(size_t threads)
{
    mixed m = { 0 };
    m.net = snx_net_new(&(snx_net_opts){ .seed = 99, .threads = threads });
    assert_non_null(m.net);
    snx_group *in = snx_poisson_new(m.net, "in", N_IN, "(5 + 0.1*i)*Hz");
    snx_group *out = must_group(m.net, "out", N_OUT,
                                "dv/dt = (ge - v)/(10*ms) + I/(10*ms) : 1 (unless refractory)\n"
                                "dge/dt = -ge/(5*ms) : 1\nI : 1",
                                OPTS(.threshold = "v > 1", .reset = "v = 0",
                                     .refractory = "2*ms"));
    snx_group *c = must_group(m.net, "c", 300, "u : 1",
                              OPTS(.threshold = "u > 1", .reset = "u = 0", .update = drive));
    assert_non_null(in);
    snx_synapses *fast = snx_synapses_new(m.net, "fast", in, snx_group_slice(out, 50, 200),
                                          &(snx_synapses_opts){ .model = "w : 1",
                                                                .on_pre = "ge += w" });
    assert_non_null(fast);
    assert_ok(snx_synapses_connect_p(fast, 0.3, NULL));
    assert_ok(snx_synapses_init(fast, "w", "0.2*rand()"));
    assert_ok(snx_synapses_init(fast, "delay", "rand()*3*ms"));
    m.stdp = snx_synapses_new(m.net, "stdp", in, out, &(snx_synapses_opts){
        .model = "w : 1\ndA/dt = -A/(20*ms) : 1 (event-driven)\n"
                 "dB/dt = -B/(20*ms) : 1 (event-driven)\n"
                 "dg/dt = -g/(3*ms) : 1 (clock-driven)\n"
                 "I_post = 0.01*g : 1 (summed)",
        .on_pre = "ge += w; g += 1; A += 0.01; w = clip(w + B, 0, 0.3)",
        .on_post = "B -= 0.0105; w = clip(w + A, 0, 0.3)", .delay = "1*ms" });
    assert_non_null(m.stdp);
    assert_ok(snx_synapses_connect_p(m.stdp, 0.2, NULL));
    assert_ok(snx_synapses_init(m.stdp, "w", "0.3*rand()"));
    snx_synapses *cs = snx_synapses_new(m.net, "cs", c, out, &(snx_synapses_opts){
        .on_pre = "ge += 0.05" });
    assert_non_null(cs);
    assert_ok(snx_synapses_connect_p(cs, 0.1, NULL));
    m.spikes = snx_monitor_spikes(m.net, "spikes", out, NULL, 0);
    m.spikes_c = snx_monitor_spikes(m.net, "spikes_c", c, NULL, 0);
    m.trace = snx_monitor_state(m.net, "trace", out, "v, ge, I",
                                &(snx_state_monitor_opts){ .neurons = (int32_t[]){ 0, 60, 199 },
                                                           .n_neurons = 3 });
    assert_non_null(m.spikes && m.trace && m.spikes_c);
    return m;
}

static void expect_same(const mixed *a, const mixed *b)
{
    size_t n = snx_monitor_n_spikes(a->spikes);
    assert_int_equal(n, snx_monitor_n_spikes(b->spikes));
    assert_memory_equal(snx_monitor_spike_i(a->spikes), snx_monitor_spike_i(b->spikes),
                        n * sizeof(int32_t));
    assert_memory_equal(snx_monitor_spike_t(a->spikes), snx_monitor_spike_t(b->spikes),
                        n * sizeof(double));
    assert_int_equal(snx_monitor_n_spikes(a->spikes_c), snx_monitor_n_spikes(b->spikes_c));
    size_t ns = snx_monitor_n_samples(a->trace);
    const char *vars[] = { "v", "ge", "I" };
    for (size_t k = 0; k < 3; k++)
        assert_memory_equal(snx_monitor_values(a->trace, vars[k]),
                            snx_monitor_values(b->trace, vars[k]), 3 * ns * sizeof(double));
    size_t nsyn = snx_synapses_count(a->stdp);
    double *wa = malloc(nsyn * sizeof *wa), *wb = malloc(nsyn * sizeof *wb);
    assert_ok(snx_synapses_get_array(a->stdp, "w", wa, nsyn));
    assert_ok(snx_synapses_get_array(b->stdp, "w", wb, nsyn));
    assert_memory_equal(wa, wb, nsyn * sizeof *wa);
    free(wa);
    free(wb);
}

static void test_everything_the_same_bits(void **state)
{
    (void)state;
    mixed one = build(1);
    assert_ok(snx_net_run(one.net, 0.3));
    assert_true(snx_monitor_n_spikes(one.spikes) > 100);
    assert_true(snx_monitor_n_spikes(one.spikes_c) > 10);
    for (size_t threads = 2; threads <= 4; threads += 2) {
        mixed many = build(threads);
        assert_ok(snx_net_run(many.net, 0.1));
        assert_ok(snx_net_run(many.net, 0.2));
        expect_same(&one, &many);
        snx_net_free(many.net);
    }
    snx_net_free(one.net);
}

static void test_snapshot_under_a_team(void **state)
{
    (void)state;
    mixed m = build(2);
    assert_ok(snx_net_run(m.net, 0.05));
    snx_snapshot *snap = snx_net_snapshot(m.net);
    assert_non_null(snap);
    assert_ok(snx_net_run(m.net, 0.1));
    size_t n = snx_monitor_n_spikes(m.spikes);
    int32_t *first = malloc(n * sizeof *first);
    memcpy(first, snx_monitor_spike_i(m.spikes), n * sizeof *first);
    assert_ok(snx_net_restore(m.net, snap));
    assert_ok(snx_net_run(m.net, 0.1));
    assert_int_equal(snx_monitor_n_spikes(m.spikes), n);
    assert_memory_equal(snx_monitor_spike_i(m.spikes), first, n * sizeof *first);
    free(first);
    snx_snapshot_free(snap);
    snx_net_free(m.net);
}

static void count_reports(double fraction, double t, double elapsed, void *ctx)
{
    (void)t;
    (void)elapsed;
    int *n = ctx;
    *n += 1;
    assert_true(fraction > 0 && fraction <= 1);
}

/* A value that blows up stops a team's run with the serial run's message, at the same
 * time; reports reach the reporter. */
static void test_errors_and_reports(void **state)
{
    (void)state;
    char serial[512] = "";
    for (size_t threads = 1; threads <= 2; threads++) {
        int reports = 0;
        snx_net *net = snx_net_new(&(snx_net_opts){ .threads = threads, .report = count_reports,
                                                    .report_ctx = &reports,
                                                    .report_period = 1e-9 });
        snx_group *g = must_group(net, "g", 1000, "dx/dt = x*(i == 777)/ms : 1", NULL);
        assert_ok(snx_group_set(g, "x", 1));
        assert_fails(snx_net_run(net, 1.0), SNX_ENUMERIC, "x of neuron 777 became inf");
        if (threads == 1)
            snprintf(serial, sizeof serial, "%s", snx_errmsg());
        else
            assert_string_equal(snx_errmsg(), serial);
        assert_true(reports > 0);
        snx_net_free(net);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_everything_the_same_bits),
        cmocka_unit_test(test_snapshot_under_a_team),
        cmocka_unit_test(test_errors_and_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
