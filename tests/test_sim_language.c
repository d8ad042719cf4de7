/* The parts of Brian2's model language that users write every day (issue 10): the
 * functions int, exprel, timestep and friends; (shared) variables; lastspike and
 * not_refractory; refractoriness given as a condition; and the clear refusal of what
 * snex does not support. */
#include "sim_test.h"

/* ---- functions ------------------------------------------------------------------------ */

/* f evaluated by the VM (on a per-neuron parameter x) and by folding (on the constant)
 * must agree bit for bit. Returns the VM's value. */
static double vm_and_folded(const char *f, double x)
{
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 1, "x : 1\ny : 1\nz : 1", NULL);
    assert_ok(snx_group_set(g, "x", x));
    char vm[128], folded[128];
    snprintf(vm, sizeof vm, "%s(x)", f);
    snprintf(folded, sizeof folded, "%s(%.17g)", f, x);
    assert_ok(snx_group_init(g, "y", vm));
    assert_ok(snx_group_init(g, "z", folded));
    double y = snx_group_var(g, "y")[0], z = snx_group_var(g, "z")[0];
    if (!(y == z || (isnan(y) && isnan(z))))
        print_error("%s: VM %.17g, folded %.17g\n", vm, y, z);
    assert_true(y == z || (isnan(y) && isnan(z)));
    snx_net_free(net);
    return y;
}

static void test_int_truncates_toward_zero(void **state)
{
    (void)state;
    const double in[] = { 2.7, -2.7, 0.5, -0.5, 3, -3, 0, 1e15 + 0.5 };
    const double out[] = { 2, -2, 0, 0, 3, -3, 0, 1e15 };
    for (size_t k = 0; k < sizeof in / sizeof in[0]; k++)
        assert_true(vm_and_folded("int", in[k]) == out[k]);
    /* Brian's int(not_refractory) idiom: a truth value in, 0 or 1 out. */
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 1, "y : 1", NULL);
    assert_ok(snx_group_init(g, "y", "int(2 > 1) + 10*int(1 > 2)"));
    assert_close(snx_group_var(g, "y")[0], 1, 0);
    /* Dimensionless in, as in Brian. */
    assert_fails(snx_group_init(g, "y", "int(5*ms)"), SNX_EDIM,
                 "int() needs a dimensionless argument");
    snx_net_free(net);
}

static void test_exprel(void **state)
{
    (void)state;
    assert_true(vm_and_folded("exprel", 0) == 1);
    /* Near 0, against the series 1 + x/2 + x^2/6 + x^3/24: (exp(x) - 1)/x would lose
     * half the digits at 1e-8. Within one unit in the last place. */
    const double xs[] = { 1e-8, -1e-8, 1e-12, -3e-5, 1e-300, 5e-324 };
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double x = xs[k], series = 1 + x / 2 + x * x / 6 + x * x * x / 24;
        assert_close(vm_and_folded("exprel", x), series, 2.3e-16);
    }
    assert_close(vm_and_folded("exprel", 1), exp(1) - 1, 1e-15);
    assert_close(vm_and_folded("exprel", -2), (exp(-2) - 1) / -2, 1e-15);
    assert_true(vm_and_folded("exprel", 800) == INFINITY);
    assert_true(vm_and_folded("exprel", -INFINITY) == 0);
}

static void test_other_brian_functions(void **state)
{
    (void)state;
    assert_close(vm_and_folded("arcsin", 0.5), asin(0.5), 0);
    assert_close(vm_and_folded("arccos", 0.5), acos(0.5), 0);
    assert_close(vm_and_folded("arctan", -2), atan(-2), 0);
    assert_close(vm_and_folded("expm1", 1e-10), expm1(1e-10), 0);
    assert_close(vm_and_folded("log1p", 1e-10), log1p(1e-10), 0);
    /* timestep(t, dt): multiples of dt land in their own step despite rounding. */
    snx_net *net = test_net(1);
    snx_group *g = must_group(net, "g", 3, "y : 1\ntau : second", NULL);
    assert_ok(snx_group_init(g, "tau", "(i*0.1 + 0.3)*ms")); /* 0.3 ms is 2.9999... dt */
    assert_ok(snx_group_init(g, "y", "timestep(tau, dt)"));
    const double *y = snx_group_var(g, "y");
    assert_close(y[0], 3, 0);
    assert_close(y[1], 4, 0);
    assert_close(y[2], 5, 0);
    assert_fails(snx_group_init(g, "y", "timestep(tau, 1)"), SNX_EDIM,
                 "operands must have the same dimension");
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_truncates_toward_zero),
        cmocka_unit_test(test_exprel),
        cmocka_unit_test(test_other_brian_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
