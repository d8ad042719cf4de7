/* Neuron groups: refractoriness counted in steps, views (subgroups), initialisation,
 * thresholds, C state updates, Poisson sources, and their error paths. */
#include "sim_test.h"

/* V rises 0.1 per step (held when refractory), u rises 0.1 per step always. */
static snx_group *ramp_group(snx_net *net, const char *refractory)
{
    return must_group(net, "ramp", 1,
                      "dV/dt = 1000*Hz : 1 (unless refractory)\ndu/dt = 1000*Hz : 1",
                      OPTS(.threshold = "V > 0.45", .reset = "V = 0", .refractory = refractory));
}

static void test_refractory_holds_exact_steps(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = ramp_group(net, "1*ms"); /* k = 10 steps */
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    snx_monitor *st = snx_monitor_state(net, "st", g, "V, u", NULL);
    assert_ok(snx_net_run(net, 40 * DT));
    /* Spikes in steps 4, 18, 32: 5 steps to cross, then k - 1 held steps. */
    assert_int_equal(snx_monitor_n_spikes(sp), 3);
    for (int s = 0; s < 3; s++)
        assert_close(snx_monitor_spike_t(sp)[s], (4 + 14 * s) * DT, 1e-12);
    const double *V = snx_monitor_values(st, "V"), *u = snx_monitor_values(st, "u");
    /* V shows its reset value for exactly k = 10 samples (steps 4..13), then rises. */
    for (int step = 4; step <= 13; step++)
        assert_close(V[step], 0.0, 0);
    assert_close(V[3], 0.4, 1e-12);
    assert_close(V[14], 0.1, 1e-12);
    /* u is not held: it integrates straight through. */
    assert_close(u[13], 1.4, 1e-12);
    snx_net_free(net);
}

static void test_refractory_blocks_threshold_and_rounds(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    /* Always above threshold, no reset: spikes exactly every k steps. 0.55 ms rounds
     * to k = 6 steps; the per-neuron expression gives 1 step (no refractoriness) to
     * neuron 1. */
    snx_group *g = must_group(net, "g", 2, "dW/dt = 1000*Hz : 1\nref : second",
                              OPTS(.threshold = "W > 0.05", .refractory = "ref"));
    snx_group_set_array(g, "ref", (double[]){ 0.55e-3, 0.1e-3 }, 2);
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    assert_ok(snx_net_run(net, 29 * DT));
    size_t n;
    const int64_t *counts = snx_monitor_counts_of(sp, &n);
    assert_int_equal(n, 2);
    assert_int_equal(counts[0], 5); /* steps 0, 6, 12, 18, 24 */
    assert_int_equal(counts[1], 29); /* every step */
    const int32_t *i = snx_monitor_spike_i(sp);
    const double *t = snx_monitor_spike_t(sp);
    double last[2] = { -1, -1 };
    for (size_t s = 0; s < snx_monitor_n_spikes(sp); s++) {
        if (last[i[s]] >= 0)
            assert_close(t[s] - last[i[s]], (i[s] == 0 ? 6 : 1) * DT, 1e-12);
        last[i[s]] = t[s];
    }
    /* Between steps: neuron 0 spiked in step 24 and may integrate again from step 30;
     * after 29 steps it is still refractory. */
    assert_true(snx_group_is_refractory(g, 0));
    assert_false(snx_group_is_refractory(g, 1));
    snx_net_free(net);
}

