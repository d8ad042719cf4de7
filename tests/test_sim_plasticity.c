/* Synapses with state: event-driven traces advanced exactly between events, on_post,
 * the order of the pathways within a step, clock-driven synaptic equations, summed
 * variables, their snapshots, and every construct they refuse. Spike times are set by
 * thresholds on t, so the expected values can be computed by hand. */
#include <math.h>

#include "sim_test.h"

/* Neuron k of a group spikes at the times listed for it: a threshold on t. */
#define AT(ms) "abs(t - " #ms "*ms) < 0.5*dt"

static const char *STDP_MODEL = "w : 1\n"
                                "dApre/dt = -Apre/(20*ms) : 1 (event-driven)\n"
                                "dApost/dt = -Apost/(20*ms) : 1 (event-driven)";

static snx_synapses *must_synapses(snx_net *net, const char *name, snx_group *pre,
                                   snx_group *post, const snx_synapses_opts *o)
{
    snx_synapses *s = snx_synapses_new(net, name, pre, post, o);
    if (!s)
        print_error("snx_synapses_new(%s): %s\n", name, snx_errmsg());
    assert_non_null(s);
    return s;
}

static double get1(const snx_synapses *s, const char *var)
{
    double v = NAN;
    assert_ok(snx_synapses_get_array(s, var, &v, 1));
    return v;
}

/* Pre spikes at 10 and 30 ms, post at 15 and 25 ms: additive STDP whose weight and
 * traces follow from exp(-Δt/20 ms) by hand. */
static void test_stdp_traces_decay_exactly_between_events(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 1, "", OPTS(.threshold = AT(10) " or " AT(30)));
    snx_group *post = must_group(net, "post", 1, "", OPTS(.threshold = AT(15) " or " AT(25)));
    snx_synapses *s = must_synapses(net, "s", pre, post, &(snx_synapses_opts){
        .model = STDP_MODEL,
        .on_pre = "Apre += 0.01; w += Apost",
        .on_post = "Apost += -0.012; w += Apre" });
    assert_ok(snx_synapses_connect_one_to_one(s));
    assert_ok(snx_synapses_init(s, "w", "0.5"));
    assert_ok(snx_net_run(net, 0.040));
    double e = exp(-0.25), e3 = exp(-0.75);
    double w = 0.5 + 0.01 * e + 0.01 * e3 - 0.012 * (e3 + e);
    assert_float_equal(get1(s, "w"), w, 1e-15);
    /* last update at 30 ms (the pre spike): the traces as they were then */
    assert_float_equal(get1(s, "lastupdate"), 0.030, 1e-15);
    assert_float_equal(get1(s, "Apre"), 0.01 * exp(-1.0) + 0.01, 1e-15);
    assert_float_equal(get1(s, "Apost"), -0.012 * (exp(-0.5) + 1) * e, 1e-15);
    snx_net_free(net);
}

/* A pre and a post spike in the same step: on_pre first, then on_post (Brian2). */
static void test_on_pre_runs_before_on_post_in_a_step(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 1, "", OPTS(.threshold = AT(5)));
    snx_group *post = must_group(net, "post", 1, "", OPTS(.threshold = AT(5)));
    snx_synapses *s = must_synapses(net, "s", pre, post, &(snx_synapses_opts){
        .model = "w : 1", .on_pre = "w *= 2", .on_post = "w += 1" });
    assert_ok(snx_synapses_connect_one_to_one(s));
    assert_ok(snx_synapses_init(s, "w", "3"));
    assert_ok(snx_net_run(net, 0.010));
    assert_float_equal(get1(s, "w"), 3 * 2 + 1, 0);
    snx_net_free(net);
}

/* on_post reaches every synapse onto the neuron that spiked (and only those), after
 * post_delay; pre and post variables are readable there. */
static void test_on_post_reaches_the_synapses_of_the_spiking_neuron(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 3, "x : 1", NULL);
    snx_group *post = must_group(net, "post", 2, "y : 1",
                                 OPTS(.threshold = "i == 1 and " AT(2)));
    snx_synapses *s = must_synapses(net, "s", pre, post, &(snx_synapses_opts){
        .model = "w : 1\nwhen : second", .on_post = "w += x_pre + y_post; when = t",
        .post_delay = "1.5*ms" });
    assert_ok(snx_synapses_connect_all(s, NULL));
    assert_ok(snx_group_init(pre, "x", "10*i"));
    assert_ok(snx_group_set(post, "y", 0.5));
    assert_ok(snx_net_run(net, 0.005));
    double w[6], when[6];
    int32_t i[6], j[6];
    assert_ok(snx_synapses_get_array(s, "w", w, 6));
    assert_ok(snx_synapses_get_array(s, "when", when, 6));
    assert_ok(snx_synapses_get_pairs(s, i, j, 6));
    for (int k = 0; k < 6; k++) {
        assert_float_equal(w[k], j[k] == 1 ? 10 * i[k] + 0.5 : 0, 0);
        assert_float_equal(when[k], j[k] == 1 ? 0.0035 : 0, 1e-15);
    }
    snx_net_free(net);
}

