/* Synapses: delivery at exactly the right step (fast path, general code, per-synapse
 * delays), accumulation onto shared targets, on_pre semantics, connection counts
 * against the binomial distribution, connection forms, views, and error paths. */
#include "sim_test.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

static const snx_connect_opts NO_AUTAPSES = { .exclude_autapses = true };

/* A source whose neuron 0 spikes in step 4 only, and a target with a plain x. */
static void source_and_target(snx_net *net, snx_group **pre, snx_group **post, int n_post)
{
    *pre = must_group(net, "pre", 2, NULL, OPTS(.threshold = "i == 0 and abs(t - 0.4*ms) < 0.05*ms"));
    *post = must_group(net, "post", n_post, "x : 1\ny : 1", NULL);
}

static const double *record_x(snx_net *net, snx_group *post, snx_monitor **m, double duration)
{
    *m = snx_monitor_state(net, "mx", post, "x", NULL);
    assert_non_null(*m);
    assert_ok(snx_net_run(net, duration));
    return snx_monitor_values(*m, "x");
}

static void check_delivery(const char *on_pre, const char *delay, int arrive)
{
    snx_net *net = test_net(1);
    snx_group *pre, *post;
    source_and_target(net, &pre, &post, 1);
    snx_synapses *s = snx_synapses_new(net, "s", pre, post,
                                       &(snx_synapses_opts){ .on_pre = on_pre, .delay = delay });
    assert_non_null(s);
    assert_ok(snx_synapses_connect_all(s, NULL));
    snx_monitor *m;
    const double *x = record_x(net, post, &m, 40 * DT);
    for (int step = 0; step < 40; step++)
        assert_close(x[step], step < arrive ? 0.0 : 1.0, 0);
    snx_net_free(net);
}

static void test_delays_deliver_at_the_exact_step(void **state)
{
    (void)state;
    check_delivery("x += 1", NULL, 4);                  /* fast path, same step */
    check_delivery("x += 1", "2*ms", 24);               /* fast path, 20 steps later */
    check_delivery("x_post += 1; y += 0", NULL, 4);     /* general code */
    check_delivery("x_post += 1; y += 0", "1.25*ms", 17); /* 12.5 steps round to 13 */
}

static void test_per_synapse_delays_and_weights(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre, *post;
    source_and_target(net, &pre, &post, 3);
    /* Per-synapse weight w and delay j ms (0, 10, 20 steps). */
    snx_synapses *s = snx_synapses_new(net, "s", pre, post,
                                       &(snx_synapses_opts){ .model = "w : 1", .on_pre = "x += w" });
    assert_non_null(s);
    assert_ok(snx_synapses_connect_all(s, NULL));
    assert_int_equal(snx_synapses_count(s), 6);
    assert_ok(snx_synapses_init(s, "w", "1 + j + 10*i"));
    assert_ok(snx_synapses_init(s, "delay", "j*ms"));
    double d[6];
    assert_ok(snx_synapses_get_array(s, "delay", d, 6));
    assert_close(d[2], 2e-3, 1e-15);
    snx_monitor *m;
    const double *x = record_x(net, post, &m, 30 * DT);
    for (int step = 0; step < 30; step++)
        for (int j = 0; j < 3; j++)
            assert_close(x[step * 3 + j], step < 4 + 10 * j ? 0.0 : 1.0 + j, 0);
    snx_net_free(net);
}

static void test_shared_targets_accumulate(void **state)
{
    (void)state;
    /* Two synapses onto the same neuron, and two projections onto one variable. */
    const char *paths[] = { "x += w", "x += w; y += 1" };
    for (int p = 0; p < 2; p++) {
        snx_net *net = test_net(1);
        snx_group *pre, *post;
        source_and_target(net, &pre, &post, 2);
        snx_synapses *s = snx_synapses_new(net, "s", pre, post,
                                           &(snx_synapses_opts){ .model = "w : 1", .on_pre = paths[p] });
        snx_synapses *s2 = snx_synapses_new(net, "s2", pre, post,
                                            &(snx_synapses_opts){ .on_pre = "x += 100" });
        assert_ok(snx_synapses_connect_pairs(s, (int32_t[]){ 0, 0, 1 }, (int32_t[]){ 1, 1, 0 }, 3));
        assert_ok(snx_synapses_connect_one_to_one(s2));
        assert_ok(snx_synapses_set_array(s, "w", (double[]){ 2, 3, 5 }, 3));
        assert_ok(snx_net_run(net, 10 * DT));
        const double *x = snx_group_var(post, "x");
        assert_close(x[0], 100, 0);
        assert_close(x[1], 5, 0);
        if (p == 1)
            assert_close(snx_group_var(post, "y")[1], 2, 0);
        snx_net_free(net);
    }
}

