/* White noise (xi) in differential equations: Euler-Maruyama against the statistics of
 * the Ornstein-Uhlenbeck process, one sample per name shared between equations and
 * independent samples for different names, reproducibility (seeds, threads), and every
 * way of writing noise that snex refuses, each pinned by code and message. */
#include "sim_test.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static const double TAU = 10e-3, SIGMA = 0.5;

static snx_net *noise_net(uint64_t seed, int32_t parallel_min)
{
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = seed, .parallel_min = parallel_min });
    assert_non_null(net);
    snx_namespace *ns = snx_net_namespace(net);
    assert_ok(snx_namespace_set_unit(ns, "tau", 10, "ms"));
    assert_ok(snx_namespace_set(ns, "sigma", SIGMA, SNX_DIMENSIONLESS));
    return net;
}

static const char *OU = "dx/dt = (mu - x)/tau + sigma*sqrt(2/tau)*xi : 1\nmu : 1 (constant)";

/* Mean and variance of the OU process over neurons and well-separated times: the
 * stationary variance is sigma^2, and Euler-Maruyama's discrete process
 * x' = (1 - a) x + sigma sqrt(2a) N (a = dt/tau) has exactly sigma^2/(1 - a/2). */
static void test_ou_stationary_statistics(void **state)
{
    (void)state;
    const int32_t n = 10000;
    const int samples = 10;
    snx_net *net = noise_net(7, 0);
    snx_group *g = must_group(net, "ou", n, OU, NULL);
    assert_ok(snx_net_run(net, 0.1)); /* 10 tau: the start (x = 0) is forgotten */
    double sum = 0, sum2 = 0;
    for (int s = 0; s < samples; s++) {
        assert_ok(snx_net_run(net, 0.05)); /* 5 tau apart: correlation e^-5 */
        const double *x = snx_group_var(g, "x");
        for (int32_t k = 0; k < n; k++) {
            sum += x[k];
            sum2 += x[k] * x[k];
        }
    }
    double m = (double)n * samples, mean = sum / m, var = sum2 / m - mean * mean;
    double a = DT / TAU, discrete = SIGMA * SIGMA / (1 - a / 2);
    double se_var = discrete * sqrt(2 / m); /* standard error of a normal variance */
    print_message("OU: mean %.5f (se %.5f), variance %.5f, continuous %.5f, discrete %.5f "
                  "(se %.5f)\n", mean, SIGMA / sqrt(m), var, SIGMA * SIGMA, discrete, se_var);
    assert_true(fabs(mean) < 4 * SIGMA / sqrt(m));
    assert_true(fabs(var - discrete) < 4 * se_var);
    assert_true(fabs(var - SIGMA * SIGMA) < 0.02 * SIGMA * SIGMA);
    snx_net_free(net);
}

/* A per-neuron drift: the mean follows mu, the noise does not depend on it. */
static void test_ou_mean_follows_parameter(void **state)
{
    (void)state;
    snx_net *net = noise_net(8, 0);
    snx_group *g = must_group(net, "ou", 4000, OU, NULL);
    assert_ok(snx_group_init(g, "mu", "(i % 2)*3"));
    assert_ok(snx_group_init(g, "x", "mu"));
    assert_ok(snx_net_run(net, 0.05));
    const double *x = snx_group_var(g, "x");
    double s[2] = { 0, 0 };
    for (int k = 0; k < 4000; k++)
        s[k % 2] += x[k];
    assert_close(s[0] / 2000, 0, 4 * SIGMA / sqrt(2000));
    assert_close(s[1] / 2000, 3, 4 * SIGMA / sqrt(2000));
    snx_net_free(net);
}

/* One name in two equations is one sample (y moves exactly twice as far as x); two
 * names are independent (z is uncorrelated with x). */
static void test_names_share_or_separate_samples(void **state)
{
    (void)state;
    const int32_t n = 10000;
    snx_net *net = noise_net(9, 0);
    snx_group *g = must_group(net, "w", n,
                              "dx/dt = xi/sqrt(tau) : 1\n"
                              "dy/dt = 2*xi/sqrt(tau) : 1\n"
                              "dz/dt = xi_b*tau**-0.5 : 1", NULL);
    assert_ok(snx_net_run(net, 0.01));
    const double *x = snx_group_var(g, "x"), *y = snx_group_var(g, "y"),
                 *z = snx_group_var(g, "z");
    double sxz = 0, sxx = 0, szz = 0;
    for (int32_t k = 0; k < n; k++) {
        assert_true(y[k] == 2 * x[k]);
        sxz += x[k] * z[k];
        sxx += x[k] * x[k];
        szz += z[k] * z[k];
    }
    /* Brownian motion: Var x(t) = t/tau = 1 for t = tau. */
    assert_close(sxx / n, 1.0, 4 * sqrt(2.0 / n));
    assert_close(szz / n, 1.0, 4 * sqrt(2.0 / n));
    assert_true(fabs(sxz / sqrt(sxx * szz)) < 4 / sqrt((double)n));
    snx_net_free(net);
}

/* x after 20 steps of n neurons from a network made with these settings. */
static double *ou_run(uint64_t seed, int32_t parallel_min, int32_t n)
{
    snx_net *net = noise_net(seed, parallel_min);
    snx_group *g = must_group(net, "ou", n, OU, NULL);
    assert_ok(snx_net_run(net, 20 * DT));
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    memcpy(x, snx_group_var(g, "x"), (size_t)n * sizeof *x);
    snx_net_free(net);
    return x;
}