static void test_views_index_relative(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 10, "V : 1\nk : 1", OPTS(.threshold = "V > 0.5"));
    snx_group *a = snx_group_slice(g, 2, 8), *b = snx_group_slice(a, 1, 3);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(snx_group_size(a), 6);
    assert_int_equal(snx_group_offset(b), 3);
    assert_int_equal(snx_group_size(b), 2);
    assert_string_equal(snx_group_name(b), "g[3:5]");
    assert_ok(snx_group_init(a, "k", "i + 10*N")); /* i relative to the view, N its size */
    const double *k = snx_group_var(g, "k");
    assert_close(k[1], 0, 0);
    assert_close(k[2], 60, 0);
    assert_close(k[7], 65, 0);
    assert_close(k[8], 0, 0);
    assert_ok(snx_group_set_array(b, "V", (double[]){ 1, 1 }, 2)); /* neurons 3 and 4 */
    assert_ptr_equal(snx_group_var(b, "V"), snx_group_var(g, "V") + 3);
    snx_monitor *ma = snx_monitor_spikes(net, "ma", a, NULL, 0);
    snx_monitor *mb = snx_monitor_spikes(net, "mb", b, (int32_t[]){ 1 }, 1);
    snx_monitor *sa = snx_monitor_state(net, "sa", a, "k",
                                        &(snx_state_monitor_opts){
                                            .neurons = (int32_t[]){ 5, 0 }, .n_neurons = 2 });
    assert_ok(snx_net_run(net, DT));
    assert_int_equal(snx_monitor_n_spikes(ma), 2);
    assert_int_equal(snx_monitor_spike_i(ma)[0], 1); /* neuron 3 is a's 1 */
    assert_int_equal(snx_monitor_spike_i(ma)[1], 2);
    assert_int_equal(snx_monitor_n_spikes(mb), 1);
    assert_int_equal(snx_monitor_spike_i(mb)[0], 1); /* neuron 4 is b's 1 */
    assert_close(snx_monitor_values(sa, "k")[0], 65, 0);
    assert_close(snx_monitor_values(sa, "k")[1], 60, 0);
    /* Errors: slices out of range or empty, wrong sizes. */
    assert_null(snx_group_slice(g, 5, 11));
    assert_errmsg_contains("slice [5:11] is not a non-empty part of [0:10]");
    assert_null(snx_group_slice(a, 3, 3));
    assert_fails(snx_group_set_array(a, "V", (double[]){ 1, 2 }, 2), SNX_EINVAL,
                 "2 values given for \"V\", the group has 6");
    assert_null(snx_group_var(g, "W"));
    assert_errmsg_contains("no variable \"W\" (variables: V, k)");
    snx_net_free(net);
}

static void test_init_forms_and_randomness(void **state)
{
    (void)state;
    snx_net *net = test_net(5);
    snx_namespace_set(snx_net_namespace(net), "lo", 1.1, SNX_DIMENSIONLESS);
    snx_namespace_set(snx_net_namespace(net), "hi", 1.2, SNX_DIMENSIONLESS);
    snx_group *g = must_group(net, "g", 1000, "mu : 1\nz : 1\nv : volt", NULL);
    assert_ok(snx_group_init(g, "mu", "lo + rand()*(hi - lo)"));
    assert_ok(snx_group_init(g, "z", "randn()"));
    assert_ok(snx_group_init(g, "v", "-70*mV + i*0.01*mV"));
    const double *mu = snx_group_var(g, "mu"), *z = snx_group_var(g, "z");
    double mean = 0, zm = 0, zv = 0, lo = 2, hi = 0;
    for (int i = 0; i < 1000; i++) {
        mean += mu[i] / 1000;
        lo = mu[i] < lo ? mu[i] : lo;
        hi = mu[i] > hi ? mu[i] : hi;
        zm += z[i] / 1000;
        zv += z[i] * z[i] / 1000;
    }
    assert_true(lo >= 1.1 && hi < 1.2);
    assert_close(mean, 1.15, 0.005);
    assert_close(zm, 0, 0.1);
    assert_close(zv, 1, 0.15);
    assert_close(snx_group_var(g, "v")[999], -0.070 + 999 * 0.01e-3, 1e-15);
    /* The same seed gives the same numbers. */
    snx_net *again = test_net(5);
    snx_namespace_set(snx_net_namespace(again), "lo", 1.1, SNX_DIMENSIONLESS);
    snx_namespace_set(snx_net_namespace(again), "hi", 1.2, SNX_DIMENSIONLESS);
    snx_group *h = must_group(again, "g", 1000, "mu : 1\nz : 1\nv : volt", NULL);
    assert_ok(snx_group_init(h, "mu", "lo + rand()*(hi - lo)"));
    assert_memory_equal(snx_group_var(h, "mu"), mu, 1000 * sizeof(double));
    snx_net_free(again);
    snx_net_free(net);
}

static void test_thresholds(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    /* Compiled condition, subexpression, >= and < forms. */
    snx_group *a = must_group(net, "a", 4, "V : 1\nu : 1\nS = V + u : 1",
                              OPTS(.threshold = "S > 1 and not (u > 0.9)"));
    snx_group_set_array(a, "V", (double[]){ 0.5, 0.5, 2, 0 }, 4);
    snx_group_set_array(a, "u", (double[]){ 0.6, 0.4, 1, 2 }, 4);
    snx_group *b = must_group(net, "b", 3, "V : 1", OPTS(.threshold = "V >= 0.5"));
    snx_group_set_array(b, "V", (double[]){ 0.5, 0.49, 7 }, 3);
    snx_group *c = must_group(net, "c", 3, "V : 1", OPTS(.threshold = "V < -1"));
    snx_group_set_array(c, "V", (double[]){ -2, -1, 0 }, 3);
    snx_monitor *ma = snx_monitor_spikes(net, "ma", a, NULL, 0);
    snx_monitor *mb = snx_monitor_spikes(net, "mb", b, NULL, 0);
    snx_monitor *mc = snx_monitor_spikes(net, "mc", c, NULL, 0);
    assert_ok(snx_net_run(net, DT));
    assert_int_equal(snx_monitor_n_spikes(ma), 1);
    assert_int_equal(snx_monitor_spike_i(ma)[0], 0);
    assert_int_equal(snx_monitor_n_spikes(mb), 2);
    assert_int_equal(snx_monitor_spike_i(mb)[1], 2);
    assert_int_equal(snx_monitor_n_spikes(mc), 1);
    snx_net_free(net);
}

