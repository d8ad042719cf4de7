/* State updates against closed forms: Euler on decay and linear equations, the other
 * methods' accuracy, a LIF neuron's firing rate against its discrete and analytic
 * rates. */
#include "sim_test.h"

static const double TAU = 10e-3;

static snx_net *decay_net(const char *method, snx_group **g)
{
    snx_net *net = test_net(1);
    assert_ok(snx_namespace_set_unit(snx_net_namespace(net), "tau", 10, "ms"));
    *g = must_group(net, "g", 3, "dx/dt = -x/tau : 1", OPTS(.method = method));
    assert_ok(snx_group_set(*g, "x", 1.0));
    return net;
}

static void test_euler_decay_is_exact_geometric(void **state)
{
    (void)state;
    snx_group *g;
    snx_net *net = decay_net("euler", &g);
    assert_ok(snx_net_run(net, 0.05)); /* 500 steps */
    assert_int_equal(snx_net_step(net), 500);
    double want = pow(1 - DT / TAU, 500);
    const double *x = snx_group_var(g, "x");
    for (int i = 0; i < 3; i++)
        assert_close(x[i], want, 1e-13);
    /* And close to the true solution, within Euler's error O(dt/tau). */
    assert_close(x[0], exp(-5.0), exp(-5.0) * 0.03);
    snx_net_free(net);
}

static void test_methods_converge_with_their_order(void **state)
{
    (void)state;
    const char *methods[] = { "euler", "rk2", "rk4", "exponential_euler" };
    const double tol[] = { 3e-2, 1.5e-4, 1e-9, 1e-13 }; /* relative, after 50 ms */
    for (int m = 0; m < 4; m++) {
        snx_group *g;
        snx_net *net = decay_net(methods[m], &g);
        assert_ok(snx_net_run(net, 0.05));
        double x = snx_group_var(g, "x")[1], want = exp(-5.0);
        if (fabs(x - want) > tol[m] * want)
            print_error("%s: %.17g vs %.17g\n", methods[m], x, want);
        assert_true(fabs(x - want) <= tol[m] * want);
        snx_net_free(net);
    }
}

static void test_linear_equations(void **state)
{
    (void)state;
    /* dx/dt = a: x = a t exactly (up to rounding); dy/dt = x: y = a t^2/2 - a t dt/2
     * under Euler (the discrete sum a dt^2 (0 + 1 + ... + n-1)). */
    snx_net *net = test_net(1);
    snx_namespace_set_unit(snx_net_namespace(net), "a", 3, "Hz");
    snx_group *g = must_group(net, "g", 2, "dx/dt = a : 1\ndy/dt = x*a : 1",
                              OPTS(.method = "euler"));
    assert_ok(snx_net_run(net, 0.1));
    double t = 0.1, a = 3;
    assert_close(snx_group_var(g, "x")[0], a * t, 1e-12);
    assert_close(snx_group_var(g, "y")[1], a * a * (t * t / 2 - t * DT / 2), 1e-12);
    snx_net_free(net);
}

static void test_coupled_oscillator_rk4(void **state)
{
    (void)state;
    /* x'' = -w^2 x as two equations; RK4 keeps the phase after 1 s of 10 Hz. */
    snx_net *net = test_net(1);
    snx_namespace_set_unit(snx_net_namespace(net), "w", 2 * 3.141592653589793 * 10, "Hz");
    snx_group *g = must_group(net, "osc", 1, "dx/dt = w*v : 1\ndv/dt = -w*x : 1",
                              OPTS(.method = "rk4"));
    snx_group_set(g, "x", 1.0);
    assert_ok(snx_net_run(net, 1.0));
    assert_close(snx_group_var(g, "x")[0], 1.0, 1e-6);
    assert_close(snx_group_var(g, "v")[0], 0.0, 1e-6);
    snx_net_free(net);
}

