/* Exact integration of linear systems (method "exact", and the default where it
 * applies): closed forms to rounding error, per-neuron inhomogeneous terms, held
 * variables of coupled systems while refractory, the automatic choice of method and
 * what it reports, and the refusals, pinned by code and message. */
#include <float.h>

#include "sim_test.h"

static const double TAU1 = 5e-3, TAU2 = 20e-3;

static snx_net *exact_net(void)
{
    snx_net *net = test_net(1);
    snx_namespace *ns = snx_net_namespace(net);
    assert_ok(snx_namespace_set_unit(ns, "tau1", TAU1 * 1e3, "ms"));
    assert_ok(snx_namespace_set_unit(ns, "tau2", TAU2 * 1e3, "ms"));
    assert_ok(snx_namespace_set_unit(ns, "w0", 2 * 3.141592653589793 * 10, "Hz"));
    return net;
}

static double rel(double got, double want) { return fabs(got - want) / fabs(want); }

/* A cascade (a synaptic current w driving v), dv/dt = (w - v)/tau1, dw/dt = -w/tau2:
 * v = v0 e^(-t/tau1) + w0 tau2/(tau2 - tau1) (e^(-t/tau2) - e^(-t/tau1)). */
static void test_cascade_matches_closed_form(void **state)
{
    (void)state;
    snx_net *net = exact_net();
    snx_group *g = must_group(net, "g", 1, "dv/dt = (w - v)/tau1 : 1\ndw/dt = -w/tau2 : 1",
                              OPTS(.method = "exact"));
    assert_string_equal(snx_group_method(g), "exact");
    assert_ok(snx_group_set(g, "v", 0.5));
    assert_ok(snx_group_set(g, "w", 2.0));
    for (int k = 1; k <= 5; k++) {
        assert_ok(snx_net_run(net, 0.02));
        double t = snx_net_t(net);
        double v = 0.5 * exp(-t / TAU1) + 2.0 * TAU2 / (TAU2 - TAU1) *
                                              (exp(-t / TAU2) - exp(-t / TAU1));
        double w = 2.0 * exp(-t / TAU2);
        print_message("t = %.2f s: v relative error %.2e, w %.2e\n", t,
                      rel(snx_group_var(g, "v")[0], v), rel(snx_group_var(g, "w")[0], w));
        /* one rounding per step at most (machine precision per step): the propagator
         * is made in long double, 6e-15 after 1000 steps here; valgrind, which runs long
         * double as double, gets 1.05e-13 */
        double bound = DBL_EPSILON * t / snx_net_dt(net);
        assert_true(rel(snx_group_var(g, "v")[0], v) < bound);
        assert_true(rel(snx_group_var(g, "w")[0], w) < bound);
    }
    snx_net_free(net);
}

/* A rotation: 10 periods of a harmonic oscillator keep amplitude and phase. */
static void test_oscillator_keeps_phase(void **state)
{
    (void)state;
    snx_net *net = exact_net();
    snx_group *g = must_group(net, "osc", 1, "dx/dt = w0*y : 1\ndy/dt = -w0*x : 1", NULL);
    assert_string_equal(snx_group_method(g), "exact");
    assert_ok(snx_group_set(g, "x", 1.0));
    assert_ok(snx_net_run(net, 1.025)); /* 10.25 periods: x = 0, y = -1 */
    assert_close(snx_group_var(g, "x")[0], 0.0, 1e-11);
    assert_close(snx_group_var(g, "y")[0], -1.0, 1e-11);
    snx_net_free(net);
}

/* A LIF membrane with constant input and a per-neuron resting value (b per neuron):
 * v = mu + I tau1 + (v0 - mu - I tau1) e^(-t/tau1). */