/* Traces are brought up to the arrival time of a delayed spike, not its sending time. */
static void test_event_driven_update_happens_at_arrival(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 1, "", OPTS(.threshold = AT(10)));
    snx_group *post = must_group(net, "post", 1, "", NULL);
    snx_synapses *s = must_synapses(net, "s", pre, post, &(snx_synapses_opts){
        .model = "dA/dt = (1 - A)/(10*ms) : 1 (event-driven)\ndr/dt = 2*Hz : 1 (event-driven)",
        .on_pre = "A += 0", .delay = "4*ms" });
    assert_ok(snx_synapses_connect_one_to_one(s));
    assert_ok(snx_net_run(net, 0.020));
    assert_float_equal(get1(s, "lastupdate"), 0.014, 1e-15);
    /* A relaxes to 1 from 0 over 14 ms; r ramps at 2/s */
    assert_float_equal(get1(s, "A"), 1 - exp(-1.4), 1e-14);
    assert_float_equal(get1(s, "r"), 2 * 0.014, 1e-15);
    snx_net_free(net);
}

/* Clock-driven equations are integrated every step, reading the post group: with
 * Euler when asked, exactly (the default for linear equations, as in groups) when not. */
static void test_clock_driven_synaptic_equations(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 2, "", NULL);
    snx_group *post = must_group(net, "post", 1, "u : 1", NULL);
    const char *model = "dg/dt = -g/(5*ms) + u_post*Hz : 1 (clock-driven)\n"
                        "dh/dt = -h/(5*ms) : 1";
    snx_synapses *s = must_synapses(net, "s", pre, post, &(snx_synapses_opts){
        .model = model, .method = "euler" });
    snx_synapses *x = must_synapses(net, "x", pre, post, &(snx_synapses_opts){ .model = model });
    snx_synapses *both[] = { s, x };
    for (int k = 0; k < 2; k++) {
        assert_ok(snx_synapses_connect_all(both[k], NULL));
        assert_ok(snx_synapses_init(both[k], "g", "1 + i"));
        assert_ok(snx_synapses_init(both[k], "h", "1"));
    }
    assert_ok(snx_group_set(post, "u", 3));
    assert_ok(snx_net_run(net, 10 * DT));
    double g[2], h[2];
    assert_ok(snx_synapses_get_array(s, "g", g, 2));
    assert_ok(snx_synapses_get_array(s, "h", h, 2));
    for (int k = 0; k < 2; k++) {
        double v = 1 + k;
        for (int n = 0; n < 10; n++)
            v += DT * (-v / 0.005 + 3);
        assert_float_equal(g[k], v, 1e-14);
        assert_float_equal(h[k], pow(1 - DT / 0.005, 10), 1e-14);
    }
    assert_ok(snx_synapses_get_array(x, "g", g, 2));
    assert_ok(snx_synapses_get_array(x, "h", h, 2));
    double decay = exp(-10 * DT / 0.005); /* g relaxes to 3 Hz * 5 ms = 0.015 */
    for (int k = 0; k < 2; k++) {
        assert_float_equal(g[k], 0.015 + (1 + k - 0.015) * decay, 1e-14);
        assert_float_equal(h[k], decay, 1e-14);
    }
    snx_net_free(net);
}

/* I_post = sum over each post neuron's synapses of g*(2 - v_post), in every step before
 * the groups update; neurons without synapses get 0. */
static void test_summed_variable(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 3, "", NULL);
    snx_group *post = must_group(net, "post", 3, "dv/dt = I/(10*ms) : 1\nI : 1", NULL);
    snx_synapses *s = must_synapses(net, "s", pre, post, &(snx_synapses_opts){
        .model = "g : 1\nI_post = g*(2 - v_post) : 1 (summed)" });
    assert_ok(snx_synapses_connect_pairs(s, (int32_t[]){ 0, 1, 2 }, (int32_t[]){ 0, 0, 1 }, 3));
    assert_ok(snx_synapses_set_array(s, "g", (double[]){ 0.5, 0.25, 2 }, 3));
    assert_ok(snx_group_init(post, "v", "0.1*i"));
    assert_ok(snx_group_set(post, "I", 7));
    assert_ok(snx_net_run(net, DT));
    const double *I = snx_group_var(post, "I"), *v = snx_group_var(post, "v");
    double want[3] = { 0.75 * 2, 2 * (2 - 0.1), 0 };
    for (int k = 0; k < 3; k++) {
        assert_float_equal(I[k], want[k], 1e-15);
        assert_float_equal(v[k], 0.1 * k + DT * want[k] / 0.01, 1e-15);
    }
    snx_net_free(net);
}

