/* The clustered network of Litwin-Kumar & Doiron (spec §3.2-3.4) from its equation
 * strings (bench/clusternet_engine.h), at the runscript's scale 0.5 (2000 E, 500 I, 25
 * clusters of 80 connected through views, R_ee = 2: 76 projections): it must build, run
 * in Brian's schedule, and settle in the low-rate balanced regime (a few Hz), with
 * recorded subexpressions consistent with the variables they are made of. */
#include "sim_test.h"

#include "../bench/clusternet_engine.h"

enum { N_E = 2000, N_I = 500 };

/* The network at scale 0.5, R_ee 2, with `threads` sharing each run. */
static snx_net *clustered(size_t threads, snx_group **e, snx_group **i)
{
    snx_net *net = cn_engine_network(0.5, 2.0, threads, 2012, e, i);
    if (!net)
        print_error("%s\n", snx_errmsg());
    assert_non_null(net);
    return net;
}

static void test_clustered_network_runs(void **state)
{
    (void)state;
    const int N_e = N_E, N_i = N_I;
    snx_group *ne, *ni;
    snx_net *net = clustered(1, &ne, &ni);
    assert_ok(snx_net_run(net, 0.1)); /* the initial run, unrecorded */
    snx_monitor *sp = snx_monitor_spikes(net, "spikes_e", ne, NULL, 0);
    snx_monitor *spi = snx_monitor_spikes(net, "spikes_i", ni, NULL, 0);
    snx_monitor *st = snx_monitor_state(net, "traces", ne, "V, I_syn_e, x_e, I_syn_i",
                                        &(snx_state_monitor_opts){
                                            .neurons = (int32_t[]){ 0, 1, 100, 101 },
                                            .n_neurons = 4 });
    assert_ok(snx_net_run(net, 0.2));
    double rate = (double)snx_monitor_n_spikes(sp) / (N_e * 0.2);
    double rate_i = (double)snx_monitor_n_spikes(spi) / (N_i * 0.2);
    if (!(rate > 0.5 && rate < 30 && rate_i > 0.5 && rate_i < 30))
        print_error("mean E rate %g Hz, I %g Hz\n", rate, rate_i);
    assert_true(rate > 0.5 && rate < 30 && rate_i > 0.5 && rate_i < 30);
    /* Recorded subexpressions agree with the variables they are made of. */
    const double *I = snx_monitor_values(st, "I_syn_e"), *x = snx_monitor_values(st, "x_e");
    double maxI = 0;
    for (size_t k = 0; k < snx_monitor_n_samples(st) * 4; k++) {
        assert_close(I[k], x[k] / (3e-3 - 1e-3), 1e-9 * fabs(I[k]) + 1e-12);
        maxI = fabs(I[k]) > maxI ? fabs(I[k]) : maxI;
    }
    assert_true(maxI > 0); /* synaptic input did arrive */
    /* Time continued: spike times lie in the measurement window. */
    assert_true(snx_monitor_spike_t(sp)[0] >= 0.1 - 1e-12);
    snx_net_free(net);
}

/* A team of 2 or 3 threads gives the single thread's spikes and traces, bit for bit
 * (blocks keep their random streams, ring inputs keep their order). */
static void test_threads_give_the_same_bits(void **state)
{
    (void)state;
    size_t n_ref = 0;
    int32_t *i_ref = NULL;
    double *t_ref = NULL, *v_ref = NULL;
    for (size_t threads = 1; threads <= 3; threads++) {
        snx_group *ne, *ni;
        snx_net *net = clustered(threads, &ne, &ni);
        snx_monitor *sp = snx_monitor_spikes(net, "spikes_e", ne, NULL, 0);
        snx_monitor *st = snx_monitor_state(net, "v", ne, "V",
                                            &(snx_state_monitor_opts){
                                                .neurons = (int32_t[]){ 0, 1999 },
                                                .n_neurons = 2 });
        assert_ok(snx_net_run(net, 0.15));
        assert_ok(snx_net_run(net, 0.05)); /* a second run reuses the team's set-up */
        size_t n = snx_monitor_n_spikes(sp), ns = snx_monitor_n_samples(st);
        assert_true(n > 1000);
        if (threads == 1) {
            n_ref = n;
            i_ref = malloc(n * sizeof *i_ref);
            t_ref = malloc(n * sizeof *t_ref);
            v_ref = malloc(2 * ns * sizeof *v_ref);
            memcpy(i_ref, snx_monitor_spike_i(sp), n * sizeof *i_ref);
            memcpy(t_ref, snx_monitor_spike_t(sp), n * sizeof *t_ref);
            memcpy(v_ref, snx_monitor_values(st, "V"), 2 * ns * sizeof *v_ref);
        } else {
            assert_int_equal(n, n_ref);
            assert_memory_equal(snx_monitor_spike_i(sp), i_ref, n * sizeof *i_ref);
            assert_memory_equal(snx_monitor_spike_t(sp), t_ref, n * sizeof *t_ref);
            assert_memory_equal(snx_monitor_values(st, "V"), v_ref, 2 * ns * sizeof *v_ref);
        }
        snx_net_free(net);
    }
    free(i_ref);
    free(t_ref);
    free(v_ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clustered_network_runs),
        cmocka_unit_test(test_threads_give_the_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
