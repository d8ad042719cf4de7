/* The equation language's syntax: what parses, and parse errors with line, column and
 * the offending text. */
#include "sim_test.h"

static snx_net *net_with_tau(void)
{
    snx_net *net = test_net(1);
    snx_namespace_set_unit(snx_net_namespace(net), "tau", 10, "ms");
    return net;
}

static void test_accepted_syntax(void **state)
{
    (void)state;
    snx_net *net = net_with_tau();
    /* Comments, blank lines, continuation inside parentheses, all flags, unit forms,
     * every operator and function. */
    const char *eqs =
        "# a comment line\n"
        "\n"
        "dV/dt = (mu - V)/tau : 1 (unless refractory)  # trailing comment\n"
        "dw/dt = (-w + 0.5*(V > 0.5) + (V >= 2 or V < -1 and not V <= 0) +\n"
        "         (V == 1) + (V != 3)) / tau : 1\n"
        "mu : 1 (constant)\n"
        "g : siemens\n"
        "I = g*5*mV + 2*nA*clip(V, 0, 1) : amp\n"
        "f = (exp(0) + log(1) + log10(10) + sqrt(4) + abs(-1) + sin(0) + cos(0) + tan(0)\n"
        "    + tanh(0) + sinh(0) + cosh(0) + floor(1.5) + ceil(0.5) + sign(-2)\n"
        "    + min(1, 2) + max(1, 2) + 2**-1 + -2**2 + 7 % 4 + 1e-3/1E-3 + .5) : 1\n"
        "r = rand() + randn()*0 : 1\n"
        "q = t/ms + dt/ms + i + N : 1\n";
    snx_group *g = must_group(net, "g", 4, eqs, NULL);
    assert_int_equal(snx_group_n_vars(g), 4); /* V, w, mu, g */
    assert_string_equal(snx_group_var_name(g, 0), "V");
    assert_string_equal(snx_group_var_name(g, 3), "g");
    /* The constant subexpression folds to the expected value. */
    snx_monitor *m = snx_monitor_state(net, "m", g, "f, q", NULL);
    assert_non_null(m);
    assert_ok(snx_net_run(net, 2 * DT));
    double want_f = 1 + 0 + 1 + 2 + 1 + 0 + 1 + 0 + 0 + 0 + 1 + 1 + 1 - 1 + 1 + 2 + 0.5 - 4 + 3 + 1 + 0.5;
    assert_close(snx_monitor_values(m, "f")[0], want_f, 1e-12);
    /* q at step 1 (t = 0.1 ms), neuron 3: 0.1 + 0.1 + 3 + 4 */
    assert_close(snx_monitor_values(m, "q")[1 * 4 + 3], 7.2, 1e-9);
    snx_net_free(net);
}

static void test_statements(void **state)
{
    (void)state;
    snx_net *net = net_with_tau();
    snx_group *g = must_group(net, "g", 2, "dV/dt = 1/tau : 1\nw : 1\nu : 1",
                              OPTS(.threshold = "V > 0.5",
                                                 .reset = "V = 0; w += 2\n u -= 1;;\n"
                                                          "w *= 3\nu /= 4"));
    assert_ok(snx_net_run(net, 60 * DT)); /* V crosses 0.5 at the 51st step */
    assert_close(snx_group_var(g, "w")[0], 6.0, 0);
    assert_close(snx_group_var(g, "u")[1], -0.25, 0);
    snx_net_free(net);
}