/* Two summed variables writing the same neurons would overwrite each other. */
static void test_summed_targets_must_not_overlap(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *pre = must_group(net, "pre", 2, "", NULL);
    snx_group *post = must_group(net, "post", 4, "I : 1", NULL);
    snx_synapses_opts o = { .model = "I_post = 1 : 1 (summed)" };
    must_synapses(net, "a", pre, snx_group_slice(post, 0, 2), &o);
    snx_synapses *b = must_synapses(net, "b", pre, snx_group_slice(post, 2, 4), &o);
    assert_ok(snx_net_run(net, DT)); /* disjoint halves */
    must_synapses(net, "c", pre, snx_group_slice(post, 1, 3), &o);
    assert_fails(snx_net_run(net, DT), SNX_EINVAL,
                 "synapses \"a\" and synapses \"c\" both sum into \"I_post\"");
    assert_ok(snx_net_remove(net, "c"));
    assert_ok(snx_net_run(net, DT));
    (void)b;
    snx_net_free(net);
}

/* White noise in a clock-driven synaptic equation: an Ornstein-Uhlenbeck process per
 * synapse (dA = -A/tau dt + dW/sqrt(tau): stationary variance 1/2), same seed same
 * bits. */
static void test_noise_in_clock_driven_synaptic_equations(void **state)
{
    (void)state;
    double first = 0;
    for (int again = 0; again < 2; again++) {
        snx_net *net = test_net(5);
        snx_group *g = must_group(net, "g", 100, "", NULL);
        snx_synapses *s = must_synapses(net, "s", g, g, &(snx_synapses_opts){
            .model = "dA/dt = -A/(10*ms) + xi/sqrt(10*ms) : 1 (clock-driven)" });
        assert_ok(snx_synapses_connect_all(s, NULL)); /* 10000 processes */
        assert_ok(snx_net_run(net, 0.1));
        size_t n = snx_synapses_count(s);
        double *a = malloc(n * sizeof *a), m = 0, v = 0;
        assert_ok(snx_synapses_get_array(s, "A", a, n));
        for (size_t k = 0; k < n; k++)
            m += a[k] / (double)n;
        for (size_t k = 0; k < n; k++)
            v += (a[k] - m) * (a[k] - m) / (double)(n - 1);
        /* after 10 tau the variance is 1/2 to 1e-8; its sampling sd is 0.5*sqrt(2/n) */
        assert_true(fabs(v - 0.5) < 4 * 0.5 * sqrt(2.0 / (double)n));
        assert_true(fabs(m) < 4 * sqrt(0.5 / (double)n));
        if (again)
            assert_true(a[0] == first);
        first = a[0];
        free(a);
        snx_net_free(net);
    }
}

/* A snapshot keeps traces, lastupdate and post events in flight. */
static void test_snapshot_restores_plastic_state(void **state)
{
    (void)state;
    snx_net *net = test_net(3);
    snx_group *pre = must_group(net, "pre", 20, "", OPTS(.threshold = "rand() < 0.05"));
    snx_group *post = must_group(net, "post", 10, "", OPTS(.threshold = "rand() < 0.05"));
    snx_synapses *s = must_synapses(net, "s", pre, post, &(snx_synapses_opts){
        .model = STDP_MODEL, .on_pre = "Apre += 0.01; w = clip(w + Apost, 0, 1)",
        .on_post = "Apost -= 0.0105; w = clip(w + Apre, 0, 1)", .delay = "1*ms",
        .post_delay = "0.5*ms" });
    assert_ok(snx_synapses_connect_p(s, 0.5, NULL));
    assert_ok(snx_synapses_init(s, "w", "rand()"));
    size_t n = snx_synapses_count(s);
    assert_true(n > 50);
    assert_ok(snx_net_run(net, 0.02));
    snx_snapshot *snap = snx_net_snapshot(net);
    assert_non_null(snap);
    assert_ok(snx_net_run(net, 0.05));
    double *first = calloc(n, sizeof *first), *again = calloc(n, sizeof *again);
    const char *vars[] = { "w", "Apre", "Apost", "lastupdate" };
    for (size_t v = 0; v < 4; v++) {
        assert_ok(snx_synapses_get_array(s, vars[v], first, n));
        assert_ok(snx_net_restore(net, snap));
        assert_ok(snx_net_run(net, 0.05));
        assert_ok(snx_synapses_get_array(s, vars[v], again, n));
        assert_memory_equal(first, again, n * sizeof *first);
    }
    free(first);
    free(again);
    snx_snapshot_free(snap);
    snx_net_free(net);
}

