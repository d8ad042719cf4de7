/* Monitors: spikes (all or chosen neurons), counts, state (variables and
 * subexpressions, chosen neurons, coarser record_dt), population rate. */
#include "sim_test.h"

/* Neuron k spikes in every step that is a multiple of k + 1. */
static snx_group *clock_group(snx_net *net, int n)
{
    return must_group(net, "clk", n, "dc/dt = 1000*Hz*(1/(i + 1)) : 1\ns = c*2 : 1",
                      OPTS(.threshold = "c > 0.099", .reset = "c = 0"));
}

static void test_spike_and_count_monitors(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = clock_group(net, 4);
    snx_monitor *all = snx_monitor_spikes(net, "all", g, NULL, 0);
    snx_monitor *some = snx_monitor_spikes(net, "some", g, (int32_t[]){ 3, 1 }, 2);
    snx_monitor *cnt = snx_monitor_counts(net, "cnt", g);
    assert_ok(snx_net_run(net, 12 * DT));
    /* Neuron k spikes in steps k, 2k+1, ...: counts 12, 6, 4, 3 over 12 steps. */
    size_t n;
    const int64_t *c = snx_monitor_counts_of(cnt, &n);
    assert_int_equal(n, 4);
    int64_t want[4] = { 12, 6, 4, 3 };
    for (int k = 0; k < 4; k++)
        assert_int_equal(c[k], want[k]);
    assert_int_equal(snx_monitor_n_spikes(all), 25);
    assert_null(snx_monitor_spike_i(cnt));
    /* Spikes come in time order, neurons ascending within a step. */
    const int32_t *i = snx_monitor_spike_i(all);
    const double *t = snx_monitor_spike_t(all);
    for (size_t s = 1; s < 25; s++)
        assert_true(t[s] > t[s - 1] || (t[s] == t[s - 1] && i[s] > i[s - 1]));
    assert_close(t[24], 11 * DT, 1e-15);
    /* Chosen neurons: counts in the order given. */
    c = snx_monitor_counts_of(some, &n);
    assert_int_equal(n, 2);
    assert_int_equal(c[0], 3);
    assert_int_equal(c[1], 6);
    assert_int_equal(snx_monitor_n_spikes(some), 9);
    const int32_t *rec = snx_monitor_neurons(some, &n);
    assert_int_equal(rec[0], 3);
    /* Clearing forgets; recording continues. */
    snx_monitor_clear(all);
    assert_int_equal(snx_monitor_n_spikes(all), 0);
    assert_ok(snx_net_run(net, DT));
    assert_int_equal(snx_monitor_n_spikes(all), 1); /* step 12: neuron 0 */
    snx_net_free(net);
}

static void test_state_monitor(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = clock_group(net, 4);
    snx_monitor *m = snx_monitor_state(net, "m", g, "c, s",
                                       &(snx_state_monitor_opts){
                                           .neurons = (int32_t[]){ 2, 0 }, .n_neurons = 2 });
    snx_monitor *coarse = snx_monitor_state(net, "coarse", g, "c",
                                            &(snx_state_monitor_opts){ .record_dt = 3 * DT });
    assert_ok(snx_net_run(net, 6 * DT));
    assert_int_equal(snx_monitor_n_vars(m), 2);
    assert_string_equal(snx_monitor_var_name(m, 1), "s");
    assert_true(snx_dim_is_dimensionless(snx_monitor_var_dim(m, 0)));
    assert_int_equal(snx_monitor_n_samples(m), 6);
    const double *c = snx_monitor_values(m, "c"), *s = snx_monitor_values(m, "s");
    /* Neuron 2 (column 0): c rises 1/30 per step and resets after 3 steps. */
    assert_close(c[0 * 2 + 0], 0.1 / 3, 1e-12);
    assert_close(c[1 * 2 + 0], 0.2 / 3, 1e-12);
    assert_close(c[2 * 2 + 0], 0.0, 0);
    assert_close(s[1 * 2 + 0], 0.4 / 3, 1e-12); /* the subexpression s = 2c */
    assert_close(c[3 * 2 + 1], 0.0, 0);        /* neuron 0 resets every step */
    assert_close(snx_monitor_times(m)[5], 5 * DT, 1e-15);
    assert_null(snx_monitor_values(m, "nope"));
    /* Coarser sampling: steps 0 and 3. */
    assert_int_equal(snx_monitor_n_samples(coarse), 2);
    assert_close(snx_monitor_times(coarse)[1], 3 * DT, 1e-15);
    /* Errors. */
    assert_null(snx_monitor_state(net, "x1", g, "c, q", NULL));
    assert_errmsg_contains("no variable or subexpression \"q\" (it has: c, s)");
    assert_null(snx_monitor_state(net, "x2", g, "c",
                                  &(snx_state_monitor_opts){ .record_dt = 1.5 * DT }));
    assert_errmsg_contains("not a multiple of dt");
    assert_null(snx_monitor_state(net, "x3", g, "", NULL));
    assert_errmsg_contains("no variables given");
    assert_null(snx_monitor_spikes(net, "x4", g, (int32_t[]){ 4 }, 1));
    assert_errmsg_contains("neuron 4 (position 0) is not in clk (size 4)");
    assert_null(snx_monitor_spikes(net, "x5", g, (int32_t[]){ 1, 1 }, 2));
    assert_errmsg_contains("listed twice");
    assert_null(snx_monitor_spikes(net, "m", g, NULL, 0));
    assert_int_equal(snx_errcode(), SNX_EEXIST);
    assert_null(snx_monitor_rate(net, "x6", NULL));
    snx_net_free(net);
}

static void test_rate_monitor(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = clock_group(net, 4);
    snx_monitor *r = snx_monitor_rate(net, "r", g);
    snx_monitor *rv = snx_monitor_rate(net, "rv", snx_group_slice(g, 1, 3));
    assert_ok(snx_net_run(net, 6 * DT));
    assert_int_equal(snx_monitor_n_samples(r), 6);
    /* Step 5: neurons 0, 1, 2 spike (5 = 6k - 1 for k = 1, 2, 3). */
    assert_close(snx_monitor_rates(r)[5], 3 / (4 * DT), 1e-6);
    assert_close(snx_monitor_rates(rv)[5], 2 / (2 * DT), 1e-6);
    assert_close(snx_monitor_rates(r)[0], 1 / (4 * DT), 1e-6);
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spike_and_count_monitors),
        cmocka_unit_test(test_state_monitor),
        cmocka_unit_test(test_rate_monitor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