static void test_equation_parse_errors(void **state)
{
    (void)state;
    snx_net *net = net_with_tau();
    assert_group_fails(net, "dV/dt = (mu - V))/tau : 1\nmu : 1", NULL, SNX_EPARSE,
                       "line 1, column 17", "found \")\"", "dV/dt = (mu - V))/tau : 1");
    assert_group_fails(net, "mu : 1\ndV/dt = mu + * 2 : 1", NULL, SNX_EPARSE,
                       "equations: line 2, column 14", "found \"*\"", "dV/dt = mu + * 2 : 1");
    assert_group_fails(net, "dV/dt = -V/tau", NULL, SNX_EPARSE,
                       "line 1, column 15", "expected ':' and a unit");
    assert_group_fails(net, "dV/dx = -V/tau : 1", NULL, SNX_EPARSE,
                       "line 1, column 4", "expected 'dt' in dX/dt", "\"dx\"");
    assert_group_fails(net, "x = 3 $ 2 : 1", NULL, SNX_EPARSE,
                       "line 1, column 7", "unexpected character \"$\"");
    assert_group_fails(net, "dV/dt = -V/5ms : 1", NULL, SNX_EPARSE,
                       "column 12", "write 5*ms", "\"5ms\"");
    assert_group_fails(net, "x = foo(1) : 1", NULL, SNX_EPARSE,
                       "column 5", "unknown function \"foo\"");
    assert_group_fails(net, "x = exp(1, 2) : 1", NULL, SNX_EPARSE,
                       "exp() takes 1 argument, not 2");
    assert_group_fails(net, "x = clip(1, 2) : 1", NULL, SNX_EPARSE,
                       "clip() takes 3 arguments, not 2");
    assert_group_fails(net, "x = (1 + 2 : 1", NULL, SNX_EPARSE, "expected ')'");
    assert_group_fails(net, "= 3 : 1", NULL, SNX_EPARSE, "line 1, column 1", "expected an equation");
    assert_group_fails(net, "dV/dt = -V/tau\n : 1", NULL, SNX_EPARSE,
                       "line 1, column 15: expected ':' and a unit at end of \"dV/dt = -V/tau\"");
    snx_net_free(net);
}

static void test_units_and_flags(void **state)
{
    (void)state;
    snx_net *net = net_with_tau();
    assert_group_fails(net, "x : furlong", NULL, SNX_EPARSE,
                       "line 1, column 5", "unknown unit \"furlong\"", "\"x : furlong\"");
    assert_group_fails(net, "x : 1 (constnat)", NULL, SNX_EPARSE,
                       "column 8", "unknown flag", "\"constnat\"");
    assert_group_fails(net, "dV/dt = -V/tau : 1 (constant)", NULL, SNX_EPARSE,
                       "column 21", "only parameters (X : unit) can be constant");
    assert_group_fails(net, "x : 1\ny : 1 (unless refractory)", NULL, SNX_EPARSE,
                       "line 2, column 8", "only differential equations can be held");
    /* Units name dimensions; any spelling of a dimension works. */
    must_group(net, "u1", 1, "a : mV\nb : volt\nc : nS*mV\nd : (mV)\ne : 1/s\nf : m**2", NULL);
    snx_net_free(net);
}

static void test_names(void **state)
{
    (void)state;
    snx_net *net = net_with_tau();
    assert_group_fails(net, "x : 1\nx : 1", NULL, SNX_EPARSE,
                       "line 2, column 1", "a second definition of \"x\"");
    assert_group_fails(net, "dx/dt = -x/tau : 1\nx : 1", NULL, SNX_EPARSE,
                       "a second definition of \"x\"");
    const char *reserved[] = { "t : 1", "dt : 1", "i : 1", "N : 1", "_x : 1", "exp : 1",
                               "w_pre : 1", "v_post : 1" };
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
        assert_group_fails(net, reserved[k], NULL, SNX_ENAME, "is a reserved name");
    assert_group_fails(net, "a = b : 1\nb = c + 1 : 1\nc = a : 1", NULL, SNX_EINVAL,
                       "defined in terms of itself");
    snx_net_free(net);
}

static void test_condition_and_statement_errors(void **state)
{
    (void)state;
    snx_net *net = net_with_tau();
    assert_group_fails(net, "V : 1", OPTS(.threshold = "0 < V < 1"), SNX_EPARSE,
                       "threshold: line 1, column 7", "chained comparisons");
    assert_group_fails(net, "V : 1", OPTS(.threshold = ""), SNX_EPARSE,
                       "empty expression");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 1 1"), SNX_EPARSE,
                       "column 7", "expected end of expression");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 0", .reset = "V = = 0"),
                       SNX_EPARSE, "reset: line 1, column 5", "found \"=\"");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 0", .reset = "V = 1\nV 0"),
                       SNX_EPARSE, "reset: line 2, column 3", "expected '=', '+=', '-=', '*=' or '/='");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 0", .reset = "5 = V"),
                       SNX_EPARSE, "reset: line 1, column 1", "expected a variable name");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 0", .reset = "V = 1 2"),
                       SNX_EPARSE, "column 7", "expected end of statement");
    assert_group_fails(net, "V : 1", OPTS(.refractory = "5*"), SNX_EPARSE,
                       "refractory: line 1, column 3");
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted_syntax),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_equation_parse_errors),
        cmocka_unit_test(test_units_and_flags),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_condition_and_statement_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