static void test_lif_membrane_per_neuron_input(void **state)
{
    (void)state;
    snx_net *net = exact_net();
    assert_ok(snx_namespace_set_unit(snx_net_namespace(net), "I", 40, "Hz"));
    snx_group *g = must_group(net, "lif", 300, "dv/dt = (mu - v)/tau1 + I : 1\n"
                                               "mu : 1 (constant)", NULL);
    assert_string_equal(snx_group_method(g), "exact");
    assert_ok(snx_group_init(g, "mu", "i/N"));
    assert_ok(snx_group_init(g, "v", "-0.5 + 0.01*i"));
    assert_ok(snx_net_run(net, 0.0123));
    const double *v = snx_group_var(g, "v"), t = snx_net_t(net);
    for (int k = 0; k < 300; k++) {
        double inf = k / 300.0 + 40 * TAU1, want = inf + (-0.5 + 0.01 * k - inf) * exp(-t / TAU1);
        assert_true(fabs(v[k] - want) <= 1e-12 * fmax(1, fabs(want)));
    }
    snx_net_free(net);
}

/* v (held) drives w (free): while refractory, v keeps its reset value and w follows
 * dw/dt = (a v_r - w)/tau2 exactly; before, both follow the coupled system. */
static void test_held_variable_drives_free_one(void **state)
{
    (void)state;
    const double a = 3, vr = 0.2;
    snx_net *net = exact_net();
    snx_group *g = must_group(net, "g", 1, "dv/dt = -v/tau1 : 1 (unless refractory)\n"
                                           "dw/dt = (3*v - w)/tau2 : 1",
                              OPTS(.threshold = "v > 0.5", .reset = "v = 0.2",
                                   .refractory = "1*second"));
    assert_string_equal(snx_group_method(g), "exact");
    assert_ok(snx_group_set(g, "v", 1.0));
    assert_ok(snx_group_set(g, "w", 0.1));
    assert_ok(snx_net_run(net, DT)); /* integrates from (1, 0.1), spikes, resets */
    double k = 1 / TAU2 - 1 / TAU1;
    double w1 = 0.1 * exp(-DT / TAU2) + a / TAU2 * exp(-DT / TAU2) * expm1(k * DT) / k;
    assert_true(rel(snx_group_var(g, "w")[0], w1) < 1e-13);
    assert_true(snx_group_var(g, "v")[0] == vr);
    assert_ok(snx_net_run(net, 0.05));
    double t = 0.05, w = a * vr + (w1 - a * vr) * exp(-t / TAU2);
    assert_true(snx_group_var(g, "v")[0] == vr);
    assert_true(rel(snx_group_var(g, "w")[0], w) < 1e-12);
    snx_net_free(net);
}