static void test_on_pre_code(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 3, "V : 1", OPTS(.threshold = "V > 0"));
    snx_group *post = must_group(net, "post", 2, "x : 1\nV : 1", NULL);
    snx_group_set_array(pre, "V", (double[]){ 0.5, 0, 2 }, 3); /* 0 and 2 spike every step */
    snx_group_set_array(post, "V", (double[]){ 10, 20 }, 2);
    snx_synapses *s = snx_synapses_new(
        net, "s", pre, post,
        &(snx_synapses_opts){ .model = "w : 1",
                              .on_pre = "x += w*V_pre + V_post/10 + i*100 + j*1000\nw *= 0.5" });
    assert_non_null(s);
    assert_ok(snx_synapses_connect_cond(s, "i != j", 1.0));
    assert_int_equal(snx_synapses_count(s), 4); /* (0,1) (1,0) (2,0) (2,1) */
    assert_ok(snx_synapses_init(s, "w", "1"));
    assert_ok(snx_net_run(net, 2 * DT));
    /* Step 0: (0,1): 1*0.5 + 2 + 0 + 1000; (2,0): 2 + 1 + 200; (2,1): 2 + 2 + 200 + 1000.
     * Step 1: the same with w halved: 0.25 and 1 in place of 0.5 and 2. */
    const double *x = snx_group_var(post, "x");
    assert_close(x[0], (2 + 1 + 200) + (1 + 1 + 200), 1e-12);
    assert_close(x[1], (0.5 + 2 + 1000 + 2 + 2 + 1200) + (0.25 + 2 + 1000 + 1 + 2 + 1200), 1e-12);
    double w[4];
    int32_t i[4], j[4];
    assert_ok(snx_synapses_get_array(s, "w", w, 4));
    assert_ok(snx_synapses_get_pairs(s, i, j, 4));
    for (int k = 0; k < 4; k++)
        assert_close(w[k], i[k] == 1 ? 1.0 : 0.25, 0);
    snx_net_free(net);
}

/* Row sizes of connect_p follow Binomial(n_post, p): chi-square over the row-size
 * histogram (fixed seed), and the total within 4 standard deviations. */
static void test_connection_counts_are_binomial(void **state)
{
    (void)state;
    const int n_pre = 2000, n_post = 400;
    const double p = 0.05;
    snx_net *net = test_net(11);
    snx_group *a = must_group(net, "a", n_pre, NULL, NULL);
    snx_group *b = must_group(net, "b", n_post, "x : 1", NULL);
    snx_synapses *s = snx_synapses_new(net, "s", a, b, &(snx_synapses_opts){ .on_pre = "x += 1" });
    assert_ok(snx_synapses_connect_p(s, p, NULL));
    size_t n = snx_synapses_count(s);
    double mean = (double)n_pre * n_post * p, sd = sqrt(mean * (1 - p));
    assert_close((double)n, mean, 4 * sd);
    int32_t *i = malloc(n * sizeof *i), *j = malloc(n * sizeof *j);
    assert_ok(snx_synapses_get_pairs(s, i, j, n));
    int rows[2000] = { 0 };
    for (size_t k = 0; k < n; k++)
        rows[i[k]]++;
    /* Bins 0..9, 10, ..., 29, >= 30 (expected counts >= 5 each). */
    double observed[32] = { 0 }, expected[32] = { 0 };
    for (int r = 0; r < n_pre; r++) {
        int bin = rows[r] < 10 ? 0 : rows[r] >= 30 ? 21 : rows[r] - 9;
        observed[bin]++;
    }
    for (int c = 0; c <= n_post; c++) {
        int bin = c < 10 ? 0 : c >= 30 ? 21 : c - 9;
        expected[bin] += n_pre * gsl_ran_binomial_pdf((unsigned)c, p, (unsigned)n_post);
    }
    double chi2 = 0;
    for (int bin = 0; bin < 22; bin++)
        chi2 += (observed[bin] - expected[bin]) * (observed[bin] - expected[bin]) / expected[bin];
    double pvalue = gsl_cdf_chisq_Q(chi2, 21);
    if (pvalue < 1e-3)
        print_error("chi2 = %g, p = %g\n", chi2, pvalue);
    assert_true(pvalue >= 1e-3);
    free(i);
    free(j);
    snx_net_free(net);
}