static void test_exponential_euler_refuses_nonlinear(void **state)
{
    (void)state;
    snx_net *net = test_net(1);
    snx_namespace_set_unit(snx_net_namespace(net), "tau", 10, "ms");
    assert_group_fails(net, "dx/dt = -x*x/tau : 1", OPTS(.method = "exponential_euler"),
                       SNX_EINVAL, "exponential_euler needs dX/dt = A + B*X", "-x*x/tau");
    assert_group_fails(net, "dx/dt = -x/tau : 1", OPTS(.method = "heun"),
                       SNX_EINVAL, "unknown integration method \"heun\"");
    snx_net_free(net);
}

/* A LIF neuron driven to threshold: dV/dt = (mu - V)/tau, V > 1 -> V = 0, refractory. */
static void test_lif_rate_matches_discrete_and_analytic(void **state)
{
    (void)state;
    const double mu = 1.5, ref = 2e-3;
    snx_net *net = test_net(1);
    snx_namespace *ns = snx_net_namespace(net);
    snx_namespace_set_unit(ns, "tau", 10, "ms");
    snx_namespace_set(ns, "mu", mu, SNX_DIMENSIONLESS);
    snx_group *g = must_group(net, "lif", 1, "dV/dt = (mu - V)/tau : 1 (unless refractory)",
                              OPTS(.threshold = "V > 1", .reset = "V = 0",
                                                 .refractory = "2*ms"));
    snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
    assert_ok(snx_net_run(net, 1.0));
    /* Discrete: from V = 0, n* Euler steps reach V > 1; spikes are k - 1 + n* apart. */
    int k = 20, n_star = 0;
    for (double V = 0; V <= 1; n_star++)
        V = V + DT * (mu - V) / TAU;
    size_t n = snx_monitor_n_spikes(sp);
    assert_true(n > 10);
    const double *t = snx_monitor_spike_t(sp);
    for (size_t s = 1; s < n; s++)
        assert_close(t[s] - t[s - 1], (k - 1 + n_star) * DT, 1e-9);
    /* The analytic rate of the continuous model, within the Euler error. */
    double analytic = 1 / (ref + TAU * log(mu / (mu - 1)));
    double rate = (double)(n - 1) / (t[n - 1] - t[0]);
    assert_close(rate, analytic, 0.02 * analytic);
    snx_net_free(net);
}

/* Every method holds (unless refractory) variables exactly during refractoriness. */
static void test_all_methods_hold_refractory_variables(void **state)
{
    (void)state;
    const char *methods[] = { "euler", "rk2", "rk4", "exponential_euler" };
    for (int m = 0; m < 4; m++) {
        snx_net *net = test_net(1);
        snx_namespace_set_unit(snx_net_namespace(net), "tau", 10, "ms");
        snx_group *g = must_group(net, "g", 1,
                                  "dV/dt = (2 - V)/tau : 1 (unless refractory)\n"
                                  "dw/dt = (2 - w)/tau : 1",
                                  OPTS(.threshold = "V > 1", .reset = "V = 0",
                                       .refractory = "3*ms", .method = methods[m]));
        snx_monitor *st = snx_monitor_state(net, "st", g, "V", NULL);
        snx_monitor *sp = snx_monitor_spikes(net, "sp", g, NULL, 0);
        assert_ok(snx_net_run(net, 0.02));
        assert_true(snx_monitor_n_spikes(sp) >= 1);
        int first = (int)llround(snx_monitor_spike_t(sp)[0] / DT);
        const double *V = snx_monitor_values(st, "V");
        for (int k = first; k < first + 30; k++)
            assert_close(V[k], 0.0, 0);
        assert_true(V[first + 30] > 0);
        /* w, not held, follows the same equation without resets. */
        assert_close(snx_group_var(g, "w")[0], 2 - 2 * exp(-2.0), 0.02);
        snx_net_free(net);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_euler_decay_is_exact_geometric),
        cmocka_unit_test(test_methods_converge_with_their_order),
        cmocka_unit_test(test_linear_equations),
        cmocka_unit_test(test_coupled_oscillator_rk4),
        cmocka_unit_test(test_exponential_euler_refuses_nonlinear),
        cmocka_unit_test(test_lif_rate_matches_discrete_and_analytic),
        cmocka_unit_test(test_all_methods_hold_refractory_variables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