/* With no method given: exact where the system qualifies, euler otherwise. */
static void test_automatic_choice(void **state)
{
    (void)state;
    snx_net *net = exact_net();
    snx_namespace_set_unit(snx_net_namespace(net), "D", 2, "mV");
    snx_namespace_set_unit(snx_net_namespace(net), "E", -50, "mV");
    struct {
        const char *eqs, *method, *want;
    } cases[] = {
        { "dv/dt = -v/tau1 : 1", NULL, "exact" },
        { "dv/dt = (I_s - v)/tau1 : 1\nI_s = 2*s : 1\nds/dt = -s/tau2 : 1", NULL, "exact" },
        { "dv/dt = -v/tau1 : 1", "linear", "exact" },
        /* AdEx's exponential term */
        { "dv/dt = (-v + D*exp((v - E)/D))/tau1 : volt", NULL, "euler" },
        { "dv/dt = -v/tau1 + xi/sqrt(tau1) : 1", NULL, "euler" },
        /* per-neuron coefficients, each variable on its own: exponential Euler's
         * formula is the exact solution; coupled through one, no closed form here */
        { "dv/dt = -v/tau : 1\ntau : second", NULL, "exponential_euler" },
        { "dv/dt = (w - v)/tau : 1\ndw/dt = -w/tau1 : 1\ntau : second", NULL, "euler" },
        { "dv/dt = sin(w0*t)/tau1 : 1", NULL, "euler" },
        { "dv/dt = randn()/tau1 : 1", NULL, "euler" },
        { "v : 1", NULL, "euler" },
        { "dv/dt = -v/tau1 : 1", "rk4", "rk4" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char name[16];
        snprintf(name, sizeof name, "g%zu", k);
        snx_group *g = must_group(net, name, 2, cases[k].eqs, OPTS(.method = cases[k].method));
        if (strcmp(snx_group_method(g), cases[k].want))
            print_error("%s: %s, not %s\n", cases[k].eqs, snx_group_method(g), cases[k].want);
        assert_string_equal(snx_group_method(g), cases[k].want);
        assert_string_equal(snx_group_method(snx_group_slice(g, 1, 2)), cases[k].want);
    }
    assert_null(snx_group_method(NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    snx_net_free(net);
}

/* Heterogeneous time constants (tau per neuron, some inputs 0): the automatic choice
 * follows each neuron's exponential to rounding error, also where the coefficient of a
 * neuron is 0 (a division by it would give NaN). */
static void test_per_neuron_coefficients(void **state)
{
    (void)state;
    snx_net *net = exact_net();
    snx_group *g = must_group(net, "g", 4, "dv/dt = (mu - v)/tau + k*v/tau1 : 1\n"
                                           "tau : second\nmu : 1\nk : 1", NULL);
    assert_string_equal(snx_group_method(g), "exponential_euler");
    assert_ok(snx_group_init(g, "tau", "(1 + i)*5*ms"));
    assert_ok(snx_group_init(g, "mu", "0.5*i"));
    assert_ok(snx_group_init(g, "k", "(i == 0)*1")); /* neuron 0: its coefficient is 0 */
    assert_ok(snx_group_set(g, "v", 1));
    assert_ok(snx_net_run(net, 0.1));
    const double *v = snx_group_var(g, "v");
    for (int i = 0; i < 4; i++) {
        double tau = (1 + i) * 5e-3, mu = 0.5 * i, b = -1 / tau + (i == 0) / TAU1;
        double want = b == 0 ? 1 + mu / tau * 0.1
                             : -mu / tau / b + (1 + mu / tau / b) * exp(b * 0.1);
        assert_float_equal(v[i], want, 1e-12 * fabs(want) + 1e-15);
    }
    snx_net_free(net);
}

static void test_exact_refusals(void **state)
{
    (void)state;
    snx_net *net = exact_net();
    const snx_group_opts *exact = OPTS(.method = "exact");
    assert_group_fails(net, "dv/dt = -v*v/tau1 : 1", exact, SNX_EINVAL,
                       "equations, line 1: method \"exact\" needs linear equations with "
                       "constant coefficients", "it is not linear in v", "in \"dv/dt = -v*v/tau1 : 1\"");
    assert_group_fails(net, "dv/dt = -w*v/tau1 : 1\ndw/dt = -w/tau1 : 1", exact, SNX_EINVAL,
                       "not linear in v (a product of state variables)");
    assert_group_fails(net, "dv/dt = -v/tau1 + exp(-v)/tau1 : 1", exact, SNX_EINVAL,
                       "not linear in v");
    assert_group_fails(net, "dv/dt = -v/tau : 1\ntau : second", exact, SNX_EINVAL,
                       "the coefficient of v is not a constant");
    assert_group_fails(net, "dv/dt = (sin(w0*t) - v)/tau1 : 1", exact, SNX_EINVAL,
                       "it uses t, which changes within a step");
    assert_group_fails(net, "dv/dt = (rand() - v)/tau1 : 1", OPTS(.method = "linear"),
                       SNX_EINVAL, "it uses rand(), which changes within a step");
    assert_group_fails(net, "dv/dt = -v/tau1 + xi/sqrt(tau1) : 1", exact, SNX_EINVAL,
                       "method \"exact\" cannot integrate the stochastic equation");
    assert_group_fails(net, "dv/dt = -v/(0*tau1) : 1", exact, SNX_EINVAL,
                       "the coefficient of v is not finite");
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cascade_matches_closed_form),
        cmocka_unit_test(test_oscillator_keeps_phase),
        cmocka_unit_test(test_lif_membrane_per_neuron_input),
        cmocka_unit_test(test_held_variable_drives_free_one),
        cmocka_unit_test(test_automatic_choice),
        cmocka_unit_test(test_per_neuron_coefficients),
        cmocka_unit_test(test_exact_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