static void test_connection_forms(void **state)
{
    (void)state;
    snx_net *net = test_net(2);
    snx_group *g = must_group(net, "g", 10, "x : 1", NULL);
    snx_group *h = must_group(net, "h", 4, "x : 1", NULL);
    snx_synapses_opts o = { .on_pre = "x += 1" };
    snx_synapses *all = snx_synapses_new(net, "all", g, g, &o);
    assert_ok(snx_synapses_connect_all(all, &NO_AUTAPSES));
    assert_int_equal(snx_synapses_count(all), 90);
    snx_synapses *allx = snx_synapses_new(net, "allx", g, h, &o);
    assert_ok(snx_synapses_connect_all(allx, &NO_AUTAPSES)); /* other groups: no autapses */
    assert_int_equal(snx_synapses_count(allx), 40);
    snx_synapses *cond = snx_synapses_new(net, "cond", g, g, &o);
    assert_ok(snx_synapses_connect_cond(cond, "abs(i - j) == 1 or (i == 0 and j == 9)", 1));
    assert_int_equal(snx_synapses_count(cond), 19);
    snx_synapses *none = snx_synapses_new(net, "none", g, g, &o);
    assert_ok(snx_synapses_connect_p(none, 0, NULL));
    assert_int_equal(snx_synapses_count(none), 0);
    snx_synapses *full = snx_synapses_new(net, "full", g, g, &o);
    assert_ok(snx_synapses_connect_p(full, 1, &NO_AUTAPSES));
    assert_int_equal(snx_synapses_count(full), 90);
    /* Views: g[2:5] -> g[4:8] without autapses drops (4,4): the view-relative (2,0). */
    snx_synapses *v = snx_synapses_new(net, "v", snx_group_slice(g, 2, 5), snx_group_slice(g, 4, 8), &o);
    assert_ok(snx_synapses_connect_all(v, &NO_AUTAPSES));
    assert_int_equal(snx_synapses_count(v), 11);
    int32_t i[11], j[11];
    assert_ok(snx_synapses_get_pairs(v, i, j, 11));
    for (int k = 0; k < 11; k++)
        assert_false(i[k] == 2 && j[k] == 0);
    /* Pairs keep their order for arrays. */
    snx_synapses *pairs = snx_synapses_new(net, "pairs", g, h,
                                           &(snx_synapses_opts){ .model = "w : 1", .on_pre = "x += w" });
    assert_ok(snx_synapses_connect_pairs(pairs, (int32_t[]){ 5, 1, 5 }, (int32_t[]){ 3, 2, 0 }, 3));
    assert_ok(snx_synapses_set_array(pairs, "w", (double[]){ 10, 20, 30 }, 3));
    double w[3];
    int32_t pi[3], pj[3];
    assert_ok(snx_synapses_get_array(pairs, "w", w, 3));
    assert_ok(snx_synapses_get_pairs(pairs, pi, pj, 3));
    assert_close(w[0], 10, 0);
    assert_close(w[2], 30, 0);
    assert_int_equal(pi[0], 5);
    assert_int_equal(pj[0], 3);
    assert_int_equal(pj[2], 0);
    snx_net_free(net);
}

static void test_view_projections_deliver_to_the_right_neurons(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *src = must_group(net, "src", 6, "V : 1", OPTS(.threshold = "V > 0"));
    snx_group *dst = must_group(net, "dst", 6, "x : 1", NULL);
    snx_group_set_array(src, "V", (double[]){ 0, 0, 0, 1, 0, 0 }, 6); /* neuron 3 */
    snx_synapses *s = snx_synapses_new(net, "s", snx_group_slice(src, 2, 6),
                                       snx_group_slice(dst, 1, 4),
                                       &(snx_synapses_opts){ .on_pre = "x += 1 + i + 10*j" });
    assert_ok(snx_synapses_connect_pairs(s, (int32_t[]){ 1, 0 }, (int32_t[]){ 2, 1 }, 2));
    assert_ok(snx_net_run(net, DT));
    const double *x = snx_group_var(dst, "x");
    /* View row 1 is neuron 3; view target 2 is dst neuron 3: 1 + 1 + 20. */
    for (int k = 0; k < 6; k++)
        assert_close(x[k], k == 3 ? 22.0 : 0.0, 0);
    snx_net_free(net);
}