static void test_same_seed_same_bits_any_threads(void **state)
{
    (void)state;
    const int32_t n = 1000; /* 4 blocks */
    double *serial = ou_run(3, -1, n), *again = ou_run(3, -1, n), *other = ou_run(4, -1, n);
#ifdef _OPENMP
    omp_set_num_threads(2);
#endif
    double *parallel = ou_run(3, 1, n);
    assert_memory_equal(serial, again, (size_t)n * sizeof *serial);
    assert_memory_equal(serial, parallel, (size_t)n * sizeof *serial);
    int differ = 0;
    for (int32_t k = 0; k < n; k++)
        differ += serial[k] != other[k];
    assert_int_equal(differ, n);
    free(serial), free(again), free(other), free(parallel);
}

/* A held variable does not move while refractory, noise included. */
static void test_noise_is_held_while_refractory(void **state)
{
    (void)state;
    snx_net *net = noise_net(5, 0);
    snx_group *g = must_group(net, "g", 300, "dv/dt = sigma*xi/sqrt(tau) : 1 (unless refractory)",
                              OPTS(.threshold = "v > -1", .reset = "v = 0.25",
                                   .refractory = "1*second"));
    assert_ok(snx_net_run(net, 0.01));
    for (int k = 0; k < 300; k++)
        assert_true(snx_group_var(g, "v")[k] == 0.25);
    snx_net_free(net);
}

static void test_noise_errors(void **state)
{
    (void)state;
    snx_net *net = noise_net(1, 0);
    /* only Euler(-Maruyama) integrates noise */
    const char *methods[] = { "rk2", "rk4", "exponential_euler" };
    for (int m = 0; m < 3; m++)
        assert_group_fails(net, "dv/dt = -v/tau + sigma*xi/sqrt(tau) : 1",
                           OPTS(.method = methods[m]), SNX_EINVAL, "method \"",
                           methods[m], "cannot integrate the stochastic equation "
                           "\"dv/dt = -v/tau + sigma*xi/sqrt(tau) : 1\" (white noise xi)",
                           "use euler");
    /* multiplicative noise, directly or through a subexpression */
    assert_group_fails(net, "dv/dt = -v/tau + v*xi/sqrt(tau) : 1", NULL, SNX_EINVAL,
                       "equations, line 1: the noise term of \"xi\" depends on the state "
                       "variable \"v\" (multiplicative noise", "Milstein", "additive noise only");
    assert_group_fails(net, "dv/dt = -v/tau + g*xi_1/sqrt(tau) : 1\ng = 1 + w : 1\n"
                       "dw/dt = -w/tau : 1", NULL, SNX_EINVAL,
                       "the noise term of \"xi_1\" depends on the state variable \"w\"");
    /* xi must be linear */
    assert_group_fails(net, "dv/dt = -v/tau + xi**2 : 1", NULL, SNX_EINVAL,
                       "white noise \"xi\" must appear linearly", "in \"dv/dt = -v/tau + xi**2 : 1\"");
    assert_group_fails(net, "dv/dt = xi*xi : 1", NULL, SNX_EINVAL, "must appear linearly");
    assert_group_fails(net, "dv/dt = 1/(xi*tau**1.5) : 1", NULL, SNX_EINVAL,
                       "must appear linearly");
    assert_group_fails(net, "dv/dt = exp(xi)/tau : 1", NULL, SNX_EDIM,
                       "exp() needs a dimensionless argument", "\"xi\" has dimension s^-1/2");
    /* dimensions: xi is s^-1/2 */
    assert_group_fails(net, "dv/dt = xi : 1", NULL, SNX_EDIM,
                       "the right-hand side \"xi\" has dimension s^-1/2",
                       "dv/dt must have dimension Hz");
    assert_group_fails(net, "dv/dt = -v/tau + sigma*xi : 1", NULL, SNX_EDIM,
                       "\"sigma*xi\" has dimension s^-1/2");
    /* only in differential equations */
    assert_group_fails(net, "dv/dt = -v/tau + n : 1\nn = xi/sqrt(tau) : Hz", NULL, SNX_EINVAL,
                       "\"xi\" at line 2, column 5 of equations", "is white noise, which "
                       "only differential equations may use (a group's, or clock-driven ones of synapses)");
    assert_group_fails(net, "dv/dt = -v/tau : 1", OPTS(.threshold = "v*sqrt(tau)*xi > 1"),
                       SNX_EINVAL, "of threshold", "is white noise");
    assert_group_fails(net, "xi_a : 1", NULL, SNX_ENAME, "\"xi_a\" is a reserved name",
                       "xi and xi_* for noise");
    snx_group *g = must_group(net, "ok", 2, "dv/dt = -v/tau : 1\nxii : 1\nxi_ : 1", NULL);
    assert_fails(snx_group_init(g, "v", "xi"), SNX_EINVAL, "is white noise");
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ou_stationary_statistics),
        cmocka_unit_test(test_ou_mean_follows_parameter),
        cmocka_unit_test(test_names_share_or_separate_samples),
        cmocka_unit_test(test_same_seed_same_bits_any_threads),
        cmocka_unit_test(test_noise_is_held_while_refractory),
        cmocka_unit_test(test_noise_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