/* A C state update beside the equations: the same ramp as ramp_group, by hand. */
static int ramp_update(snx_group *g, double t, double dt, void *ctx)
{
    (void)t;
    int *calls = ctx;
    (*calls)++;
    double *V = snx_group_var(g, "V");
    for (int32_t i = 0; i < snx_group_size(g); i++)
        if (!snx_group_is_refractory(g, i))
            V[i] += dt * 1000;
    return *calls > 1000 ? snx_error(SNX_EINVAL, "enough") : 0;
}

static void test_c_update_function(void **state)
{
    (void)state;
    int calls = 0;
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "c", 1, "V : 1\ndu/dt = 1000*Hz : 1",
                              OPTS(.threshold = "V > 0.45", .reset = "V = 0",
                                   .refractory = "1*ms", .update = ramp_update,
                                   .update_ctx = &calls));
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    assert_ok(snx_net_run(net, 40 * DT));
    assert_int_equal(calls, 40);
    assert_int_equal(snx_monitor_n_spikes(sp), 3);
    assert_close(snx_monitor_spike_t(sp)[2], 32 * DT, 1e-12);
    assert_close(snx_group_var(g, "u")[0], 4.0, 1e-12);
    /* An error from the C function stops the run and says so. */
    assert_fails(snx_net_run(net, 0.2), SNX_EINVAL, "the C state update failed");
    assert_errmsg_contains("enough");
    snx_net_free(net);
}

static void test_poisson_sources(void **state)
{
    (void)state;
    snx_net *net = test_net(3);
    snx_group *p = snx_poisson_new(net, "p", 1000, "20*Hz");
    assert_non_null(p);
    snx_group *q = snx_poisson_new(net, "q", 2, "i*500*Hz");
    assert_non_null(q);
    snx_monitor *cp = snx_monitor_counts(net, "cp", p);
    snx_monitor *cq = snx_monitor_counts(net, "cq", q);
    assert_ok(snx_net_run(net, 1.0));
    size_t n;
    const int64_t *c = snx_monitor_counts_of(cp, &n);
    double total = 0;
    for (size_t k = 0; k < n; k++)
        total += (double)c[k];
    /* 20000 expected, Poisson sd 141. */
    assert_close(total, 20000, 5 * 141);
    c = snx_monitor_counts_of(cq, &n);
    assert_int_equal(c[0], 0);
    assert_close((double)c[1], 500, 5 * 22.4);
    /* Per-neuron rates can be set later. */
    assert_ok(snx_group_set_array(q, "rates", (double[]){ 0, 0 }, 2));
    assert_null(snx_poisson_new(net, "bad", 2, "3*mV"));
    assert_int_equal(snx_errcode(), SNX_EDIM);
    assert_errmsg_contains("poisson group \"bad\"");
    snx_net_free(net);
}

static void test_group_argument_errors(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    assert_null(snx_group_new(net, "g", 0, "V : 1", NULL));
    assert_errmsg_contains("size must be positive");
    assert_null(snx_group_new(net, "9g", 2, "V : 1", NULL));
    assert_int_equal(snx_errcode(), SNX_ENAME);
    must_group(net, "g", 2, "V : 1", NULL);
    assert_null(snx_group_new(net, "g", 2, "V : 1", NULL));
    assert_int_equal(snx_errcode(), SNX_EEXIST);
    assert_null(snx_group_new(net, "h", 2, "V : 1", OPTS(.method = "rk9")));
    assert_errmsg_contains("unknown integration method \"rk9\"");
    assert_null(snx_group_new(NULL, "h", 2, "V : 1", NULL));
    /* An empty model is fine (a pure spike source driven by its threshold). */
    must_group(net, "empty", 3, NULL, OPTS(.threshold = "i == 1"));
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refractory_holds_exact_steps),
        cmocka_unit_test(test_refractory_blocks_threshold_and_rounds),
        cmocka_unit_test(test_views_index_relative),
        cmocka_unit_test(test_init_forms_and_randomness),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_c_update_function),
        cmocka_unit_test(test_poisson_sources),
        cmocka_unit_test(test_group_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