static void test_synapse_errors(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 4, "x : 1\nc : 1 (constant)", NULL);
    snx_group *h = must_group(net, "h", 3, "x : 1", NULL);
    snx_synapses_opts o = { .on_pre = "x += 1" };
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "x += 1",
                                                                      .on_post = "xx = 1" }));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("on_post");
    assert_null(snx_synapses_new(net, "s", g, NULL, &o));
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "xx += 1" }));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("did you mean \"x\"");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "x += 1*mV" }));
    assert_int_equal(snx_errcode(), SNX_EDIM);
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "c_post += 1" }));
    assert_errmsg_contains("a constant parameter");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "x += 1 +" }));
    assert_int_equal(snx_errcode(), SNX_EPARSE);
    assert_errmsg_contains("on_pre: line 1, column 9");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "x += 1", .delay = "2*mV" }));
    assert_errmsg_contains("delay \"2*mV\" must be a time");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "x += 1", .delay = "x_pre*ms" }));
    assert_errmsg_contains("is not a constant");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .on_pre = "x += 1", .delay = "-1*ms" }));
    assert_errmsg_contains("negative");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){ .model = "dw/dt = 1*Hz : 1 (unless refractory)", .on_pre = "x += 1" }));
    assert_errmsg_contains("flag (unless refractory): synapses are never refractory");
    snx_synapses *s = snx_synapses_new(net, "s", g, h, &(snx_synapses_opts){ .model = "w : 1", .on_pre = "x += w" });
    assert_non_null(s);
    assert_fails(snx_synapses_set_array(s, "w", (double[]){ 1 }, 1), SNX_ESTATE, "connect before");
    assert_fails(snx_synapses_connect_p(s, 1.5, NULL), SNX_EINVAL, "probability 1.5 is not in [0, 1]");
    assert_fails(snx_synapses_connect_one_to_one(s), SNX_EINVAL, "equal sizes, not 4 and 3");
    assert_int_equal(snx_synapses_connect_pairs(s, (int32_t[]){ 0 }, (int32_t[]){ 3 }, 1), SNX_EINVAL);
    assert_ok(snx_synapses_connect_all(s, NULL));
    assert_fails(snx_synapses_connect_all(s, NULL), SNX_ESTATE, "already connected");
    assert_fails(snx_synapses_set_array(s, "w", (double[]){ 1 }, 1), SNX_EINVAL,
                 "1 values given for \"w\", there are 12 synapses");
    assert_fails(snx_synapses_init(s, "q", "1"), SNX_ENOTFOUND, "no per-synapse variable \"q\" (variables: delay, w)");
    /* the message names the object once, the variable, and no internal name */
    assert_fails(snx_synapses_init(s, "w", "1*mV"), SNX_EDIM,
                 "synapses \"s\": initialisation of w \"1*mV\" has dimension V, but must "
                 "have dimension 1");
    assert_ptr_equal(strstr(snx_errmsg(), "synapses \"s\": "), snx_errmsg());
    assert_null(strstr(snx_errmsg() + 1, "synapses \"s\": "));
    assert_null(snx_synapses_new(net, "n", g, h, &(snx_synapses_opts){ .on_pre = "x += N" }));
    assert_int_equal(snx_errcode(), SNX_ENOTFOUND);
    assert_errmsg_contains("synaptic code has no N (Brian's number of synapses): write N_pre "
                           "or N_post");
    assert_fails(snx_synapses_init(s, "delay", "-i*ms"), SNX_EINVAL, "negative");
    snx_synapses *c = snx_synapses_new(net, "c", g, h, &o);
    assert_fails(snx_synapses_connect_cond(c, "w > 0", 1), SNX_ENOTFOUND, "unknown name \"w\"");
    assert_fails(snx_synapses_connect_cond(c, "i*mV", 1), SNX_EDIM, "");
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delays_deliver_at_the_exact_step),
        cmocka_unit_test(test_per_synapse_delays_and_weights),
        cmocka_unit_test(test_shared_targets_accumulate),
        cmocka_unit_test(test_on_pre_code),
        cmocka_unit_test(test_connection_counts_are_binomial),
        cmocka_unit_test(test_connection_forms),
        cmocka_unit_test(test_view_projections_deliver_to_the_right_neurons),
        cmocka_unit_test(test_synapse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
