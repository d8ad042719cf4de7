/* The clustered network of Litwin-Kumar & Doiron (spec §3.2-3.4) from its equation
 * strings, at the runscript's scale 0.5 (2000 E, 500 I, 25 clusters of 80 connected
 * through views, R_ee = 2: 76 projections): it must build, run in Brian's schedule, and
 * settle in the low-rate balanced regime (a few Hz), with recorded subexpressions
 * consistent with the variables they are made of. */
#include "sim_test.h"

static const char *MODEL = "dV/dt= 1.0/tau_POST * (mu - V) + I_syn : 1 (unless refractory)\n"
                           "mu : 1\n"
                           "I_syn =  - I_syn_i + I_syn_e : Hz\n";
static const char *SYNAPTIC = "I_syn_PRE = x_PRE/(tau2_PRE-tau1_PRE) : Hz\n"
                              "dx_PRE/dt = -(normalization_PRE*y_PRE+x_PRE)*invtau1_PRE : 1\n"
                              "dy_PRE/dt = -y_PRE*invtau2_PRE : 1\n";

/* text with every "from" replaced by "to" */
static void replace_into(snx_buf *out, const char *text, const char *from, const char *to)
{
    for (const char *p = text; *p;) {
        const char *hit = strstr(p, from);
        if (!hit) {
            snx_buf_puts(out, p);
            break;
        }
        snx_buf_append(out, p, (size_t)(hit - p));
        snx_buf_puts(out, to);
        p = hit + strlen(from);
    }
}

static char *model_eqs(const char *post)
{
    snx_buf eqs = { 0 };
    replace_into(&eqs, MODEL, "POST", post);
    replace_into(&eqs, SYNAPTIC, "PRE", "i");
    replace_into(&eqs, SYNAPTIC, "PRE", "e");
    return snx_buf_take(&eqs);
}

static void fill_namespace(snx_namespace *ns)
{
    const double tau1 = 1e-3, tau2[2] = { 2e-3, 3e-3 };
    const char *pre[2] = { "i", "e" };
    char name[64];
    for (int k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "normalization_%s", pre[k]);
        snx_namespace_set(ns, name, (tau1 - tau2[k]) / tau2[k], SNX_DIMENSIONLESS);
        snprintf(name, sizeof name, "invtau1_%s", pre[k]);
        snx_namespace_set_unit(ns, name, 1 / tau1, "Hz");
        snprintf(name, sizeof name, "invtau2_%s", pre[k]);
        snx_namespace_set_unit(ns, name, 1 / tau2[k], "Hz");
        snprintf(name, sizeof name, "tau1_%s", pre[k]);
        snx_namespace_set_unit(ns, name, tau1, "s");
        snprintf(name, sizeof name, "tau2_%s", pre[k]);
        snx_namespace_set_unit(ns, name, tau2[k], "s");
    }
    snx_namespace_set_unit(ns, "tau_e", 15, "ms");
    snx_namespace_set_unit(ns, "tau_i", 10, "ms");
    snx_namespace_set(ns, "V_th", 1.0, SNX_DIMENSIONLESS);
}

static snx_group *neurons(snx_net *net, const char *post, int n, const char *mu)
{
    char *eqs = model_eqs(post), name[32];
    snprintf(name, sizeof name, "neurons_%s", post);
    snx_group *g = must_group(net, name, n, eqs,
                              OPTS(.threshold = "V > V_th", .reset = "V = 0.0", .refractory = "5*ms"));
    free(eqs);
    assert_ok(snx_group_init(g, "mu", mu));
    assert_ok(snx_group_init(g, "V", "rand()"));
    return g;
}

static void connect(snx_net *net, const char *name, snx_group *pre, snx_group *post,
                    const char *state, double weight, double p)
{
    char on_pre[64];
    snprintf(on_pre, sizeof on_pre, "%s += %.17g", state, weight);
    snx_synapses *s = snx_synapses_new(net, name, pre, post, &(snx_synapses_opts){ .on_pre = on_pre });
    assert_non_null(s);
    assert_ok(snx_synapses_connect_p(s, p, NULL)); /* Brian 1 Connection: self-pairs allowed */
}

enum { N_E = 2000, N_I = 500 };

/* The network at scale 0.5, R_ee 2, with `threads` sharing each run. */
static snx_net *clustered(size_t threads, snx_group **e, snx_group **i)
{
    const double scale = 0.5, R_ee = 2.0, p_ee = 0.2;
    const int N_e = N_E, N_i = N_I, cs = 80;
    const double J_ee = 0.024 / sqrt(scale), J_ie = 0.014 / sqrt(scale);
    const double J_ei = 0.045 / sqrt(scale), J_ii = 0.057 / sqrt(scale);
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = 2012, .threads = threads });
    assert_non_null(net);
    fill_namespace(snx_net_namespace(net));
    snx_group *ni = neurons(net, "i", N_i, "1.0 + rand()*(1.05 - 1.0)");
    snx_group *ne = neurons(net, "e", N_e, "1.1 + rand()*(1.2 - 1.1)");
    connect(net, "conn_ii", ni, ni, "y_i", J_ii, 0.5);
    connect(net, "conn_ei", ni, ne, "y_i", J_ei, 0.5);
    connect(net, "conn_ie", ne, ni, "y_e", J_ie, 0.5);
    double p_out = p_ee * N_e / (R_ee * cs + N_e - cs), p_in = p_out * R_ee;
    char name[32];
    for (int c = 0, low = 0; low < N_e; c++, low += cs) {
        snx_group *cluster = snx_group_slice(ne, low, low + cs);
        snprintf(name, sizeof name, "in_%d", c);
        connect(net, name, cluster, cluster, "y_e", J_ee * 1.9, p_in);
        if (low > 0) {
            snprintf(name, sizeof name, "lower_%d", c);
            connect(net, name, cluster, snx_group_slice(ne, 0, low), "y_e", J_ee, p_out);
        }
        if (low + cs < N_e) {
            snprintf(name, sizeof name, "upper_%d", c);
            connect(net, name, cluster, snx_group_slice(ne, low + cs, N_e), "y_e", J_ee, p_out);
        }
    }
    *e = ne;
    *i = ni;
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