static void test_refused_constructs(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 2, "v : 1\ndu/dt = -u/(10*ms) : 1", NULL);
    struct {
        const char *model, *on_pre;
        int code;
        const char *msg;
    } cases[] = {
        { "dA/dt = -A**2/(10*ms) : 1 (event-driven)", NULL, SNX_EINVAL,
          "an event-driven equation must be dA/dt = A + B*A with A and B constants" },
        { "dA/dt = -A/tau : 1 (event-driven)\ntau : second", NULL, SNX_EINVAL,
          "mark it (clock-driven)" },
        { "dA/dt = -A*v_post/(10*ms) : 1 (event-driven)", NULL, SNX_EINVAL,
          "\"dA/dt = -A*v_post/(10*ms) : 1 (event-driven)\" is not" },
        { "lastupdate : second\ndA/dt = -A/(10*ms) : 1 (event-driven)", NULL, SNX_ENAME,
          "\"lastupdate\" is the time of each synapse's last event-driven update" },
        { "A : 1 (event-driven)", NULL, SNX_EPARSE,
          "only differential equations can be event-driven" },
        { "dA/dt = -A/(10*ms) : 1 (event-driven, clock-driven)", NULL, SNX_EPARSE,
          "either event-driven or clock-driven" },
        { "I = 1 : 1 (summed)", NULL, SNX_ENAME, "names its target as X_post or X_pre" },
        { "q_post = 1 : 1 (summed)", NULL, SNX_EINVAL, "which has no such variable" },
        { "u_post = 1 : 1 (summed)", NULL, SNX_EINVAL, "which declares it otherwise" },
        { "v_pre = 1*mV : volt (summed)", NULL, SNX_EDIM,
          "summed variable \"v_pre\" has dimension V, its target \"v\" of group \"g\" has 1" },
        { "A : 1", "lastupdate = t", SNX_ENOTFOUND,
          "lastupdate exists only in synapses with event-driven equations" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snx_synapses *s = snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){
            .model = cases[k].model, .on_pre = cases[k].on_pre });
        if (s)
            print_error("case %zu unexpectedly succeeded\n", k);
        assert_null(s);
        assert_int_equal(snx_errcode(), cases[k].code);
        assert_errmsg_contains(cases[k].msg);
    }
    /* the pathways may read lastupdate, only the generated updates write it */
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){
        .model = "dA/dt = -A/(10*ms) : 1 (event-driven)", .on_pre = "lastupdate = 7*ms" }));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_errmsg_contains("cannot assign to \"lastupdate\"");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){
        .on_pre = "v += 1", .post_delay = "1*ms" }));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_errmsg_contains("synapses \"s\": post_delay \"1*ms\" given without on_post");
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){
        .on_post = "v += 1", .post_delay = "rand()*ms" }));
    assert_errmsg_contains("is not a constant (on_post has one delay for all synapses)");
    /* messages from the model's integration name the object too */
    assert_null(snx_synapses_new(net, "s", g, g, &(snx_synapses_opts){
        .model = "dw/dt = -w/ms + xi/sqrt(ms) : 1", .method = "rk4" }));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    assert_errmsg_contains("synapses \"s\": synapse model, line 1: method \"rk4\" cannot "
                           "integrate the stochastic equation");
    /* flags of synapse models only */
    assert_group_fails(net, "dv/dt = -v/(10*ms) : 1 (event-driven)", NULL, SNX_EINVAL,
                       "flag (event-driven): only synapse models have it");
    assert_group_fails(net, "I = 1 : 1 (summed)", NULL, SNX_EINVAL,
                       "flag (summed): only synapse models have it");
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stdp_traces_decay_exactly_between_events),
        cmocka_unit_test(test_on_pre_runs_before_on_post_in_a_step),
        cmocka_unit_test(test_on_post_reaches_the_synapses_of_the_spiking_neuron),
        cmocka_unit_test(test_event_driven_update_happens_at_arrival),
        cmocka_unit_test(test_clock_driven_synaptic_equations),
        cmocka_unit_test(test_summed_variable),
        cmocka_unit_test(test_summed_targets_must_not_overlap),
        cmocka_unit_test(test_noise_in_clock_driven_synaptic_equations),
        cmocka_unit_test(test_snapshot_restores_plastic_state),
        cmocka_unit_test(test_refused_constructs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
